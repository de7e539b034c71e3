// npx tsx bench/profile-summary.ts file.cpuprofile [top] [--by-area]: self time by function (or by
// area: a package under node_modules, a lib/ folder, node internals), for RESULTS.md.
import { readFileSync } from "node:fs";
import path from "node:path";

type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number };
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[] };

const byArea = process.argv.includes("--by-area");
const [file, topArg] = process.argv.slice(2).filter((a) => !a.startsWith("--"));

function area(url: string, fn: string) {
  if (!url) return fn.startsWith("(") ? fn : "(native)";
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  if (url.startsWith("node:")) return "node internals";
  const rel = path.relative(process.cwd(), url.replace("file://", ""));
  return rel.split("/").slice(0, 2).join("/");
}
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, i) => {
  const n = byId.get(id)!;
  const dt = profile.timeDeltas[i] ?? 0;
  total += dt;
  const where = n.callFrame.url ? `${path.relative(process.cwd(), n.callFrame.url.replace("file://", ""))}:${n.callFrame.lineNumber + 1}` : "";
  const key = byArea ? area(n.callFrame.url, n.callFrame.functionName) : `${n.callFrame.functionName || "(anonymous)"} ${where}`.trim();
  self.set(key, (self.get(key) ?? 0) + dt);
});
const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(topArg ?? 15));
for (const [k, us] of top) console.log(`${((us / total) * 100).toFixed(1).padStart(5)}%  ${k}`);
