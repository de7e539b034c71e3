// Figure 3: the same campaign on PostgreSQL + Redis, delivered by 1, 2 and 4 `npm run worker`
// processes woken through Redis: deliveries per second, ratio to the raw limit, CPU per worker,
// and CPU per delivery of every process involved (bench/cpu-ledger.ts).
import { randomBytes } from "node:crypto";
import { disconnectDb } from "../../lib/db";
import { databaseConfigFrom } from "../../lib/env";
import { activateCampaign } from "../../lib/delivery/lifecycle";
import { setDeliveryQueue } from "../../lib/delivery/queue";
import { freshInstallEnv, startWorker, waitForOutput, type AppProcess } from "../app-process";
import { createBenchCampaign, seedUsers, switchDatabase, waitRecorded } from "../delivery-run";
import { cpuMs, processTree } from "../process-stats";
import { capacityGrid, type DeliveryCosts } from "../capacity";
import { backendsOf, describeCpu, perDelivery, pidsNamed, postgresSharedPids, snapshot, used } from "../cpu-ledger";
import { NotAvailable, fmt, verdict } from "../report";
import { round } from "../stats";
import { ratioToRaw, type FigureContext, type FigureResult } from "./context";

const TARGET_TWO_WORKERS = 0.4;
const GROUP = {
  workers: "workers",
  pg: "PostgreSQL (workers' backends)",
  pgShared: "PostgreSQL (shared: WAL, checkpoints, vacuum)",
  redis: "Redis",
  producer: "producer (fan-out, notify; its backend included)",
} as const;
const PG_BASE = process.env.BENCH_DATABASE_URL ?? "postgresql://127.0.0.1:5432/test";
// node-postgres needs a role; libpq's default (the OS user) is what lib/env applies too
const PG_ADMIN = (databaseConfigFrom(PG_BASE, "/tmp") as { url: string }).url;
const REDIS_URL = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";

async function reachable() {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: PG_ADMIN, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
  } catch (err) {
    throw new NotAvailable(`PostgreSQL at ${PG_BASE} is not reachable (${(err as Error).message}); set BENCH_DATABASE_URL`);
  }
  const { Redis } = await import("ioredis");
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000 });
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    throw new NotAvailable(`Redis at ${REDIS_URL} is not reachable (${(err as Error).message}); set BENCH_REDIS_URL`);
  } finally {
    redis.disconnect();
  }
}

async function dropSchema(url: string) {
  const { default: pg } = await import("pg");
  const schema = new URL(url).searchParams.get("schema")!;
  const client = new pg.Client({ connectionString: PG_ADMIN });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
}

async function oneRun(ctx: FigureContext, workers: number, users: number) {
  const tag = `bench_${randomBytes(3).toString("hex")}`;
  const url = new URL(PG_BASE);
  url.searchParams.set("schema", tag);
  const env = freshInstallEnv({
    DATABASE_URL: url.toString(),
    REDIS_URL,
    HOOKLINE_QUEUE_PREFIX: tag,
    HOOKLINE_EMBEDDED_WORKER: "0",
    HOOKLINE_WORKER_CONCURRENCY: "50",
    HOOKLINE_HOST_CONCURRENCY: "50",
  });
  await switchDatabase(env);
  const { BullmqProducer } = await import("../../lib/delivery/bullmq/engine");
  const producer = new BullmqProducer();
  const procs: AppProcess[] = [];
  try {
    ctx.progress(`seeding ${users} users (PostgreSQL, schema ${tag})`);
    await seedUsers(users);
    const campaign = await createBenchCampaign({ port: ctx.receiver.port, rule: { when: "immediate" } });
    for (let i = 0; i < workers; i++) procs.push(startWorker({ ...env, HOOKLINE_LOG_LEVEL: "info" }, `worker${i + 1}`));
    // the clock starts when every worker is ready (started, migrated, connected)
    await Promise.all(procs.map((p) => waitForOutput(p, /Worker ready/, 60_000)));
    await producer.start();
    setDeliveryQueue(producer);
    await ctx.receiver.reset(false);
    // every process a delivery costs CPU in, read before activation, after it, and at the end
    const pgPort = Number(url.port || 5432);
    const workerPids = () => procs.flatMap((p) => processTree(p.pid));
    const redisPids = pidsNamed("redis-server", `:${new URL(REDIS_URL).port || 6379}`);
    const benchBackends0 = await backendsOf(PG_ADMIN, [process.pid], pgPort);
    const workerBackends0 = await backendsOf(PG_ADMIN, workerPids(), pgPort);
    const shared = postgresSharedPids([...workerBackends0, ...benchBackends0]);
    const snap0 = { workers: snapshot(workerPids()), pg: snapshot(workerBackends0), shared: snapshot(shared), redis: snapshot(redisPids), receiver: snapshot([ctx.receiver.pid]), bench: snapshot(benchBackends0) };
    const cpu0 = procs.map((p) => cpuMs(p.pid) ?? 0);
    const node0 = process.cpuUsage();
    const started = Date.now();
    const result = await activateCampaign(campaign.id);
    if (!result.ok) throw new Error(`activation refused: ${result.problems.join("; ")}`);
    const fanOutMs = Date.now() - started;
    const producerNode = process.cpuUsage(node0);
    const benchBackends1 = await backendsOf(PG_ADMIN, [process.pid], pgPort);
    const producerPgMs = used(snap0.bench, snapshot(benchBackends1));
    const done = await waitRecorded(campaign.id, users, ctx.options.budgetMs.scaleOutRun, (c) => ctx.progress(`  ${workers} worker(s): ${JSON.stringify(c)}`));
    const workerBackends = [...new Set([...workerBackends0, ...(await backendsOf(PG_ADMIN, workerPids(), pgPort))])];
    const cpuMsByGroup = {
      [GROUP.workers]: used(snap0.workers, snapshot(workerPids())),
      [GROUP.pg]: used(snap0.pg, snapshot(workerBackends)),
      [GROUP.pgShared]: used(snap0.shared, snapshot(shared)),
      [GROUP.redis]: used(snap0.redis, snapshot(redisPids)),
      [GROUP.producer]: (producerNode.user + producerNode.system) / 1000 + producerPgMs,
      receiver: used(snap0.receiver, snapshot([ctx.receiver.pid])),
    };
    const seconds = (done.at - started) / 1000;
    const cpuPct = procs.map((p, i) => round((((cpuMs(p.pid) ?? 0) - cpu0[i]) / (seconds * 1000)) * 100));
    const delivered = done.counts.delivered ?? 0;
    const perSecond = delivered / seconds;
    const stats = await ctx.receiver.stats();
    const cpuUs = perDelivery(cpuMsByGroup, delivered);
    return { workers, users, complete: done.complete, recorded: (done.counts.delivered ?? 0) + (done.counts.failed ?? 0), fanOutMs, seconds: round(seconds, 2), deliveriesPerSecond: round(perSecond), ratio: ratioToRaw(ctx, perSecond), workerCpuPct: cpuPct, cpuUsPerDelivery: cpuUs, cpuSummary: describeCpu(cpuUs), arrivals: stats.count, states: done.counts };
  } finally {
    setDeliveryQueue(null);
    await producer.stop().catch(() => {});
    await Promise.all(procs.map((p) => p.stop()));
    await disconnectDb();
    // Redis holds nothing of a run (wake-ups are published, not stored)
    await dropSchema(url.toString()).catch(() => {});
  }
}

