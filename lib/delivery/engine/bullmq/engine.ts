// The scale-out engine: web processes produce BullMQ jobs (delayed until due) and `npm run worker`
// processes consume them. PostgreSQL stays the record: a job only names deliveries, the worker
// claims the rows under a lease like the embedded engine, and a sweeper re-enqueues any due
// delivery whose job went missing (a lost Redis write delays a send, never loses it).
import { Queue, Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import type { Db } from "../../../db";
import { db } from "../../../db";
import { log } from "../../../log";
import { env } from "../../../env";
import { claimDue, releaseLeases } from "../../store/claim";
import type { DeliveryDeps } from "../deps";
import { Dispatcher } from "../dispatcher";
import { finishCampaigns } from "../../store/finish";
import { newWorkerId } from "../../core/ids";
import type { DeliveryQueue, QueueHint } from "../queue";
import { runDueOccurrences } from "../../store/recurring";
import { closeRedis, logRedisErrors, QUEUE_NAME, queuePrefix, redisConnection, type DeliveryJob } from "./connection";
import { enqueue, type JobRef } from "./enqueue";
import { WAITING_STATES } from "../../core/states";

/** Waiting deliveries as job references: of one campaign, or every due one (the sweeper). */
async function waitingRefs(prisma: Db, scope: { campaignId?: string; dueBefore?: Date }, limit: number): Promise<JobRef[]> {
  const now = new Date();
  const rows = await prisma.delivery.findMany({
    where: {
      campaign: { status: "active" },
      ...(scope.campaignId ? { campaignId: scope.campaignId, state: { in: WAITING_STATES } } : {}),
      ...(scope.dueBefore
        ? { dueAt: { lte: scope.dueBefore }, OR: [{ state: { in: WAITING_STATES } }, { state: "sending", lockedUntil: { lt: now } }] }
        : {}),
    },
    orderBy: { dueAt: "asc" },
    take: limit,
    select: { id: true, dueAt: true },
  });
  return rows.map((r) => ({ id: r.id, dueAt: r.dueAt }));
}

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms); })]);
  } finally {
    clearTimeout(timer);
  }
}

/** The web process's side: turns notifications into jobs. */
export class BullmqProducer implements DeliveryQueue {
  readonly kind = "bullmq" as const;
  private queue: Queue | null = null;
  private connection: Redis | null = null;

  constructor(private prisma: Db = db()) {}

  async start() {
    this.connection = redisConnection("producer");
    this.queue = new Queue(QUEUE_NAME, { connection: this.connection, prefix: queuePrefix() });
    logRedisErrors(this.queue, "queue", "deliveries wait for a worker's sweeper");
  }

  async stop() {
    await this.queue?.close().catch(() => {});
    await closeRedis(this.connection);
    this.queue = null;
    this.connection = null;
  }

  async notify(hint: QueueHint = {}) {
    if (!this.queue) return;
    const now = new Date();
    const refs: JobRef[] = [...(hint.due ?? []), ...(hint.deliveryIds ?? []).map((id) => ({ id, dueAt: now }))];
    try {
      if (hint.campaignId && !hint.due) refs.push(...(await waitingRefs(this.prisma, { campaignId: hint.campaignId }, 200_000)));
      if (refs.length) await withTimeout(enqueue(this.queue, refs, now), 5000);
    } catch (err) {
      // The rows are written; a worker's sweeper will find them once they are due.
      log.warnEvery(10_000, "Could not enqueue deliveries; the sweeper will pick them up", { count: refs.length, error: (err as Error).message });
    }
  }
}

export type BullmqWorkerOptions = {
  concurrency: number;
  hostConcurrency: number;
  leaseMs: number;
  /** how often the sweeper looks for due deliveries without a job */
  sweepMs?: number;
  /** jobs processed at once (each names up to 100 deliveries) */
  jobConcurrency?: number;
};

/** A worker process's side: consumes jobs, claims and sends, sweeps, plans recurring occurrences. */
export class BullmqWorkerEngine implements DeliveryQueue {
  readonly kind = "bullmq" as const;
  readonly workerId = newWorkerId("worker");
  private dispatcher: Dispatcher;
  private worker: Worker<DeliveryJob> | null = null;
  private queue: Queue | null = null;
  private connections: Redis[] = [];
  private timers: NodeJS.Timeout[] = [];
  private options: Required<BullmqWorkerOptions>;

