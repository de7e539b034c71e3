// What the Redis and PostgreSQL drills share: point this process at a database and a Redis, run a
// BullMQ producer here and two `npm run worker` processes, and a receiver that records every send.
// It keeps what the workers and this process write to stderr, so drills can check the log.
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { db, disconnectDb } from "@/lib/db";
import { resetEnv } from "@/lib/env";
import { applyMigrations } from "@/lib/db/migrate";
import { env } from "@/lib/env";
import { setDeliveryQueue } from "@/lib/delivery/engine/queue";
import { startReceiver } from "@/lib/delivery/testing/receiver";
import { killed, spawnWorker } from "@/worker/drill-support";

/** HOOKLINE_WORKER_CONCURRENCY of each drill worker */
const WORKER_CONCURRENCY = 50;

export async function startScaleOut(options: { databaseUrl?: string; redisUrl: string; receiveDelayMs?: number }) {
  const prefix = `hookline-drill-${randomBytes(4).toString("hex")}`;
  const saved = { DATABASE_URL: process.env.DATABASE_URL, REDIS_URL: process.env.REDIS_URL, HOOKLINE_QUEUE_PREFIX: process.env.HOOKLINE_QUEUE_PREFIX };
  if (options.databaseUrl) {
    await disconnectDb();
    process.env.DATABASE_URL = options.databaseUrl;
  }
  Object.assign(process.env, { REDIS_URL: options.redisUrl, HOOKLINE_QUEUE_PREFIX: prefix });
  resetEnv();
  await applyMigrations(env().database);
  const workerEnv = {
    DATABASE_URL: process.env.DATABASE_URL!,
    REDIS_URL: options.redisUrl,
    HOOKLINE_QUEUE_PREFIX: prefix,
    HOOKLINE_DELIVERY_LEASE_MS: "1500",
    HOOKLINE_WORKER_CONCURRENCY: String(WORKER_CONCURRENCY),
    HOOKLINE_RETRY_SCHEDULE_MS: "200,500,1000,1000,1000,1000,1000,1000",
    HOOKLINE_EMBEDDED_WORKER: "0",
    HOOKLINE_LOG_LEVEL: "warn",
  };
  // ioredis reports an error event nobody listens to with console.error, in this process too
  const ownOutput: string[] = [];
  const consoleError = console.error;
  console.error = (...args: unknown[]) => {
    ownOutput.push(args.map(String).join(" "));
    consoleError(...args);
  };
  const receiver = await startReceiver(async () => {
    if (options.receiveDelayMs) await new Promise((r) => setTimeout(r, options.receiveDelayMs));
    return { status: 200 };
  });
  const { BullmqProducer } = await import("@/lib/delivery/engine/bullmq/engine");
  const producer = new BullmqProducer(db());
  await producer.start();
  setDeliveryQueue(producer);
  const workerOutput: string[][] = [[], []];
  const workers: ChildProcess[] = workerOutput.map((output) => spawnWorker(workerEnv, output));
  let stopped = false;

  return {
    receiver,
    workers,
    /** per user path, the set of webhook-ids it received */
    byPath(prefixPath: string) {
      const m = new Map<string, Set<string>>();
      for (const r of receiver.received) if (r.path.startsWith(prefixPath)) m.set(r.path, (m.get(r.path) ?? new Set()).add(String(r.headers["webhook-id"])));
      return m;
    },
    /** stderr lines of each worker, then of this process (console.error) */
    output: () => ({ workers: workerOutput, here: ownOutput }),
    /** at most this many sends are in flight at once (two workers) */
    inFlightLimit: workers.length * WORKER_CONCURRENCY,
    /** how many requests under `prefixPath` repeated one already received (same path) */
    duplicates(prefixPath: string) {
      const perPath = new Map<string, number>();
      for (const r of receiver.received) if (r.path.startsWith(prefixPath)) perPath.set(r.path, (perPath.get(r.path) ?? 0) + 1);
      let extra = 0;
      for (const n of perPath.values()) extra += n - 1;
      return extra;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const w of workers) w.kill("SIGTERM");
      // a worker finishing its jobs gets 5 s; then it is killed (a drill must not hang on cleanup)
      const timer = setTimeout(() => workers.forEach((w) => w.kill("SIGKILL")), 5000);
      await Promise.all(workers.map(killed));
      clearTimeout(timer);
      setDeliveryQueue(null);
      await Promise.race([producer.stop().catch(() => {}), new Promise((r) => setTimeout(r, 3000))]);
      await receiver.close();
      await disconnectDb();
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      resetEnv();
    },
    /** ends the capture of console.error (after stop, so a connection left open would still be caught) */
    restoreConsole() {
      console.error = consoleError;
    },
  };
}

export async function deliveredCount(campaignId: string) {
  return db().delivery.count({ where: { campaignId, state: "delivered" } });
}

/** for a drill that did not finish: how many deliveries each worker holds in which state */
export async function statesByWorker(campaignId: string) {
  const groups = await db().delivery.groupBy({ by: ["state", "lockedBy"], where: { campaignId }, _count: { _all: true }, _min: { lockedUntil: true } });
  return groups.map((g) => ({ state: g.state, lockedBy: g.lockedBy, count: g._count._all, earliestLease: g._min.lockedUntil }));
}

/** why some deliveries took more than one attempt (a retried send is a duplicate the receiver sees) */
export async function failedAttempts(campaignId: string) {
  const groups = await db().deliveryAttempt.groupBy({
    by: ["error"],
    where: { delivery: { campaignId }, outcome: { not: "delivered" } },
    _count: { _all: true },
  });
  return groups.map((g) => `${g._count._all}x ${g.error}`).join("; ") || "none";
}
