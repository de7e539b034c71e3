// Chooses the delivery engine once, from the configuration: embedded in this process (SQLite or
// no Redis), the BullMQ producer (web processes with REDIS_URL), or the BullMQ worker (npm run
// worker with REDIS_URL). Everything else talks to the DeliveryQueue port.
import { env } from "../../env";
import { db } from "../../db";
import { log } from "../../log";
import { defaultDeliveryDeps, embeddedDeliveryDeps } from "./default-deps";
import { EmbeddedEngine } from "./embedded-engine";
import { deliversThroughRedis, runsEmbeddedWorker } from "./engine-choice";
import { deliveryQueue, setDeliveryQueue, type DeliveryQueue } from "./queue";

export type EngineRole = "web" | "worker";

export async function startDeliveryEngine(role: EngineRole): Promise<DeliveryQueue> {
  const current = deliveryQueue();
  if (current.kind !== "none") return current;
  const e = env();
  let queue: DeliveryQueue | null = null;
  if (deliversThroughRedis(e)) {
    const { BullmqProducer, BullmqWorkerEngine } = await import("./bullmq/engine");
    queue = role === "worker" ? new BullmqWorkerEngine(db(), await defaultDeliveryDeps()) : new BullmqProducer();
  } else if (role === "worker" || runsEmbeddedWorker(e)) {
    if (e.REDIS_URL) log.warn("REDIS_URL is set but the database is SQLite: delivering with the embedded engine");
    queue = new EmbeddedEngine(db(), await embeddedDeliveryDeps(), {
      concurrency: e.HOOKLINE_WORKER_CONCURRENCY,
      hostConcurrency: e.HOOKLINE_HOST_CONCURRENCY,
      leaseMs: e.HOOKLINE_DELIVERY_LEASE_MS,
    });
  }
  if (!queue) return current;
  setDeliveryQueue(queue);
  await queue.start();
  return queue;
}

export async function stopDeliveryEngine() {
  const queue = deliveryQueue();
  setDeliveryQueue(null);
  await queue.stop();
}