  constructor(private prisma: Db, private deps: DeliveryDeps, options?: Partial<BullmqWorkerOptions>) {
    const e = env();
    this.options = {
      concurrency: options?.concurrency ?? e.HOOKLINE_WORKER_CONCURRENCY,
      hostConcurrency: options?.hostConcurrency ?? e.HOOKLINE_HOST_CONCURRENCY,
      leaseMs: options?.leaseMs ?? e.HOOKLINE_DELIVERY_LEASE_MS,
      sweepMs: options?.sweepMs ?? Math.min(15_000, Math.max(1000, e.HOOKLINE_DELIVERY_LEASE_MS)),
      jobConcurrency: options?.jobConcurrency ?? 8,
    };
    this.dispatcher = new Dispatcher(prisma, deps, {
      workerId: this.workerId,
      concurrency: this.options.concurrency,
      hostConcurrency: this.options.hostConcurrency,
      leaseMs: this.options.leaseMs,
      onRescheduled: (ref) => void this.enqueue([ref]),
    });
  }

  private async enqueue(refs: JobRef[]) {
    if (!this.queue || refs.length === 0) return;
    try {
      await withTimeout(enqueue(this.queue, refs, this.deps.now()), 5000);
    } catch (err) {
      log.warnEvery(10_000, "Could not enqueue deliveries; the sweeper will pick them up", { count: refs.length, error: (err as Error).message });
    }
  }

  private async process(job: Job<DeliveryJob>) {
    const { ids, webhookIds } = job.data;
    const wanted = (ids?.length ?? 0) + (webhookIds?.length ?? 0);
    if (!wanted) return;
    const now = this.deps.now();
    const leases = this.dispatcher.leases;
    let claimed;
    try {
      claimed = await claimDue(this.prisma, { workerId: this.workerId, now, leaseMs: this.options.leaseMs, limit: wanted, ids, webhookIds, takeOver: leases.mayTakeOver(now) });
    } catch (err) {
      leases.unreachable();
      throw err;
    }
    leases.reachable(now);
    if (claimed.length < wanted) {
      // Some were early (clocks differ) or paused: re-enqueue those still waiting for later.
      const early = await this.prisma.delivery.findMany({
        where: { state: { in: WAITING_STATES }, dueAt: { gt: now }, campaign: { status: "active" }, OR: [...(ids ? [{ id: { in: ids } }] : []), ...(webhookIds ? [{ webhookId: { in: webhookIds } }] : [])] },
        select: { id: true, dueAt: true },
      });
      void this.enqueue(early);
    }
    await this.dispatcher.process(claimed, now);
  }

  private every(ms: number, task: () => Promise<unknown>) {
    let running = false;
    const timer = setInterval(() => {
      if (running) return;
      running = true;
      task()
        .catch((err) => {
          this.dispatcher.leases.unreachable();
          log.warnEvery(10_000, "Worker background task failed", { error: (err as Error).message });
        })
        .finally(() => { running = false; });
    }, ms);
    this.timers.push(timer);
  }

  async start() {
    const prefix = queuePrefix();
    const producerConnection = redisConnection("producer");
    const workerConnection = redisConnection("worker");
    this.connections = [producerConnection, workerConnection];
    this.queue = new Queue(QUEUE_NAME, { connection: producerConnection, prefix });
    logRedisErrors(this.queue, "queue", "deliveries wait for the sweeper");
    this.worker = new Worker<DeliveryJob>(QUEUE_NAME, (job) => this.process(job), {
      connection: workerConnection,
      prefix,
      concurrency: this.options.jobConcurrency,
    });
    logRedisErrors(this.worker, "worker", "reconnecting by itself; the sweeper re-enqueues what Redis lost");
    this.every(Math.max(200, Math.floor(this.options.leaseMs / 3)), () => this.dispatcher.renewLeases());
    this.every(1000, async () => {
      const now = this.deps.now();
      await this.enqueue(await runDueOccurrences(this.prisma, now));
      await finishCampaigns(this.prisma, now);
    });
    this.every(this.options.sweepMs, () => this.sweep());
    log.info("Delivery worker started (BullMQ)", { workerId: this.workerId, prefix });
  }

  /** Re-enqueues due deliveries that no job has claimed for a while (their job went missing). */
  async sweep() {
    const graceMs = Math.min(this.options.sweepMs, 5000);
    const refs = await waitingRefs(this.prisma, { dueBefore: new Date(this.deps.now().getTime() - graceMs) }, 5000);
    if (refs.length) {
      log.info("Sweeper re-enqueued due deliveries", { count: refs.length });
      await this.enqueue(refs);
    }
    return refs.length;
  }

  async notify(hint: QueueHint = {}) {
    const now = this.deps.now();
    await this.enqueue([...(hint.due ?? []), ...(hint.deliveryIds ?? []).map((id) => ({ id, dueAt: now }))]);
  }

  async stop() {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.worker?.close().catch(() => {});
    await this.dispatcher.recorder.flush();
    await releaseLeases(this.prisma, this.workerId).catch(() => {});
    await this.queue?.close().catch(() => {});
    await Promise.all(this.connections.map(closeRedis));
    this.connections = [];
  }
}
