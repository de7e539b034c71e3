// The scale-out engine's work signals on Redis, sent by web processes and workers alike: "rows are
// due now" is one PUBLISH to every worker; "rows come due at t" is a BullMQ job delayed until t
// (one per 100 ms of due time: a retry storm adds a few jobs, not one per row), which Redis keeps
// while no process looks and a worker turns into that PUBLISH when it fires. Both are only hints:
// PostgreSQL holds the rows, and a worker that hears nothing still looks once a second.
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { describeSafely, log } from "../../../log";
import type { QueueHint } from "../queue";
import { closeRedis, dueChannel, logRedisErrors, queuePrefix, redisConnection, SIGNALS_QUEUE, WAKE_JOB } from "./connection";

/** due times closer together than this share one delayed wake (the claim loop's own gap) */
export const WAKE_BUCKET_MS = 100;
/** rows due this soon are announced at once: a delayed job would fire no sooner than a worker looks */
const NOW_SLACK_MS = 20;
/** the most delayed wakes one write adds (the earliest ones; later rows wait for the idle look) */
const MAX_WAKES = 500;

export type WakePlan = { now: boolean; later: number[] };

/** What a hint asks for: a wake-up now, and delayed ones at the earliest due time of each bucket. */
export function planWakes(hint: QueueHint, nowMs: number): WakePlan {
  // a campaign resumed or deliveries retried by hand: their rows are due now
  if (hint.campaignId || hint.deliveryIds?.length) return { now: true, later: [] };
  const times = [hint.dueAt?.getTime(), ...(hint.dueTimes ?? [])].filter((t): t is number => t !== undefined && Number.isFinite(t));
  if (!times.length) return { now: true, later: [] };
  let now = false;
  const buckets = new Map<number, number>();
  for (const t of times) {
    if (t <= nowMs + NOW_SLACK_MS) {
      now = true;
      continue;
    }
    const b = Math.floor(t / WAKE_BUCKET_MS);
    const seen = buckets.get(b);
    if (seen === undefined || t < seen) buckets.set(b, t);
  }
  const later = [...buckets.values()].sort((a, b) => a - b).slice(0, MAX_WAKES);
  return { now, later };
}

export function wakeJobId(at: number) {
  return `wake-${Math.floor(at / WAKE_BUCKET_MS)}`;
}

/** Sends wake-ups; fails fast and quietly while Redis is away (the rows are written already). */
export class WakeSender {
  private connection: Redis | null = null;
  private queue: Queue | null = null;
  /** buckets this process has already scheduled (bucket -> its due time), so a storm costs no round trips */
  private scheduled = new Map<string, number>();

  start() {
    this.connection = redisConnection("producer");
    // nobody reads the queue's event stream (wake-ups go by PUBLISH): keep it short
    this.queue = new Queue(SIGNALS_QUEUE, { connection: this.connection, prefix: queuePrefix(), streams: { events: { maxLen: 100 } } });
    logRedisErrors(this.queue, "signal queue", "workers find due deliveries on their next look");
  }

  /** whether Redis answers this process (the tick falls back to every worker while it does not) */
  get reachable() {
    return this.connection?.status === "ready";
  }

  /** Runs `task` with the queue each time the connection is (again) ready: Redis may come back empty. */
  onReady(task: (queue: Queue) => Promise<unknown>) {
    this.connection?.on("ready", () => {
      if (this.queue) task(this.queue).catch((err) => log.warnEvery(10_000, "Redis did not take the engine's scheduler; trying again when it reconnects", { error: describeSafely(err) }));
    });
  }

  async stop() {
    await this.queue?.close().catch(() => {});
    await closeRedis(this.connection);
    this.queue = null;
    this.connection = null;
  }

  async send(hint: QueueHint, nowMs: number) {
    const plan = planWakes(hint, nowMs);
    await Promise.all([plan.now ? this.publishNow() : null, plan.later.length ? this.scheduleLater(plan.later, nowMs) : null]);
  }

  /** Only the delayed wake-ups of a hint: for a worker's own retries (it is awake and claims those due now itself). */
  async sendLater(hint: QueueHint, nowMs: number) {
    const { later } = planWakes(hint, nowMs);
    if (later.length) await this.scheduleLater(later, nowMs);
  }

  /** Tells every worker to look now. */
  async publishNow() {
    if (!this.connection) return;
    try {
      await this.connection.publish(dueChannel(), "");
    } catch (err) {
      log.warnEvery(10_000, "Could not publish a delivery wake-up; workers find the deliveries on their next look", { error: describeSafely(err) });
    }
  }

  private async scheduleLater(times: number[], nowMs: number) {
    if (!this.queue) return;
    for (const [id, at] of this.scheduled) if (at < nowMs) this.scheduled.delete(id);
    const fresh = times.filter((at) => !this.scheduled.has(wakeJobId(at)));
    if (!fresh.length) return;
    for (const at of fresh) this.scheduled.set(wakeJobId(at), at);
    try {
      // the job id makes a second wake for the same 100 ms a no-op, from any process
      await this.queue.addBulk(fresh.map((at) => ({ name: WAKE_JOB, data: {}, opts: { jobId: wakeJobId(at), delay: Math.max(0, at - nowMs), removeOnComplete: true, removeOnFail: true } })));
    } catch (err) {
      for (const at of fresh) this.scheduled.delete(wakeJobId(at));
      log.warnEvery(10_000, "Could not schedule a delivery wake-up; workers find the deliveries on their next look", { error: describeSafely(err) });
    }
  }
}
