// npx tsx bench/alloc-summary.ts <dir> [<other dir>] [top]: what bench/alloc-probe.cjs wrote (figure 7's
// `--alloc <dir>`, one case's folder: <dir>/same or <dir>/changing), per thread: bytes allocated and
// objects made per delivery, collections per 1,000 deliveries, and where the bytes were allocated (by
// function, and by the innermost frame of Hookline's own code on the stack). Given two folders (plain,
// then mapped), the second's figures beside the first's and the sites sorted by what the second adds.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

type CallFrame = { functionName: string; url: string; lineNumber: number };
type ProfileNode = { id: number; callFrame: CallFrame; selfSize: number; children: ProfileNode[] };
type Gcs = Record<string, { count: number; costUs: number; promoted: number }>;
type Probe = { thread: string; deliveries: number; interval: number; allocatedBytes: number; gcs: Gcs; profile: { head: ProfileNode; samples: { size: number; nodeId: number }[] } };

const args = process.argv.slice(2);
const dirs = args.filter((a) => !/^\d+$/.test(a));
const top = Number(args.find((a) => /^\d+$/.test(a)) ?? 15);

const short = (url: string) => path.relative(process.cwd(), url.replace("file://", ""));
const own = (url: string) => /\/(lib|bench|\.hookline)\//.test(url) && !url.includes("node_modules");
const frame = (f: CallFrame) => `${f.functionName || "(anonymous)"} ${f.url ? `${short(f.url)}:${f.lineNumber + 1}` : ""}`.trim();

type Summary = { deliveries: number; bytes: number; objects: number; sampledBytes: number; gcs: Gcs; bySelf: Map<string, number>; byOwn: Map<string, number> };

function summarise(p: Probe): Summary {
  const parent = new Map<number, ProfileNode | null>();
  const nodes = new Map<number, ProfileNode>();
  const walk = (n: ProfileNode, up: ProfileNode | null) => {
    nodes.set(n.id, n);
    parent.set(n.id, up);
    for (const c of n.children) walk(c, n);
  };
  walk(p.profile.head, null);
  const ownOf = (n: ProfileNode): string => {
    for (let at: ProfileNode | null = n; at; at = parent.get(at.id) ?? null) if (own(at.callFrame.url)) return frame(at.callFrame);
    return `(outside Hookline) ${frame(n.callFrame)}`;
  };
  const bySelf = new Map<string, number>();
  const byOwn = new Map<string, number>();
  let sampledBytes = 0;
  for (const n of nodes.values()) {
    if (!n.selfSize) continue;
    sampledBytes += n.selfSize;
    const k = frame(n.callFrame);
    bySelf.set(k, (bySelf.get(k) ?? 0) + n.selfSize);
    const o = ownOf(n);
    byOwn.set(o, (byOwn.get(o) ?? 0) + n.selfSize);
  }
  // a sample's size is an object's size times the objects it stands for (1 / (1 - exp(-size / interval)),
  // rounded, V8's ScaleSample): the object's size found back by bisection, the objects as size / that
  let objects = 0;
  const scaled = (x: number) => x / (1 - Math.exp(-x / p.interval));
  for (const s of p.profile.samples) {
    let lo = 1;
    let hi = s.size;
    for (let i = 0; i < 40; i++) {
      const mid = (lo + hi) / 2;
      if (scaled(mid) < s.size) lo = mid;
      else hi = mid;
    }
    objects += s.size / Math.max(8, Math.round(lo / 8) * 8);
  }
  return { deliveries: p.deliveries, bytes: p.allocatedBytes, objects, sampledBytes, gcs: p.gcs, bySelf, byOwn };
}

function load(dir: string): Map<string, Summary> {
  const out = new Map<string, Summary>();
  for (const f of readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
    const p = JSON.parse(readFileSync(path.join(dir, f), "utf8")) as Probe;
    out.set(p.thread, summarise(p));
  }
  return out;
}

const sides = dirs.map(load);
const per = (s: Summary | undefined, v: number) => (s ? v / s.deliveries : NaN);
const fmt = (x: number, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : "-");
for (const thread of new Set(sides.flatMap((s) => [...s.keys()]))) {
  const [a, b] = sides.map((s) => s.get(thread));
  const line = (s: Summary | undefined) => (s ? `${fmt(per(s, s.bytes))} B (sampled ${fmt(per(s, s.sampledBytes))}), ${fmt(per(s, s.objects), 1)} objects, per 1,000 deliveries ${Object.entries(s.gcs).map(([k, v]) => `${k} ${fmt((v.count * 1000) / s.deliveries, 2)} (pause ${fmt(v.costUs / s.deliveries, 2)} µs a delivery${v.promoted ? `, promoted ${fmt(v.promoted / s.deliveries)} B` : ""})`).join(", ")}` : "-");
  console.log(`\n## ${thread}: per delivery ${line(a)}${b ? `\n   second: ${line(b)}\n   added: ${fmt(per(b, b.bytes) - per(a, a!.bytes))} B, ${fmt(per(b, b.objects) - per(a, a!.objects), 1)} objects` : ""}`);
  for (const key of ["byOwn", "bySelf"] as const) {
    const keys = new Set([...(a?.[key].keys() ?? []), ...(b?.[key].keys() ?? [])]);
    const rows = [...keys].map((k) => {
      const x = a ? (a[key].get(k) ?? 0) / a.deliveries : 0;
      const y = b ? (b[key].get(k) ?? 0) / b.deliveries : NaN;
      return { k, x, y, d: b ? y - x : x };
    });
    rows.sort((r, s) => Math.abs(s.d) - Math.abs(r.d));
    console.log(`  ${key === "byOwn" ? "by Hookline's innermost frame" : "by function (self)"}${b ? ", sorted by what the second adds" : ""} (B per delivery):`);
    for (const r of rows.slice(0, top)) console.log(`    ${b ? `${fmt(r.x).padStart(6)} -> ${fmt(r.y).padStart(6)} (${r.d >= 0 ? "+" : ""}${fmt(r.d)})` : fmt(r.x).padStart(6)}  ${r.k}`);
  }
}
