// npx tsx bench/variants-mapping-overhead.ts [--users N] [--rounds R] [--answers same|changing|both]
//   [--parts variants|mapping] [--mode plain|mapped] [--profile <file>] [--alloc <dir>]
// (figure 7 of `npm run bench`)
// Issue 14's bench figure: the embedded engine in this process, as `npm start` runs it (sender
// threads), delivers the same campaign to N users twice per round, once plain and once with two
// variants (A/B 50/50, each its own Action row) and a response mapping (two attributes, one
// number-typed), to a loopback receiver (on a thread of its own).
// Two cases, each R rounds (--answers both, the default, runs one after the other):
//   same      the receiver answers the same JSON every time, so every counted mapped run finds its
//             values already on the users (a CRM answering the same customer id each day): steady state
//   changing  the receiver's values differ from one run to the next: every mapped delivery writes
//             its user (first writes)
// Prints deliveries/s for both, alternating the order each round, the median of the rounds' ratios
// (target: >= 0.95), the CPU per delivery of this process and the engine thread's busy time.
import { performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import { readdirSync, readFileSync } from "node:fs";
import { db } from "../lib/db";
import { activateCampaign } from "../lib/delivery/store/lifecycle";
import { EmbeddedEngine } from "../lib/delivery/engine/embedded-engine";
import { setDeliveryQueue } from "../lib/delivery/engine/queue";
import { embeddedDeliveryDeps } from "../lib/delivery/engine/default-deps";
import type { Prisma } from "../lib/db";
import { freshInstallEnv } from "./app-process";
import { createBenchCampaign, seedUsers, switchDatabase, waitRecorded } from "./delivery-run";
import { mean, median } from "./stats";
import { phaseProfiler } from "./profile-harness";
import { allocWindow } from "./alloc-window";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const users = arg("--users", 5000);
const rounds = arg("--rounds", 2);
// --parts variants|mapping measures one of the two alone (default: both)
const partsArg = process.argv.includes("--parts") ? process.argv[process.argv.indexOf("--parts") + 1] : "variants,mapping";
// --mode plain|mapped: every run the same (for a CPU profile of one side, --profile <file>)
const mode = process.argv.includes("--mode") ? process.argv[process.argv.indexOf("--mode") + 1] : "";
const parts = { variants: partsArg.includes("variants"), mapping: partsArg.includes("mapping") };
const answersArg = process.argv.includes("--answers") ? process.argv[process.argv.indexOf("--answers") + 1]! : "both";
if (!["same", "changing", "both"].includes(answersArg)) throw new Error("--answers same|changing|both");
const cases = (answersArg === "both" ? ["same", "changing"] : [answersArg]) as ("same" | "changing")[];

// the receiver answers on a thread of its own (in figure 2 it is a process of its own): the engine's
// thread is not also the receiver's. Its answer is set before each run: the same one, or values of
// the same length that differ from every earlier run's
const answerOf = (changing: number | null) =>
  JSON.stringify({ ok: true, customer: { id: changing === null ? "cus_1234567890" : `cus_${String(changing).padStart(10, "0")}`, score: changing === null ? "42.5" : `${10 + (changing % 90)}.5`, tier: "gold" } });
const receiver = new Worker(
  `const http = require("node:http");
   const { parentPort, workerData } = require("node:worker_threads");
   let answer = workerData.answer;
   parentPort.on("message", (m) => { answer = m; parentPort.postMessage("set"); });
   const server = http.createServer((req, res) => {
     req.resume();
     req.on("end", () => res.writeHead(200, { "content-type": "application/json" }).end(answer));
   });
   server.keepAliveTimeout = 30000;
   server.listen(0, "127.0.0.1", () => parentPort.postMessage(server.address().port));`,
  { eval: true, workerData: { answer: answerOf(null) } },
);
const port = await new Promise<number>((resolve, reject) => {
  receiver.once("message", resolve);
  receiver.once("error", reject);
});
const answerWith = (text: string) => new Promise<void>((resolve) => {
  receiver.once("message", () => resolve());
  receiver.postMessage(text);
});

await switchDatabase(freshInstallEnv());
await seedUsers(users);

const MAPPING = [
  { path: "$.customer.id", attribute: "crmId" },
  { path: "$.customer.score", attribute: "crmScore", type: "number" },
];

// One run: deliveries/s; the CPU time of this process (engine, sender threads, receiver) per delivery,
// steadier than the rate on a shared machine, though other processes still inflate it (caches,
// frequency); the busy time of the engine's thread (the one that claims, renders and writes) per
// delivery, the
// resource that runs out first; and that thread's own CPU time (Linux: /proc, 10 ms ticks), which,
// unlike its busy time, does not grow while the shared machine runs someone else
type Sample = { rate: number; cpu: number; busy: number; threadCpu: number };
const clockTick = 10_000; // µs per tick (USER_HZ is 100 on Linux)
function engineThreadCpu(): number {
  try {
    // fields after the command's closing parenthesis: utime and stime are the 12th and 13th
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) * clockTick;
  } catch {
    return NaN;
  }
}
let runs = 0;
// THREADS=1: each run prints the CPU time per delivery of every thread of this process (tid, name)
function threadCpu(): Map<string, number> {
  const out = new Map<string, number>();
  try {
    for (const tid of readdirSync(`/proc/self/task`)) {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const f = stat.split(") ")[1]!.split(" ");
      out.set(`${tid} ${name}`, (Number(f[11]) + Number(f[12])) * clockTick);
    }
  } catch {}
  return out;
}

