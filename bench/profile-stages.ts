// npx tsx bench/profile-stages.ts file.cpuprofile [deliveries]: a CPU profile's time by stage of a
// delivery (claim, batch context, render, sign, send, result write, attempt row, lease, ...), each
// sample given to the innermost frame on its stack that names a stage. With the number of
// deliveries the profile covers, prints microseconds per delivery too (bench/RESULTS.md).
import { readFileSync } from "node:fs";

type Node = { id: number; parent?: number; children?: number[]; callFrame: { functionName: string; url: string } };
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[] };

// [stage, function name, url part]: the first rule matching a frame (innermost frame first) wins
const RULES: [string, RegExp | null, RegExp | null][] = [
  ["sign", /^(sign|signatureHeader)$/, /webhooks\/sign/],
  ["render", /^renderWebhookRequest$/, null],
  ["render", null, /lib\/templating|handlebars/],
  ["attempt row (mask, excerpt, outcome)", /^(maskedRequest|responseExcerpt|outcomeChange|failedBeforeSend)$/, null],
  ["decide (rules, cap, zones)", /^(decide|applyFrequencyCap|prepare|quietHoursEnd|zoneOrFallback)$/, null],
  ["claim", /^(claimDue|earliestDue)$/, null],
  ["batch context (users, actions, campaigns)", /^(load|usersById|frequencyCap)$/, /batch-context/],
  ["lease renewal", /^(renewLeases)$/, null],
  ["result write (recorder)", /^(write|statements|update|flush|flushSome)$/, /recorder/],
  ["send: hand-off to/from sender thread", /^postMessage$/, /sender-thread/],
  ["send: HTTP, SSRF guard, pool", /^(sendWebhook|vetDestination|readCapped|guardedLookup)$/, /undici|ipaddr|webhooks\/(send|ssrf|classify)/],
  ["send: limits and breaker", null, /delivery\/(limits|breaker|lease)/],
  ["engine loop and bookkeeping", null, /delivery\/(embedded-engine|dispatcher|recurring|finish)/],
  ["database driver (Prisma, better-sqlite3)", null, /prisma|better-sqlite3|lib\/db|wasm/],
];

const [file, deliveriesArg] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
for (const n of profile.nodes) for (const c of n.children ?? []) byId.get(c)!.parent = n.id;

const stageOf = new Map<number, string>();
function stage(id: number): string {
  const known = stageOf.get(id);
  if (known) return known;
  let found: string | null = null;
  const stack: Node[] = [];
  for (let n: Node | undefined = byId.get(id); n; n = n.parent !== undefined ? byId.get(n.parent) : undefined) stack.push(n);
  const fn0 = stack[0]?.callFrame.functionName;
  if (fn0 === "(idle)" || fn0 === "(garbage collector)" || fn0 === "(program)") found = fn0;
  // a stage of the delivery named by a function on the stack (what the driver or undici did for it), then by file
  for (const n of stack) for (const [name, f] of RULES) if (!found && f && f.test(n.callFrame.functionName)) found = name;
  for (const n of stack) for (const [name, , u] of RULES) if (!found && u && u.test(n.callFrame.url)) found = name;
  const result = found ?? "other (node internals: sockets, timers, streams)";
  stageOf.set(id, result);
  return result;
}

const total = new Map<string, number>();
let busy = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  const s = stage(id);
  total.set(s, (total.get(s) ?? 0) + dt);
  if (s !== "(idle)") busy += dt;
});
const deliveries = Number(deliveriesArg ?? 0);
console.log(`busy ${(busy / 1000).toFixed(0)} ms${deliveries ? `, ${(busy / deliveries).toFixed(1)} us per delivery` : ""}`);
for (const [s, us] of [...total.entries()].sort((a, b) => b[1] - a[1])) {
  if (s === "(idle)") continue;
  console.log(`${((us / busy) * 100).toFixed(1).padStart(5)}%  ${deliveries ? `${(us / deliveries).toFixed(1).padStart(6)} us  ` : ""}${s}`);
}