export async function figureScaleOut(ctx: FigureContext): Promise<FigureResult> {
  await reachable();
  // the full size on PostgreSQL is capped so three runs fit in the 10-minute budget
  const users = ctx.options.quick ? ctx.options.users : Math.min(ctx.options.users, 20_000);
  const runs = [];
  for (const w of ctx.options.workers) runs.push(await oneRun(ctx, w, users));
  const two = runs.find((r) => r.workers === 2);
  const met = !!two && two.ratio !== null && two.ratio >= TARGET_TWO_WORKERS;
  // the model takes its costs from the run with the most workers (contention included)
  const last = runs[runs.length - 1];
  const u = last.cpuUsPerDelivery;
  const costs: DeliveryCosts = { worker: u[GROUP.workers], postgres: u[GROUP.pg] + u[GROUP.pgShared], redis: u[GROUP.redis], producer: u[GROUP.producer] };
  const grid = capacityGrid(costs);
  return {
    rows: [
      { measure: "users per run", value: fmt(users) },
      ...runs.map((r) => ({
        measure: `${r.workers} worker(s): deliveries/s (ratio)`,
        value: `${fmt(r.deliveriesPerSecond)} (${fmt(r.ratio, "", 3)})${r.complete ? "" : ` over ${fmt(r.recorded)} recorded in the ${ctx.options.budgetMs.scaleOutRun / 1000} s budget`}`,
        ...(r.workers === 2 ? { target: `>= ${TARGET_TWO_WORKERS}`, verdict: verdict(met) } : {}),
      })),
      ...runs.map((r) => ({ measure: `${r.workers} worker(s): CPU per worker`, value: r.workerCpuPct.map((c) => `${c}%`).join(", ") })),
      ...runs.map((r) => ({ measure: `${r.workers} worker(s): CPU per delivery`, value: r.cpuSummary })),
      { measure: "note", value: "2 cores shared by workers, PostgreSQL, Redis, receiver: growth flattens past 1-2 workers" },
      {
        measure: `capacity model (costs of the ${last.workers}-worker run, µs/delivery)`,
        value: `worker ${costs.worker}, PostgreSQL ${costs.postgres}, Redis ${costs.redis}, producer ${costs.producer}; receiver elsewhere`,
      },
      ...grid.map((row) => ({
        measure: `capacity on ${row.cores} cores: deliveries/s for ${row.cells.map((c) => c.workers).join("/")} workers`,
        value: row.cells.map((c) => `${fmt(c.deliveriesPerSecond)} (${c.limit})`).join(" / "),
      })),
    ],
    json: { available: true, users, runs, target: TARGET_TWO_WORKERS, met, capacity: { costs, grid } },
  };
}
