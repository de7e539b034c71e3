// The scale-out engine: web processes write deliveries to PostgreSQL and publish a wake-up on
// Redis; `npm run worker` processes run the same claim loop as the embedded engine against
// PostgreSQL (index-ordered claims, FOR UPDATE SKIP LOCKED, so workers take disjoint batches) and
// wake at once on that message. PostgreSQL is the queue and the record; Redis only says "look now".
//
// Why not a BullMQ job per 100 rows any more: every job cost its worker several Redis round trips,
// a claim by id list, a batch-context load and a wait for its slowest send, and each worker's
// sweeper re-enqueued rows merely waiting their turn, so a second or fourth worker added jobs and
// queries faster than deliveries (the 1/2/4-worker figures fell). A lost wake-up (Redis away)
// delays a send by at most the idle poll (1 s), never loses it.
import type { Redis } from "ioredis";
import type { Db } from "../../../db";
import { db } from "../../../db";
import { env } from "../../../env";
import { log } from "../../../log";
import type { DeliveryDeps } from "../deps";
import { EmbeddedEngine } from "../embedded-engine";
import { engineTick, TICK_MS, type TickResult } from "../engine-tick";
import { newWorkerId } from "../../core/ids";
import type { DeliveryQueue, QueueHint } from "../queue";
import { closeRedis, dueChannel, queuePrefix, redisConnection } from "./connection";

/** The earliest due time a hint speaks of, as the wake-up message (ms since the epoch). */
function wakeMessage(hint: QueueHint, now: Date): string {
  const times = [hint.dueAt?.getTime(), ...(hint.due ?? []).map((r) => r.dueAt.getTime())].filter((t): t is number => t !== undefined && Number.isFinite(t));
  const earliest = times.length && !hint.campaignId && !hint.deliveryIds?.length ? Math.min(...times) : now.getTime();
  return String(earliest);
}

/** Publishes wake-ups; shared by the producer and the workers (retries and occurrences they plan). */
class WakePublisher {
  private connection: Redis | null = null;

  start() {
    this.connection = redisConnection("producer");
  }

  async stop() {
    await closeRedis(this.connection);
    this.connection = null;
  }

  /**
   * Whether this worker runs this second's tick: the first to set the key does. Without Redis every
   * worker runs it (each step is guarded in SQL; running it twice is waste, not harm).
   */
  async mayTick(workerId: string): Promise<boolean> {
    if (!this.connection) return true;
    try {
      return (await this.connection.set(`${queuePrefix()}:tick`, workerId, "PX", TICK_MS - 100, "NX")) === "OK";
    } catch {
      return true;
    }
  }

  async publish(hint: QueueHint, now: Date) {
    if (!this.connection) return;
    try {
      await this.connection.publish(dueChannel(), wakeMessage(hint, now));
    } catch (err) {
      // The rows are written; every worker looks for due rows at least once a second anyway.
      log.warnEvery(10_000, "Could not publish a delivery wake-up; workers find the deliveries on their next look", { error: (err as Error).message });
    }
  }
}

/** The web process's side: tells the workers that deliveries were written. */
export class BullmqProducer implements DeliveryQueue {
  readonly kind = "bullmq" as const;
  private publisher = new WakePublisher();

  // the database argument is kept for callers that pass one; the producer no longer reads rows
  constructor(_prisma?: Db) {}

  async start() {
    this.publisher.start();
  }

  async stop() {
    await this.publisher.stop();
  }

  async notify(hint: QueueHint = {}) {
    await this.publisher.publish(hint, new Date());
  }
}

export type BullmqWorkerOptions = {
  concurrency: number;
  hostConcurrency: number;
  leaseMs: number;
  /** the longest an idle worker sleeps before looking for due rows itself (a lost wake-up) */
  idlePollMs?: number;
};

/** A worker process's side: the embedded engine's claim loop on PostgreSQL, woken through Redis. */
export class BullmqWorkerEngine implements DeliveryQueue {
  readonly kind = "bullmq" as const;
  readonly engine: EmbeddedEngine;
  private subscriber: Redis | null = null;
  private publisher = new WakePublisher();

  constructor(prisma: Db = db(), private deps: DeliveryDeps, options?: Partial<BullmqWorkerOptions>) {
    const e = env();
    const workerId = newWorkerId("worker");
    this.engine = new EmbeddedEngine(prisma, deps, {
      tick: async (now): Promise<TickResult | null> => {
        if (!(await this.publisher.mayTick(workerId))) return null;
        const result = await engineTick(prisma, now);
        // an occurrence fanned out here: the other workers take their share at once
        if (result.planned.length) await this.publisher.publish({ due: result.planned }, now);
        return result;
      },
      concurrency: options?.concurrency ?? e.HOOKLINE_WORKER_CONCURRENCY,
      hostConcurrency: options?.hostConcurrency ?? e.HOOKLINE_HOST_CONCURRENCY,
      leaseMs: options?.leaseMs ?? e.HOOKLINE_DELIVERY_LEASE_MS,
      idlePollMs: options?.idlePollMs ?? 1000,
      workerId,
    });
  }

  get workerId() {
    return this.engine.workerId;
  }

  async start() {
    this.publisher.start();
    const subscriber = redisConnection("worker");
    this.subscriber = subscriber;
    // ioredis subscribes again by itself after a reconnect
    subscriber.on("message", () => void this.engine.notify());
    subscriber.subscribe(dueChannel()).catch((err) => log.warn("Could not subscribe to delivery wake-ups; polling once a second", { error: (err as Error).message }));
    await this.engine.start();
    log.info("Delivery worker started (PostgreSQL claims, Redis wake-ups)", { workerId: this.workerId, channel: dueChannel() });
  }

  /** Wakes this worker and the others (deliveries this worker planned: occurrences, manual retries). */
  async notify(hint: QueueHint = {}) {
    await this.engine.notify();
    await this.publisher.publish(hint, this.deps.now());
  }

  async stop() {
    await this.engine.stop();
    await closeRedis(this.subscriber);
    this.subscriber = null;
    await this.publisher.stop();
  }
}
