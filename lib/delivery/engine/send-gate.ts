// The send gate: the one place a claimed, rendered delivery waits for its turn to be sent, where the
// worker's limits are applied at the moment of sending: requests per second per action (its send times
// booked with every other worker in Redis for the scale-out engine, shared-bookings.ts), in flight per
// host and overall, and the lease (a delivery whose lease may have lapsed is not started: another
// worker may have taken it over). It runs where the sending happens: on the engine's own event loop,
// or inside a sender thread (sender-thread.ts), which then keeps its send slots full while the
// engine's thread is busy claiming, rendering and writing results.
import type { BuiltRequest, SendResult } from "../../webhooks/types";
import { encodeMapping, mapSendResult, type EncodedMapping, type ResponseMapping } from "../../webhooks/response-mapping";
import { LeaseKeeper } from "../core/lease";
import { signedAt } from "../../webhooks/sign";
import { KeyedSemaphores, RateLimiter, Semaphore } from "../core/limits";
import { SharedBookings, type SharedSendTimes } from "./shared-bookings";

export type { SharedSendTimes } from "./shared-bookings";

export type GateLimits = { concurrency: number; hostConcurrency: number; leaseMs: number };

export type SendJob = {
  request: BuiltRequest;
  /**
   * Given: the request is stamped and signed (with these secrets; none: unsigned) at the moment its
   * send starts (sign.ts signedAt), however long it waited here. Absent: sent as it is.
   */
  signWith?: string[];
  /** undefined: the sender's default */
  timeoutMs: number | undefined;
  /** the per-host limit's key */
  host: string;
  /** the rate limit's key (the action) and its requests per second (null: none) */
  rateKey: string;
  rps: number | null;
  /** when the delivery was claimed (ms since the epoch): its lease holds from then */
  claimedAt: number;
  /** the action's response mapping: a delivered response is read through it here, next to the socket */
  mapping?: ResponseMapping | null;
};

/**
 * sent (with when it started and ended), or not started because the lease may have lapsed; `mapped`: a
 * delivered response read through the job's mapping, encoded as its write binds it
 */
export type GateOutcome = { result: SendResult; startedAt: number; finishedAt: number; mapped?: EncodedMapping } | { expired: true };

/** What the dispatcher sends through: a local gate, or the sender threads' (sender-threads.ts). */
export interface GatedSender {
  /**
   * Resolves with the outcome; rejects when the sender itself failed (not the request: the gate turns
   * a failed request into a result), the request perhaps sent (dispatcher.ts counts it as an attempt).
   */
  send(job: SendJob): Promise<GateOutcome>;
  /** every lease this worker holds was renewed by a renewal that started at `at` */
  leaseRenewed(at: number): void;
  /** deliveries sending now (for the bench's occupancy figures) */
  readonly inFlight: number;
  /**
   * The worker is stopping: start no more sends. Every job not started yet, waiting or sent later,
   * comes back `{ expired: true }` at once (the dispatcher gives it back for another worker to take);
   * the sends under way finish.
   */
  drain(): void;
}

export type SendFn = (request: BuiltRequest, opts: { timeoutMs?: number }) => Promise<SendResult>;

/**
 * How late past its booked time a request may still start (shared bookings): half an interval, so a
 * second holds at most half a request more than the rate; 10 ms at least, as timers fire a little late.
 */
function lateBy(perSecond: number): number {
  return Math.max(500 / perSecond, 10);
}

export class SendGate implements GatedSender {
  private global: Semaphore;
  private hosts: KeyedSemaphores;
  private rates: RateLimiter;
  private leases: LeaseKeeper;
  /** the rate limits' bookings with the other workers (null: this gate alone counts) */
  private bookings: SharedBookings | null;
  private sent = 0;
  private draining = false;
  /** the jobs waiting for a slot or for their time, each ended by drain() */
  private waiting = new Set<() => void>();

  /** `shared`: where several workers send for one install, the rate limit's bookings are made there */
  constructor(limits: GateLimits, private sendFn: SendFn, private clock: () => number = Date.now, shared?: SharedSendTimes | null) {
    this.global = new Semaphore(limits.concurrency);
    this.hosts = new KeyedSemaphores(limits.hostConcurrency);
    this.rates = new RateLimiter(clock);
    this.leases = new LeaseKeeper(limits.leaseMs);
    this.bookings = shared ? new SharedBookings(shared, clock, (key, perSecond) => this.rates.reserve(key, perSecond)) : null;
  }

  get inFlight() {
    return this.global.active;
  }

  leaseRenewed(at: number) {
    this.leases.renewed(new Date(at));
  }

