// What the Redis and PostgreSQL drills share: point this process at a database and a Redis, run a
// BullMQ producer here and two `npm run worker` processes, and a receiver that records every send.
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { db, disconnectDb } from "@/lib/db";
import { resetEnv } from "@/lib/env";
import { applyMigrations } from "@/lib/db/migrate";
import { env } from "@/lib/env";
import { setDeliveryQueue } from "@/lib/delivery/queue";
import { startReceiver } from "@/lib/delivery/testing/receiver";
import { killed, spawnWorker } from "@/worker/drill-support";

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
    HOOKLINE_RETRY_SCHEDULE_MS: "200,500,1000,1000,1000,1000,1000,1000",
    HOOKLINE_EMBEDDED_WORKER: "0",
    HOOKLINE_LOG_LEVEL: "error",
  };
  const receiver = await startReceiver(async () => {
    if (options.receiveDelayMs) await new Promise((r) => setTimeout(r, options.receiveDelayMs));
    return { status: 200 };
  });
  const { BullmqProducer } = await import("@/lib/delivery/bullmq/engine");
  const producer = new BullmqProducer(db());
  await producer.start();
  setDeliveryQueue(producer);
  const workers: ChildProcess[] = [spawnWorker(workerEnv), spawnWorker(workerEnv)];

  return {
    receiver,
    workers,
    /** per user path, the set of webhook-ids it received */
    byPath(prefixPath: string) {
      const m = new Map<string, Set<string>>();
      for (const r of receiver.received) if (r.path.startsWith(prefixPath)) m.set(r.path, (m.get(r.path) ?? new Set()).add(String(r.headers["webhook-id"])));
      return m;
    },
    async stop() {
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
  };
}

export async function deliveredCount(campaignId: string) {
  return db().delivery.count({ where: { campaignId, state: "delivered" } });
}
