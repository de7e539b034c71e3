// Placeholder until the BullMQ engine lands: the producer only records; workers fall back to polling.
import type { Db } from "../../db";
import type { DeliveryDeps } from "../deps";
import { EmbeddedEngine } from "../embedded-engine";
import { env } from "../../env";
import type { DeliveryQueue } from "../queue";

export class BullmqProducer implements DeliveryQueue {
  readonly kind = "bullmq" as const;
  async notify() {}
  async start() {}
  async stop() {}
}

export class BullmqWorkerEngine extends EmbeddedEngine {
  constructor(prisma: Db, deps: DeliveryDeps) {
    const e = env();
    super(prisma, deps, { concurrency: e.HOOKLINE_WORKER_CONCURRENCY, hostConcurrency: e.HOOKLINE_HOST_CONCURRENCY, leaseMs: e.HOOKLINE_DELIVERY_LEASE_MS });
  }
}