  drain() {
    this.draining = true;
    // the queued requests' times are not booked: the other workers take them at once
    this.bookings?.stop();
    for (const stop of this.waiting) stop();
    this.waiting.clear();
  }

  /** Waits `ms`, or until drain(): false then (a stop does not wait for the rate limit's queue). */
  private pause(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const stop = () => {
        clearTimeout(timer);
        resolve(false);
      };
      const timer = setTimeout(() => {
        this.waiting.delete(stop);
        resolve(true);
      }, ms);
      this.waiting.add(stop);
    });
  }

  /** The host's slot and one of the overall ones, when both are free: the usual case, with nothing to wait for or race. */
  private takeSlotsNow(host: Semaphore): boolean {
    if (!host.tryAcquire()) return false;
    if (this.global.tryAcquire()) return true;
    host.release();
    return false;
  }

  /** Waits for the slots, or for drain(): false then (the slots go back when they come). */
  private async waitForSlots(host: Semaphore): Promise<boolean> {
    const slots = host.acquire().then(() => this.global.acquire());
    let stop!: () => void;
    const stopped = new Promise<false>((resolve) => (stop = () => resolve(false)));
    this.waiting.add(stop);
    const acquired = await Promise.race([slots.then(() => true), stopped]);
    this.waiting.delete(stop);
    if (acquired && !this.draining) return true;
    // the slots go back when they come (at once, or when a send under way ends), so other waiters drain too
    void slots.then(() => {
      this.global.release();
      host.release();
    });
    return false;
  }

  /** `onStart`: called as the send starts (past every wait and the lease check), before the request is built to leave */
  async send(job: SendJob, onStart?: () => void): Promise<GateOutcome> {
    if (this.draining) return { expired: true };
    let host: Semaphore;
    let wait: number;
    /** when the request's shared booking comes (null: none, the local rules alone) */
    let bookedAt: number | null = null;
    // an action without a rate limit asks nothing of Redis (and awaits nothing here)
    if (job.rps && this.bookings) {
      // its place among every worker's sends of the action (null: the worker is stopping)
      const booked = await this.bookings.book(job.rateKey, job.rps);
      if (!booked) return { expired: true };
      ({ wait, at: bookedAt } = booked);
    } else wait = this.rates.reserve(job.rateKey, job.rps);
    for (;;) {
      if (wait > 0 && !(await this.pause(wait))) return { expired: true };
      if (this.draining) return { expired: true };
      // looked up after the wait: prune() may have dropped an idle host's semaphore meanwhile
      host = this.hosts.for(job.host);
      if (!this.takeSlotsNow(host) && !(await this.waitForSlots(host))) return { expired: true };
      if (bookedAt !== null && this.clock() - bookedAt > lateBy(job.rps!)) {
        // well past its booked time (it waited for a slot, or the event loop was busy): other workers'
        // requests booked for now go now too, so it books a new time rather than going alongside them
        this.global.release();
        host.release();
        // first among this worker's queued requests: it has waited its turn already
        const booked = await this.bookings!.book(job.rateKey, job.rps!, true);
        if (!booked) return { expired: true };
        ({ wait, at: bookedAt } = booked);
        continue;
      }
      // one rule for every start, slots free at once or waited for: an interval after the action's last
      // start (a request let go by a slow host would otherwise go alongside one that found its host free)
      wait = this.rates.start(job.rateKey, job.rps);
      if (wait === 0) break;
      // short of the interval by `wait` ms (another request of the action just started): the slots go
      // back meanwhile, and the request keeps its place rather than queueing behind every reservation
      this.global.release();
      host.release();
    }
    const startedAt = this.clock();
    if (!this.leases.holds(new Date(job.claimedAt), new Date(startedAt))) {
      // cut off from the database for longer than a lease: another worker may have taken it over
      this.global.release();
      host.release();
      return { expired: true };
    }
    onStart?.();
    let result: SendResult;
    try {
      // signed as it leaves: a wait here (rate, host and overall limits) may outlast the 5 minutes a receiver allows
      const request = job.signWith ? signedAt(job.request, job.signWith, startedAt) : job.request;
      result = await this.sendFn(request, { timeoutMs: job.timeoutMs });
    } catch (err) {
      result = { outcome: "retryable", error: `Could not send: ${(err as Error).message}`, timings: { totalMs: this.clock() - startedAt } };
    } finally {
      this.global.release();
      host.release();
      // hosts no longer sent to are forgotten now and then (a campaign to many hosts)
      if (++this.sent % 10_000 === 0) this.hosts.prune();
    }
    const finishedAt = this.clock();
    if (job.mapping && result.outcome === "delivered") return { result, startedAt, finishedAt, mapped: encodeMapping(mapSendResult(result, job.mapping)) };
    return { result, startedAt, finishedAt };
  }
}
