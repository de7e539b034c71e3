// npx tsx [--cpu-prof] bench/embedded-engine-profile.ts [users]: the embedded engine alone, in this
// process, on a fresh SQLite file: an immediate campaign to N users sent to the bench receiver (its
// own process). Prints deliveries/s and this process's CPU per delivery (main thread and sender
// threads together), the figure to compare with the raw client's CPU per POST. Used to profile
// the engine stage by stage without a Next build (bench/RESULTS.md, "Embedded engine, per stage").
import { readdirSync, readFileSync } from "node:fs";
import { isolateBenchEnv, phaseProfiler } from "./profile-harness";

isolateBenchEnv("engine-profile");
delete process.env.DATABASE_URL;

const { env } = await import("../lib/env");
const { applyMigrations } = await import("../lib/db/migrate");
const { db, disconnectDb } = await import("../lib/db");
const { activateCampaign } = await import("../lib/delivery/store/lifecycle");
const { EmbeddedEngine } = await import("../lib/delivery/engine/embedded-engine");
const { embeddedDeliveryDeps } = await import("../lib/delivery/engine/default-deps");
const { setDeliveryQueue } = await import("../lib/delivery/engine/queue");
const { rawDb } = await import("../lib/db/raw");
const { startReceiver } = await import("./receiver/control");
const { createBenchCampaign, seedUsers } = await import("./delivery-run");

const users = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 20_000);
await applyMigrations(env().database);
const receiver = await startReceiver();
await seedUsers(users);
const campaign = await createBenchCampaign({ port: receiver.port, rule: { when: "immediate" } });
const activated = await activateCampaign(campaign.id);
if (!activated.ok) throw new Error(activated.problems.join("; "));

// --profile <file>: a CPU profile of the delivery phase only (not the seeding)
const profiler = phaseProfiler();
await profiler.start();
const raw = rawDb(db());
const deps = await embeddedDeliveryDeps();
// sender threads boot first (a fixed cost, not a delivery's)
await deps.ready?.();
// the bench's settings (bench/embedded-app.ts); BENCH_CONCURRENCY tries others
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 50);
const engine = new EmbeddedEngine(db(), deps, { concurrency, hostConcurrency: concurrency });
// CPU per thread from /proc (Linux): the engine's thread (tid = pid) and all the others
const threadCpuUs = () => {
  const out = { main: 0, others: 0 };
  try {
    for (const tid of readdirSync("/proc/self/task")) {
      const fields = readFileSync(`/proc/self/task/${tid}/stat`, "utf8").split(") ")[1].split(" ");
      const us = ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100; // utime + stime, in clock ticks of 10 ms
      if (Number(tid) === process.pid) out.main += us;
      else out.others += us;
    }
  } catch {
    // not Linux
  }
  return out;
};
const threads0 = threadCpuUs();
const cpu0 = process.cpuUsage();
const t0 = performance.now();
setDeliveryQueue(engine);
await engine.start();
// how full the pipeline is: in flight (of the concurrency) and claimed but not yet recorded
const occupancy = { samples: 0, inFlight: 0, pending: 0 };
const sampler = setInterval(() => {
  occupancy.samples++;
  occupancy.inFlight += engine.dispatcher.inFlight;
  occupancy.pending += engine.dispatcher.pending;
}, 5);
// the receiver counts arrivals (its own process); the database is read only once all arrived, so the
// check costs the engine's thread nothing while it works
while ((await receiver.stats()).count < users) await new Promise((r) => setTimeout(r, 50));
for (;;) {
  const [row] = await raw.query<{ n: number }>(`SELECT COUNT(*) AS n FROM "Delivery" WHERE "state" IN ('delivered', 'failed')`, []);
  if (Number(row.n) >= users) break;
  await new Promise((r) => setTimeout(r, 20));
}
const ms = performance.now() - t0;
clearInterval(sampler);
const cpu = process.cpuUsage(cpu0);
const threads1 = threadCpuUs();
await profiler.stop();
const stats = await receiver.stats();
await engine.stop();
setDeliveryQueue(null);
await receiver.close();
await disconnectDb();
const cpuUs = cpu.user + cpu.system;
console.log(
  JSON.stringify({
    users,
    deliveriesPerSecond: Math.round((users / ms) * 1000),
    cpuUsPerDelivery: Math.round(cpuUs / users),
    cpuPercent: Math.round((cpuUs / 1000 / ms) * 100),
    mainThreadCpuUsPerDelivery: Math.round((threads1.main - threads0.main) / users),
    otherThreadsCpuUsPerDelivery: Math.round((threads1.others - threads0.others) / users),
    arrived: stats.count,
    duplicates: stats.duplicates,
    meanInFlight: Math.round(occupancy.inFlight / occupancy.samples),
    meanPending: Math.round(occupancy.pending / occupancy.samples),
  }),
);
process.exit(0);
