// What the scale-out figures share: a fresh PostgreSQL schema and Redis prefix, N `npm run worker`
// processes on it, the bench process as the producer (web side), and the CPU ledger of every
// process a delivery costs CPU in (bench/cpu-ledger.ts).
import { randomBytes } from "node:crypto";
import { disconnectDb } from "../lib/db";
import { databaseConfigFrom } from "../lib/env";
import { setDeliveryQueue } from "../lib/delivery/engine/queue";
import { freshInstallEnv, startWorker, waitForOutput, type AppProcess } from "./app-process";
import { seedUsers, switchDatabase } from "./delivery-run";
import { backendsOf, pidsNamed, postgresSharedPids, snapshot, used } from "./cpu-ledger";
import { processTree } from "./process-stats";
import { NotAvailable } from "./report";
import type { FigureContext } from "./figures/context";

const PG_BASE = process.env.BENCH_DATABASE_URL ?? "postgresql://127.0.0.1:5432/test";
// node-postgres needs a role; libpq's default (the OS user) is what lib/env applies too
const PG_ADMIN = (databaseConfigFrom(PG_BASE, "/tmp") as { url: string }).url;
const REDIS_URL = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";

export const GROUP = {
  workers: "workers",
  pg: "PostgreSQL (workers' backends)",
  pgShared: "PostgreSQL (shared: WAL, checkpoints, vacuum)",
  redis: "Redis",
  producer: "producer (fan-out, notify; its backend included)",
  receiver: "receiver",
} as const;

export async function reachable() {
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

export type ScaleOutInstall = Awaited<ReturnType<typeof startScaleOutInstall>>;

/** A fresh install with `users` users and `workers` ready workers; the bench process produces. */
export async function startScaleOutInstall(ctx: FigureContext, workers: number, users: number) {
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
  const { BullmqProducer } = await import("../lib/delivery/engine/bullmq/engine");
  const producer = new BullmqProducer();
  const procs: AppProcess[] = [];
  const stop = async () => {
    setDeliveryQueue(null);
    await producer.stop().catch(() => {});
    await Promise.all(procs.map((p) => p.stop()));
    await disconnectDb();
    // Redis holds the run's tick scheduler and any delayed wake-up (BullMQ queue under the tag)
    const { Queue } = await import("bullmq");
    const { SIGNALS_QUEUE } = await import("../lib/delivery/engine/bullmq/connection");
    const queue = new Queue(SIGNALS_QUEUE, { connection: { url: REDIS_URL }, prefix: tag });
    await queue.obliterate({ force: true }).catch(() => {});
    await queue.close().catch(() => {});
    await dropSchema(url.toString()).catch(() => {});
  };
  try {
    ctx.progress(`seeding ${users} users (PostgreSQL, schema ${tag})`);
    await seedUsers(users);
    for (let i = 0; i < workers; i++) procs.push(startWorker({ ...env, HOOKLINE_LOG_LEVEL: "info", BENCH_WINDOW_PROF_LABEL: `${workers}w-${i + 1}` }, `worker${i + 1}`));
    // the clock starts when every worker is ready (started, migrated, connected)
    await Promise.all(procs.map((p) => waitForOutput(p, /Worker ready/, 60_000)));
    await producer.start();
    setDeliveryQueue(producer);
  } catch (err) {
    await stop();
    throw err;
  }
  const pgPort = Number(url.port || 5432);
  const workerPids = () => procs.flatMap((p) => processTree(p.pid));
  const redisPids = pidsNamed("redis-server", `:${new URL(REDIS_URL).port || 6379}`);
  return {
    procs,
    stop,
    /** scans and row changes per table of this install's schema so far (pg_stat_user_tables) */
    async tableStats(): Promise<Record<string, number>> {
      const { default: pg } = await import("pg");
      const client = new pg.Client({ connectionString: PG_ADMIN });
      await client.connect();
      try {
        const { rows } = await client.query<{ relname: string; scans: string; upd: string; hot: string; ins: string }>(
          `SELECT relname, coalesce(seq_scan, 0) + coalesce(idx_scan, 0) AS scans, n_tup_upd AS upd, n_tup_hot_upd AS hot, n_tup_ins AS ins FROM pg_stat_user_tables WHERE schemaname = $1`,
          [tag],
        );
        const out: Record<string, number> = {};
        for (const r of rows) {
          out[`${r.relname} scans`] = Number(r.scans);
          if (Number(r.upd)) out[`${r.relname} updates`] = Number(r.upd);
          if (Number(r.hot)) out[`${r.relname} hot updates`] = Number(r.hot);
          if (Number(r.ins)) out[`${r.relname} inserts`] = Number(r.ins);
        }
        return out;
      } finally {
        await client.end();
      }
    },
    /**
     * Reads every process's CPU now; `producing()` marks the end of the producer's part (its node
     * CPU and its backend are counted up to there: what comes after is the bench's polling), and
     * `finish()` gives CPU ms per group since the start.
     */
    async ledger() {
      const benchBackends0 = await backendsOf(PG_ADMIN, [process.pid], pgPort);
      const workerBackends0 = await backendsOf(PG_ADMIN, workerPids(), pgPort);
      const shared = postgresSharedPids([...workerBackends0, ...benchBackends0]);
      const snap0 = { workers: snapshot(workerPids()), pg: snapshot(workerBackends0), shared: snapshot(shared), redis: snapshot(redisPids), receiver: snapshot([ctx.receiver.pid]), bench: snapshot(benchBackends0) };
      const node0 = process.cpuUsage();
      let producerMs: number | null = null;
      const producedNow = async () => {
        const node = process.cpuUsage(node0);
        return (node.user + node.system) / 1000 + used(snap0.bench, snapshot(await backendsOf(PG_ADMIN, [process.pid], pgPort)));
      };
      return {
        async producing() {
          producerMs = await producedNow();
        },
        async finish(): Promise<Record<string, number>> {
          const workerBackends = [...new Set([...workerBackends0, ...(await backendsOf(PG_ADMIN, workerPids(), pgPort))])];
          return {
            [GROUP.workers]: used(snap0.workers, snapshot(workerPids())),
            [GROUP.pg]: used(snap0.pg, snapshot(workerBackends)),
            [GROUP.pgShared]: used(snap0.shared, snapshot(shared)),
            [GROUP.redis]: used(snap0.redis, snapshot(redisPids)),
            [GROUP.producer]: producerMs ?? (await producedNow()),
            [GROUP.receiver]: used(snap0.receiver, snapshot([ctx.receiver.pid])),
          };
        },
      };
    },
  };
}