async function run(alternate: boolean, answers: "same" | "changing"): Promise<Sample> {
  const mapped = mode ? mode === "mapped" : alternate;
  const n = runs++;
  await answerWith(answerOf(answers === "same" ? null : n));
  const campaign = await createBenchCampaign({ port, rule: { when: "immediate" }, name: `${mapped ? "mapped" : "plain"} ${n}` });
  if (mapped) {
    const step = await db().action.update({ where: { id: campaign.actions[0]!.id }, data: { responseMapping: parts.mapping ? (MAPPING as Prisma.InputJsonValue) : undefined, splitPercent: parts.variants ? 50 : 100 } });
    if (parts.variants) await db().action.create({
      data: {
        campaignId: campaign.id, variantOfId: step.id, position: 1, name: "Variant B", urlTemplate: step.urlTemplate, contentType: step.contentType,
        fields: step.fields as Prisma.InputJsonValue, headers: step.headers as Prisma.InputJsonValue, splitPercent: 50,
      },
    });
  }
  // what `npm start` runs (lib/delivery/engine/start.ts): sender threads beside the engine's thread
  const engine = new EmbeddedEngine(db(), await embeddedDeliveryDeps(), { concurrency: 50, hostConcurrency: 50, leaseMs: 60_000, idlePollMs: 50 });
  setDeliveryQueue(engine);
  await engine.start();
  const started = Date.now();
  await activateCampaign(campaign.id);
  const cpuStart = process.cpuUsage();
  const eluStart = performance.eventLoopUtilization();
  const threadStart = engineThreadCpu();
  const threadsStart = process.env.THREADS ? threadCpu() : null;
  const done = await waitRecorded(campaign.id, users, 300_000);
  const used = process.cpuUsage(cpuStart);
  const threadCpuUs = (engineThreadCpu() - threadStart) / users;
  if (threadsStart) {
    const rows = [...threadCpu()].map(([k, v]) => [k, (v - (threadsStart.get(k) ?? 0)) / users] as const).filter(([, v]) => v >= 1).sort((a, b) => b[1] - a[1]);
    process.stderr.write(`  threads (µs/delivery): ${rows.map(([k, v]) => `${k}=${Math.round(v)}`).join(", ")}\n`);
  }
  const busyPerDelivery = (performance.eventLoopUtilization(eluStart).active * 1000) / users;
  const cpuPerDelivery = (used.user + used.system) / users;
  await engine.stop();
  setDeliveryQueue(null);
  const rate = users / ((done.at - started) / 1000);
  const label = mapped ? `variants + mapping (${answers === "same" ? "same answer" : "new values"})` : "plain";
  process.stderr.write(`${label.padEnd(32)} ${Math.round(rate)} deliveries/s, ${Math.round(cpuPerDelivery)} µs CPU each, engine thread busy ${Math.round(busyPerDelivery)} µs, its CPU ${Math.round(threadCpuUs)} µs (${JSON.stringify(done.counts)})\n`);
  return { rate, cpu: cpuPerDelivery, busy: busyPerDelivery, threadCpu: threadCpuUs };
}

// --profile <file>: a CPU profile of the engine's thread over the counted runs (with --mode, of one side)
const profiler = phaseProfiler();
// --alloc <dir>: bytes allocated per thread over the counted runs (bench/alloc-probe.cjs; with --mode, of one side)
const alloc = allocWindow();
// a first run warms the JIT, the prepared statements and the connection pool: not counted
await run(false, "same");
const measured: Record<string, unknown> = {};
for (const answers of cases) {
  // steady state: a mapped run first (not counted) puts the answer's values on every user
  if (answers === "same" && !mode) await run(true, "same");
  const plain: Sample[] = [];
  const mapped: Sample[] = [];
  await profiler.start();
  await alloc.start();
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? [false, true] : [true, false];
    for (const m of order) (m ? mapped : plain).push(await run(m, answers));
  }
  await profiler.stop();
  await alloc.stop(answers, rounds * 2 * users);
  // The figure: the median over rounds of (with / plain) within a round. The two runs of a round are
  // seconds apart, so a slow spell of the shared machine (whole rounds at -20% were seen) moves both;
  // the median then drops the round a spell fell across. The ratio of the means is printed beside it.
  const roundRatios = plain.map((p, i) => mapped[i]!.rate / p.rate);
  const of = (xs: Sample[], k: keyof Sample) => mean(xs.map((x) => x[k]));
  measured[answers === "same" ? "steady" : "firstWrite"] = {
    withoutMapping: Math.round(of(plain, "rate")), withMapping: Math.round(of(mapped, "rate")), ratio: Number(median(roundRatios).toFixed(3)),
    roundRatios: roundRatios.map((x) => Number(x.toFixed(3))), ratioOfMeans: Number((of(mapped, "rate") / of(plain, "rate")).toFixed(3)),
    cpuMicrosPerDelivery: { without: Math.round(of(plain, "cpu")), with: Math.round(of(mapped, "cpu")) }, cpuRatio: Number((of(plain, "cpu") / of(mapped, "cpu")).toFixed(3)),
    engineBusyMicrosPerDelivery: { without: Math.round(of(plain, "busy")), with: Math.round(of(mapped, "busy")) },
    engineCpuMicrosPerDelivery: { without: Math.round(median(plain.map((x) => x.threadCpu))), with: Math.round(median(mapped.map((x) => x.threadCpu))) },
  };
}
// attributes saved with their source (User.attributeSources), over all users
let sources = 0;
for (const u of await db().user.findMany({ select: { attributeSources: true } })) sources += Object.keys((u.attributeSources ?? {}) as object).length;
const variantB = await db().delivery.count({ where: { variant: "B" } });
const result = { users, rounds, ...measured, attributeSources: sources, variantBDeliveries: variantB };
console.log(`BENCH_MAPPING ${JSON.stringify(result)}`);
await receiver.terminate();
process.exit(0);
