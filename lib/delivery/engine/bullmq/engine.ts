// The scale-out engine: web processes write deliveries to PostgreSQL and signal through Redis;
// `npm run worker` processes run the same claim loop as the embedded engine against PostgreSQL
// (index-ordered claims, FOR UPDATE SKIP LOCKED, so workers take disjoint batches).
//
// The split: PostgreSQL is the queue and the record of every delivery; BullMQ carries the work
// signals, for what it does well. (1) The once-a-second tick (recurring occurrences, finishing
// campaigns) is a BullMQ Job Scheduler ("engine-tick", every 1 s) processed by the workers' BullMQ
// Worker: exactly one worker runs each tick, and a tick whose worker died is taken over (stalled-job
// recovery). (2) Wake-ups (signals.ts): rows due now are announced by one PUBLISH that every worker
// hears at once; rows due later (retries, "send at" times, event delays) by a delayed BullMQ job,
// one per 100 ms of due time, which Redis keeps and a worker turns into that PUBLISH when it fires.
//
// Why not a BullMQ job per 100 rows any more: every job cost its worker several Redis round trips,
// a claim by id list, a batch-context load and a wait for its slowest send, and each worker's
// sweeper re-enqueued rows merely waiting their turn, so a second or fourth worker added jobs and
// queries faster than deliveries (the 1/2/4-worker figures fell). A lost wake-up (Redis away)
// delays a send by at most the idle poll (1 s), never loses it; while a worker cannot reach Redis
// it runs the tick itself (each step is guarded in SQL: done twice, it is waste, not harm).
import { Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import type { Db } from "../../../db";
import { db } from "../../../db";
import { env } from "../../../env";
import { describeSafely, log } from "../../../log";
import type { DeliveryDeps } from "../deps";
import { EmbeddedEngine } from "../embedded-engine";
import { engineTick, TICK_MS, type TickResult } from "../engine-tick";
import { newWorkerId } from "../../core/ids";
import type { DeliveryQueue, QueueHint } from "../queue";
import { closeRedis, dueChannel, logRedisErrors, queuePrefix, redisConnection, SIGNALS_QUEUE, TICK_JOB } from "./connection";
import { WakeSender } from "./signals";
import { sharedBuckets } from "../../../api/rate-limit";

/** The web process's side: tells the workers that deliveries were written. */
export class BullmqProducer implements DeliveryQueue {
  readonly kind = "bullmq" as const;
  private sender = new WakeSender();

  // the database argument is kept for callers that pass one; the producer no longer reads rows
  constructor(_prisma?: Db) {}

  async start() {
    this.sender.start();
  }

  async stop() {
    await this.sender.stop();
  }

  async notify(hint: QueueHint = {}) {
    await this.sender.send(hint, Date.now());
  }
}

export type BullmqWorkerOptions = {
  concurrency: number;
  hostConcurrency: number;
  leaseMs: number;
  /** the longest an idle worker sleeps before looking for due rows itself (a lost wake-up) */
  idlePollMs?: number;
  /** the most rows one claim takes (default 500; tests make workers share a small campaign) */
  claimBatch?: number;
};

/** A worker process's side: the embedded engine's claim loop on PostgreSQL, woken through Redis. */
export class BullmqWorkerEngine implements DeliveryQueue {
  readonly kind = "bullmq" as const;
  readonly engine: EmbeddedEngine;
  private subscriber: Redis | null = null;
  private workerConnection: Redis | null = null;
  private signalWorker: Worker | null = null;
  private sender = new WakeSender();
  /** ticks this worker ran (a scheduler's job, or its own while Redis was away) */
  ticksRun = 0;
  private ticking = false;
  /** wake-up messages heard on the channel, and signal jobs run (ticks and delayed wakes) */
  private signals = { wakeMessages: 0, signalJobs: 0 };

  constructor(private prisma: Db = db(), private deps: DeliveryDeps, options?: Partial<BullmqWorkerOptions>) {
    const e = env();
    // several workers send for one install: a webhook's rate limit is booked in Redis, shared by them all
    this.engine = new EmbeddedEngine(prisma, { sharedSendTimes: sharedBuckets(), ...deps }, {
      // the BullMQ scheduler hands each tick to one worker; without Redis, each runs its own
      tick: async (now) => (this.sender.reachable ? null : this.tick(now)),
      // a retry: Redis keeps a wake-up for its due time, which any idle worker may then take
      onRescheduled: ({ dueAt }) => void this.sender.sendLater({ dueAt }, this.deps.now().getTime()),
      concurrency: options?.concurrency ?? e.HOOKLINE_WORKER_CONCURRENCY,
      hostConcurrency: options?.hostConcurrency ?? e.HOOKLINE_HOST_CONCURRENCY,
      leaseMs: options?.leaseMs ?? e.HOOKLINE_DELIVERY_LEASE_MS,
      idlePollMs: options?.idlePollMs ?? 1000,
      claimBatch: options?.claimBatch,
      workerId: newWorkerId("worker"),
    });
  }

  get workerId() {
    return this.engine.workerId;
  }

  private async tick(now: Date): Promise<TickResult> {
    this.ticksRun++;
    const result = await engineTick(this.prisma, now);
    // an occurrence fanned out here: every worker takes its share at once
    if (result.dueTimes.size) await this.sender.send({ dueTimes: result.dueTimes }, now.getTime());
    return result;
  }

  /** One signal job: this second's tick, or a delayed wake-up that came due (told to every worker). */
  private async process(job: Job) {
    this.signals.signalJobs++;
    if (job.name !== TICK_JOB) return this.sender.publishNow();
    // a fan-out that outlasts a second: the scheduler's next job finds this one still running here
    if (this.ticking) return;
    this.ticking = true;
    try {
      await this.tick(this.deps.now());
    } finally {
      this.ticking = false;
    }
  }

  async start() {
    this.sender.start();
    // every worker (re)declares the scheduler, idempotently: a Redis that restarted empty gets it back
    this.sender.onReady((queue) => queue.upsertJobScheduler(TICK_JOB, { every: TICK_MS }, { name: TICK_JOB, opts: { removeOnComplete: true, removeOnFail: 10 } }));
    const subscriber = redisConnection("worker");
    this.subscriber = subscriber;
    // ioredis subscribes again by itself after a reconnect
    subscriber.on("message", () => {
      this.signals.wakeMessages++;
      void this.engine.notify();
    });
    subscriber.subscribe(dueChannel()).catch((err) => log.warn("Could not subscribe to delivery wake-ups; polling once a second", { error: describeSafely(err) }));
    this.workerConnection = redisConnection("worker");
    // lockDuration/stalledInterval: a tick whose worker died is run by another within ~10 s
    this.signalWorker = new Worker(SIGNALS_QUEUE, (job) => this.process(job), { connection: this.workerConnection, prefix: queuePrefix(), concurrency: 4, lockDuration: 10_000, stalledInterval: 5_000 });
    logRedisErrors(this.signalWorker, "signal worker", "reconnecting by itself; the tick runs in every worker meanwhile");
    this.signalWorker.on("failed", (job, err) => {
      if (job?.name === TICK_JOB) log.warnEvery(10_000, "The engine tick failed; the next one runs in a second", { error: describeSafely(err) });
    });
    await this.engine.start();
    log.info("Delivery worker started (PostgreSQL claims, BullMQ signals)", { workerId: this.workerId, prefix: queuePrefix() });
  }

  stats(): Record<string, number> {
    return { ...this.engine.stats(), ...this.signals, ticksRun: this.ticksRun };
  }

  /** Wakes this worker and the others (deliveries this worker planned: occurrences, manual retries). */
  async notify(hint: QueueHint = {}) {
    await this.engine.notify();
    await this.sender.send(hint, this.deps.now().getTime());
  }

  async stop() {
    // a close waits for the running tick and for Redis: neither may hold up a SIGTERM for long, nor
    // keep the engine sending meanwhile (its stop gives back at once what it has not sent)
    const closing = Promise.race([this.signalWorker?.close().catch(() => {}), new Promise((r) => setTimeout(r, 3000).unref())]);
    await Promise.all([closing, this.engine.stop()]);
    this.signalWorker = null;
    await closeRedis(this.subscriber);
    await closeRedis(this.workerConnection);
    this.subscriber = null;
    this.workerConnection = null;
    await this.sender.stop();
  }
}
