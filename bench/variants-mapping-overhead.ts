// npx tsx bench/variants-mapping-overhead.ts [--users N] [--rounds R]  (figure 7 of `npm run bench`)
// Issue 14's bench figure: the embedded engine in this process, as `npm start` runs it (sender
// threads), delivers the same campaign to N users twice per round, once plain and once with two
// variants (A/B 50/50, each its own Action row) and a response mapping (two attributes, one
// number-typed), to a loopback receiver (on a thread of its own) that answers the same JSON either way.
// Prints deliveries/s for both, alternating the order each round, the median of the rounds' ratios
// (target: >= 0.95), the CPU per delivery of this process and the engine thread's busy time.
import { performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import { db } from "../lib/db";
import { activateCampaign } from "../lib/delivery/store/lifecycle";
import { EmbeddedEngine } from "../lib/delivery/engine/embedded-engine";
import { setDeliveryQueue } from "../lib/delivery/engine/queue";
import { embeddedDeliveryDeps } from "../lib/delivery/engine/default-deps";
import type { Prisma } from "../lib/db/generated/sqlite/client";
import { freshInstallEnv } from "./app-process";
import { createBenchCampaign, seedUsers, switchDatabase, waitRecorded } from "./delivery-run";
import { mean, median } from "./stats";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const users = arg("--users", 5000);
const rounds = arg("--rounds", 2);
// --parts variants|mapping measures one of the two alone (default: both)
const partsArg = process.argv.includes("--parts") ? process.argv[process.argv.indexOf("--parts") + 1] : "variants,mapping";
// --mode plain|mapped: every run the same (for a CPU profile of one side)
const mode = process.argv.includes("--mode") ? process.argv[process.argv.indexOf("--mode") + 1] : "";
const parts = { variants: partsArg.includes("variants"), mapping: partsArg.includes("mapping") };

// the receiver answers on a thread of its own (in figure 2 it is a process of its own): the engine's
// thread is not also the receiver's
const answer = JSON.stringify({ ok: true, customer: { id: "cus_1234567890", score: "42.5", tier: "gold" } });
const receiver = new Worker(
  `const http = require("node:http");
   const { parentPort, workerData } = require("node:worker_threads");
   const server = http.createServer((req, res) => {
     req.resume();
     req.on("end", () => res.writeHead(200, { "content-type": "application/json" }).end(workerData.answer));
   });
   server.keepAliveTimeout = 30000;
   server.listen(0, "127.0.0.1", () => parentPort.postMessage(server.address().port));`,
  { eval: true, workerData: { answer } },
);
const port = await new Promise<number>((resolve, reject) => {
  receiver.once("message", resolve);
  receiver.once("error", reject);
});

await switchDatabase(freshInstallEnv());
await seedUsers(users);

const MAPPING = [
  { path: "$.customer.id", attribute: "crmId" },
  { path: "$.customer.score", attribute: "crmScore", type: "number" },
];

// CPU time of this process (engine + database driver) per delivery: steadier than the rate on a shared
// machine, though other processes still inflate it (caches, frequency); compare rounds side by side
const cpu: Record<"plain" | "mapped", number[]> = { plain: [], mapped: [] };
// busy time of the engine's thread (the one that claims, renders and writes) per delivery: the
// resource that runs out first
const busy: Record<"plain" | "mapped", number[]> = { plain: [], mapped: [] };

async function run(alternate: boolean, n: number): Promise<number> {
  const mapped = mode ? mode === "mapped" : alternate;
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
  const done = await waitRecorded(campaign.id, users, 300_000);
  const used = process.cpuUsage(cpuStart);
  const busyPerDelivery = (performance.eventLoopUtilization(eluStart).active * 1000) / users;
  const cpuPerDelivery = (used.user + used.system) / users;
  if (n >= 0) cpu[mapped ? "mapped" : "plain"].push(cpuPerDelivery);
  if (n >= 0) busy[mapped ? "mapped" : "plain"].push(busyPerDelivery);
  await engine.stop();
  setDeliveryQueue(null);
  const rate = users / ((done.at - started) / 1000);
  process.stderr.write(`${mapped ? "variants + mapping" : "plain             "} ${Math.round(rate)} deliveries/s, ${Math.round(cpuPerDelivery)} µs CPU each, engine thread busy ${Math.round(busyPerDelivery)} µs (${JSON.stringify(done.counts)})\n`);
  return rate;
}

// a first run warms the JIT, the prepared statements and the connection pool: not counted
await run(false, -1);
const plain: number[] = [];
const mapped: number[] = [];
for (let r = 0; r < rounds; r++) {
  const order = r % 2 === 0 ? [false, true] : [true, false];
  for (const m of order) (m ? mapped : plain).push(await run(m, r));
}
// The figure: the median over rounds of (with / plain) within a round. The two runs of a round are
// seconds apart, so a slow spell of the shared machine (whole rounds at -20% were seen) moves both;
// the median then drops the round a spell fell across. The ratio of the means is printed beside it.
const roundRatios = plain.map((p, i) => mapped[i]! / p);
// attributes saved with their source (User.attributeSources), over all users
let sources = 0;
for (const u of await db().user.findMany({ select: { attributeSources: true } })) sources += Object.keys((u.attributeSources ?? {}) as object).length;
const variantB = await db().delivery.count({ where: { variant: "B" } });
const result = { users, rounds, withoutMapping: Math.round(mean(plain)), withMapping: Math.round(mean(mapped)), ratio: Number(median(roundRatios).toFixed(3)), roundRatios: roundRatios.map((x) => Number(x.toFixed(3))), ratioOfMeans: Number((mean(mapped) / mean(plain)).toFixed(3)), cpuMicrosPerDelivery: { without: Math.round(mean(cpu.plain)), with: Math.round(mean(cpu.mapped)) }, cpuRatio: Number((mean(cpu.plain) / mean(cpu.mapped)).toFixed(3)), engineBusyMicrosPerDelivery: { without: Math.round(mean(busy.plain)), with: Math.round(mean(busy.mapped)) }, attributeSources: sources, variantBDeliveries: variantB };
console.log(`BENCH_MAPPING ${JSON.stringify(result)}`);
await receiver.terminate();
process.exit(0);
