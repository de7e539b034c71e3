// Sends claimed deliveries: decides per delivery (decide.ts: campaign ended, quiet hours, frequency
// cap, template error, host breaker), then sends within the worker's limits (in flight overall and per
// host, requests per second per action) and hands each outcome to the recorder. Both engines
// (embedded and BullMQ) feed it.
import type { Db } from "../../db";
import type { BuiltRequest, SendResult } from "../../webhooks/types";
import { maskedRequest, requestLeft, responseExcerpt } from "../store/attempt-record";
import { BatchContextLoader, type BatchContext } from "../store/batch-context";
import { HostBreakers, type BreakerOptions } from "../core/breaker";
import { renewalWaitsForWrites, renewLeases, type ClaimedDelivery } from "../store/claim";
import type { DeliveryDeps } from "./deps";
import { decide, underCap, type Decision } from "../core/decide";
import { holdFrequencyCap, type CapSend } from "../store/frequency-cap-holds";
import { LeaseKeeper } from "../core/lease";
import { SendGate, type GatedSender, type GateOutcome } from "./send-gate";
import { Recorder, type AttemptRow, type Change } from "../store/recorder";
import { releaseHostHold } from "../store/host-hold";
import { nextAttemptAt, parseRetryPolicy } from "../core/retry-policy";
import { mapDeliveredResponse, mappingOf } from "../store/attribute-writes";
import type { EncodedMapping, ResponseMapping } from "../../webhooks/response-mapping";
import { plural } from "../../text/plural";
import { withSentTimestamp } from "../../webhooks/sign";
import { describeSafely, log } from "../../log";
import { yieldToEventLoop } from "../../event-loop";

/**
 * Rendering a batch gives the event loop a turn (setImmediate) once this long has gone without one: a
 * batch of hundreds of heavy templates (each within its own 250 ms budget, lib/templating/environment.ts)
 * held the web process for seconds. Cheap renders never reach it; a clock read per row is all they pay.
 */
export const RENDER_SLICE_MS = 15;

/** A send whose sender threw (a crashed sender thread): what the attempt and the log say. */
const SENDER_THREW = "Could not send (an internal error, see the server log)";

export type DispatcherOptions = {
  workerId: string;
  concurrency: number;
  hostConcurrency: number;
  /** how long a claim holds (HOOKLINE_DELIVERY_LEASE_MS) */
  leaseMs: number;
  breaker?: BreakerOptions;
  flushMs?: number;
  /** how long the recorder retries a result write before giving up (recorder.ts; default 10 min) */
  recordGiveUpMs?: number;
  onRecorded?: (count: number) => void;
  /** a claimed delivery's outcome is known (sent, or decided without a send): one fewer waits to be sent */
  onSettled?: () => void;
  /** a delivery was given a new due time (retry, quiet hours, breaker): the BullMQ engine enqueues it */
  onRescheduled?: (ref: { id: string; dueAt: Date }) => void;
  /** a host's breaker closed and the rows it held are due now (store/host-hold.ts): the engine looks at once */
  onReleased?: () => void;
};

/** decide()'s answer for a row of a batch: a send names the batch's action entry it was rendered from */
type BatchDecision = Decision<BatchContext["actions"] extends Map<string, infer A> ? A : never>;

type Ready = {
  delivery: ClaimedDelivery;
  claimedAt: Date;
  request: BuiltRequest;
  /** what signed `request` (none: unsigned): the gate signs it again, and stamps it, when it leaves */
  signingSecrets: string[];
  host: string;
  actionId: string;
  rps: number | null;
  timeoutMs: number;
  maskedRequest: ReturnType<typeof maskedRequest>;
  policy: string;
  mapping: ResponseMapping | null;
};

export class Dispatcher {
  readonly recorder: Recorder;
  private loader: BatchContextLoader;
  /** where each ready delivery waits for its turn: the limits and the lease check (send-gate.ts) */
  private sender: GatedSender;
  readonly breakers: HostBreakers;
  readonly leases: LeaseKeeper;
  /** claimed and not yet recorded */
  pending = 0;
  /** claimed and not yet settled (sent or decided): what keeps the send slots busy */
  unsettled = 0;
  /** `unsettled` by campaign id (no entry: none): what the claim caps a rate-limited campaign by (claim.ts) */
  readonly unsettledByCampaign = new Map<string, number>();
  /** the ids of those, whose leases this worker renews */
  private held = new Set<string>();
  /** drain() was called: a batch still being decided hands the rest of its rows back */
  private draining = false;

  constructor(private prisma: Db, private deps: DeliveryDeps, private options: DispatcherOptions) {
    this.leases = new LeaseKeeper(options.leaseMs);
    this.recorder = new Recorder(prisma, options.workerId, {
      flushMs: options.flushMs ?? 25,
      maxBatch: 500,
      onRecorded: options.onRecorded,
      onWriteFailed: () => this.leases.unreachable(),
      giveUpAfterMs: options.recordGiveUpMs,
      leaseMs: options.leaseMs,
    });
    this.loader = new BatchContextLoader(prisma, deps);
    const limits = { concurrency: options.concurrency, hostConcurrency: options.hostConcurrency, leaseMs: options.leaseMs };
    // sender threads apply the limits where they send; otherwise this loop does, through deps.send
    this.sender = deps.gatedSender?.(limits) ?? new SendGate(limits, deps.send, () => deps.now().getTime(), deps.sharedSendTimes);
    this.breakers = new HostBreakers(options.breaker);
  }

  get inFlight() {
    return this.sender.inFlight;
  }

  /** The worker is stopping: no send starts from now on; the claimed deliveries not sent go back (send-gate.ts). */
  drain() {
    this.draining = true;
    this.sender.drain();
  }

  /** Extends the lease of everything this worker holds (see renewalWaitsForWrites). */
  async renewLeases(): Promise<void> {
    const startedAt = this.deps.now();
    try {
      const renew = () => renewLeases(this.prisma, this.options.workerId, [...this.held], startedAt, this.leases.leaseMs);
      await (renewalWaitsForWrites() ? this.recorder.exclusive(renew) : renew());
    } catch (err) {
      this.leases.unreachable();
      throw err;
    }
    // the send gate checks each lease before a send starts; this keeper tracks reachability only
    this.sender.leaseRenewed(startedAt.getTime());
    this.leases.reachable(startedAt);
  }

  /**
   * Processes a batch claimed at `claimedAt`; resolves when every outcome of it is recorded (written,
   * leases let go, onRescheduled told), and rejects as soon as the recorder gives up writing one
   * (recorder.ts). The embedded engine does not wait for it (it counts `pending` and `unsettled`).
   */
  async process(batch: ClaimedDelivery[], claimedAt: Date = this.deps.now()): Promise<void> {
    if (batch.length === 0) return;
    this.pending += batch.length;
    this.unsettled += batch.length;
    const campaignOf = new Map<string, string>();
    for (const d of batch) {
      this.held.add(d.id);
      campaignOf.set(d.id, d.campaignId);
      this.unsettledByCampaign.set(d.campaignId, (this.unsettledByCampaign.get(d.campaignId) ?? 0) + 1);
    }
    // one promise per delivery: its decided outcome's write, or its send followed by its result's write
    const done: Promise<void>[] = [];
    // each row ends once, whatever throws on the way: a second outcome for a row is ignored
    const ended = new Map<string, Promise<void>>();
    // the rows of steps others wait for, by id: the steps their result wakes (store/earlier-step-wake.ts)
    const wakes = new Map<string, string[]>();
    const record = (change: Change): Promise<void> => {
      const already = ended.get(change.id);
      if (already) return already;
      const waiters = wakes.get(change.id);
      if (waiters && change.state !== "release") change.wakes = waiters;
      const written = this.recorder.add(change).finally(() => {
        this.pending--;
        this.held.delete(change.id);
      });
      ended.set(change.id, written);
      this.unsettled--;
      this.settledOf(campaignOf.get(change.id));
      const dueAt = "dueAt" in change ? change.dueAt : undefined;
      if (dueAt && this.options.onRescheduled) {
        const hook = this.options.onRescheduled;
        written.then(() => hook({ id: change.id, dueAt }), () => {}).catch((err) => log.error("Could not enqueue a rescheduled delivery", { error: describeSafely(err) }));
      }
      this.options.onSettled?.();
      return written;
    };
    const decided = (change: Change) => void done.push(record(change));
    try {
      const now = this.deps.now();
      const context = await this.loader.load(batch, now);
      if (context.waitersOf.size) for (const d of batch) if (context.waitersOf.has(d.actionId)) wakes.set(d.id, context.waitersOf.get(d.actionId)!);
      // the rules before the cap first: only the rows they would send count against it (decide.ts underCap)
      const decisions = await this.decideAll(batch, context, now, decided);
      let capped: Map<number, string>;
      try {
        capped = await this.frequencyCapped(batch, decisions, context, now);
      } catch (err) {
        // none of them is sent (handed back below): a breaker trial among them must not stay taken
        for (const decision of decisions) if (decision?.kind === "send") this.breakers.release(decision.host);
        throw err;
      }
      for (const item of this.prepare(batch, decisions, claimedAt, capped, now, decided)) done.push(this.send(item, record));
    } catch (err) {
      // Could not even load the batch (database away): the rows not decided yet go back for a later claim.
      log.warnEvery(10_000, "Could not prepare a batch of deliveries; handing them back", { count: batch.length - ended.size, error: describeSafely(err) });
      for (const d of batch) if (!ended.has(d.id)) decided({ id: d.id, state: "release" });
    }
    await Promise.all(done);
  }

  private settledOf(campaignId: string | undefined) {
    if (campaignId === undefined) return;
    const left = (this.unsettledByCampaign.get(campaignId) ?? 0) - 1;
    if (left > 0) this.unsettledByCampaign.set(campaignId, left);
    else this.unsettledByCampaign.delete(campaignId);
  }

  /**
   * Each claimed delivery's decision before the cap (decide.ts), in the batch's order; undefined for one
   * that threw, recorded as failed. Every RENDER_SLICE_MS of rendering the event loop gets a turn: other
   * batches, lease renewals, result writes, a pause may run then. The batch keeps what it loaded (a
   * campaign paused meanwhile is sent as one paused during its sends is) and its clock (`now`); the
   * breakers are asked at each row as they stand; a worker stopping meanwhile gets the rest back at once.
   */
  private async decideAll(batch: ClaimedDelivery[], ctx: BatchContext, now: Date, record: (c: Change) => void): Promise<(BatchDecision | undefined)[]> {
    const decisions: (BatchDecision | undefined)[] = [];
    let sliceStartedAt = performance.now();
    for (const d of batch) {
      if (performance.now() - sliceStartedAt > RENDER_SLICE_MS) {
        await yieldToEventLoop();
        sliceStartedAt = performance.now();
      }
      decisions.push(this.draining ? { kind: "release" } : this.decideOne(d, ctx, now, record));
    }
    return decisions;
  }

  private decideOne(d: ClaimedDelivery, ctx: BatchContext, now: Date, record: (c: Change) => void): BatchDecision | undefined {
    try {
      return decide({
        delivery: d,
        campaign: ctx.campaigns.get(d.campaignId),
        // the step's settings (retry policy, rate limit, timeout, mapping); the variant's content (template)
        action: ctx.actions.get(d.actionId),
        content: d.variantActionId ? ctx.actions.get(d.variantActionId) : undefined,
        user: ctx.users.get(d.userId),
        now,
        render: this.deps.render,
        blockedUntil: (host) => this.breakers.blockedUntil(host, now.getTime()),
        waitsFor: ctx.waitingFor.get(d.id),
        missedSteps: ctx.missedSteps.get(d.id),
        timedBy: ctx.timedBy.get(d.actionId),
        timingAnswer: ctx.timingAnswers.get(d.id),
      });
    } catch (err) {
      record(this.preparationThrew(d, now, err));
      return undefined;
    }
  }

  /**
   * Why the frequency cap stops each send it stops (by batch index), among the rows decided to be sent
   * only: decided together with the other batches under way, here or on other workers
   * (store/frequency-cap-holds.ts); a send of a campaign with more than one step by the other rows of its
   * chain. Without a cap, no statement.
   */
  private async frequencyCapped(batch: ClaimedDelivery[], decisions: (BatchDecision | undefined)[], ctx: BatchContext, now: Date): Promise<Map<number, string>> {
    if (!ctx.cap) return new Map();
    const sending = batch.flatMap((d, index) => {
      if (decisions[index]?.kind !== "send") return [];
      const send: CapSend = { id: d.id, userId: d.userId, actionId: d.actionId, exempt: ctx.campaigns.get(d.campaignId)?.capExempt ?? true };
      const steps = ctx.chainSteps.get(d.campaignId);
      if (steps) send.steps = steps;
      return [{ index, send }];
    });
    if (sending.every((s) => s.send.exempt)) return new Map();
    const stopped = await holdFrequencyCap(this.prisma, this.options.workerId, ctx.cap, sending.map((s) => s.send), now);
    return new Map([...stopped].map(([i, reason]) => [sending[i]!.index, reason]));
  }

  private prepare(batch: ClaimedDelivery[], decisions: (BatchDecision | undefined)[], claimedAt: Date, capped: Map<number, string>, now: Date, record: (c: Change) => void): Ready[] {
    const ready: Ready[] = [];
    batch.forEach((d, index) => {
      const before = decisions[index];
      if (!before) return;
      const decision = underCap(before, capped.get(index));
      // stopped by the cap after the breaker let it through: a trial it was did not happen
      if (before.kind === "send" && decision.kind !== "send") this.breakers.release(before.host);
      try {
        const item = this.prepareOne(d, decision, claimedAt, now, record);
        if (item) ready.push(item);
      } catch (err) {
        if (decision.kind === "send") this.breakers.release(decision.host);
        record(this.preparationThrew(d, now, err));
      }
    });
    return ready;
  }

  /** One claimed delivery: its decided outcome recorded, or what to send (undefined when decided). */
  private prepareOne(d: ClaimedDelivery, decision: BatchDecision, claimedAt: Date, now: Date, record: (c: Change) => void): Ready | undefined {
    switch (decision.kind) {
      case "suppress":
        record({ id: d.id, state: "suppressed", reason: decision.reason });
        return;
      case "release":
        record({ id: d.id, state: "release" });
        return;
      case "hold":
        record({ id: d.id, state: "scheduled", dueAt: decision.dueAt, reason: decision.reason });
        return;
      case "replan":
        record({ id: d.id, state: "scheduled", dueAt: decision.dueAt, plannedAt: decision.dueAt, reason: null });
        return;
      case "fail":
        record(this.failedBeforeSend(d, d.attempts + 1, now, decision.error));
        return;
      case "pause":
        record({ id: d.id, state: "retrying", dueAt: decision.dueAt, host: decision.host, reason: decision.reason });
        return;
    }
    const { request, host, action, signingSecrets } = decision;
    return {
      delivery: d,
      claimedAt,
      request,
      signingSecrets,
      host,
      actionId: d.actionId,
      rps: action.action.rateLimitPerSecond,
      timeoutMs: action.action.timeoutMs,
      maskedRequest: maskedRequest(request),
      policy: action.action.retryPolicy,
      mapping: mappingOf(action.action),
    };
  }

  /** Deciding or preparing a row threw: it would throw again at every claim, so it fails once and the batch goes on. */
  private preparationThrew(d: ClaimedDelivery, now: Date, err: unknown): Change {
    log.error("Could not prepare a delivery's request", { deliveryId: d.id, error: describeSafely(err) });
    return this.failedBeforeSend(d, d.attempts + 1, now, "Could not prepare the request (an internal error, see the server log)");
  }

  private failedBeforeSend(d: ClaimedDelivery, attemptNo: number, now: Date, error: string): Change {
    const attempt: AttemptRow = {
      deliveryId: d.id, number: attemptNo, startedAt: now, durationMs: 0, outcome: "failed", status: null, error,
      request: {}, response: null, timings: null, nextAttemptAt: null, sent: false,
    };
    return { id: d.id, state: "failed", attempts: attemptNo, reason: error, attempt };
  }

  /** Resolves when the send's outcome is written (the promise `record` returns). */
  private async send(item: Ready, record: (c: Change) => Promise<void>): Promise<void> {
    let outcome: GateOutcome;
    try {
      outcome = await this.sender.send({
        request: item.request,
        signWith: item.signingSecrets,
        timeoutMs: item.timeoutMs,
        host: item.host,
        rateKey: item.actionId,
        rps: item.rps,
        claimedAt: item.claimedAt.getTime(),
        mapping: item.mapping,
      });
    } catch (err) {
      // the sender itself threw (the gate turns a failed request into a result): a failed attempt, retried
      // by the action's policy, since a row handed back would be claimed and thrown again for ever
      log.error("Could not send a delivery; counted as a failed attempt", { deliveryId: item.delivery.id, error: describeSafely(err) });
      this.breakers.release(item.host);
      return record(this.senderThrew(item, this.deps.now()));
    }
    if ("expired" in outcome) {
      // no result for the host: a breaker trial this was must not keep its host paused
      this.breakers.release(item.host);
      return record({ id: item.delivery.id, state: "release" });
    }
    const startedAt = new Date(outcome.startedAt);
    const finishedAt = new Date(outcome.finishedAt);
    let change: Change;
    let closed = false;
    try {
      closed = this.breakers.record(item.host, outcome.result.outcome, outcome.finishedAt);
      change = this.outcomeChange(item, outcome.result, startedAt, finishedAt, outcome.mapped);
    } catch (err) {
      // it was sent: its attempt is recorded all the same, never left to its lease to be sent again
      log.error("Could not work out what follows a delivery's send", { deliveryId: item.delivery.id, error: describeSafely(err) });
      change = this.sentWithoutFollowUp(item, outcome.result, startedAt, finishedAt);
    }
    const recorded = record(change);
    // the trial was answered: what the hold pushed to its next try goes now, not a minute later each
    return closed ? recorded.then(() => this.releaseHeld(item.host)) : recorded;
  }

  /** The host's breaker closed: its held rows are due now (one statement); the engine is told to look. */
  private async releaseHeld(host: string): Promise<void> {
    try {
      if (await releaseHostHold(this.prisma, host, this.deps.now())) this.options.onReleased?.();
    } catch (err) {
      // they still go at the next try the hold gave them
      log.warn("Could not release the deliveries held for a host", { host, error: describeSafely(err) });
    }
  }

  /**
   * The sender threw rather than answering a result: an attempt that failed (perhaps after the request
   * left), retried as the action's retry policy says (retry-policy.ts). Not the host's fault: its breaker
   * does not count it.
   */
  private senderThrew(item: Ready, at: Date): Change {
    const result: SendResult = { outcome: "retryable", error: SENDER_THREW, timings: { totalMs: 0 } };
    try {
      return this.outcomeChange(item, result, at, at, undefined);
    } catch (err) {
      log.error("Could not work out what follows a delivery's send", { deliveryId: item.delivery.id, error: describeSafely(err) });
      return this.failedBeforeSend(item.delivery, item.delivery.attempts + 1, at, SENDER_THREW);
    }
  }

  /** A send's result when working out what follows it threw: delivered stays so; anything else fails, not retried. */
  private sentWithoutFollowUp(item: Ready, result: SendResult, startedAt: Date, finishedAt: Date): Change {
    const d = item.delivery;
    const number = d.attempts + 1;
    const status = result.status ?? null;
    const durationMs = Math.max(0, finishedAt.getTime() - startedAt.getTime());
    const attempt: AttemptRow = {
      deliveryId: d.id, number, startedAt, durationMs, outcome: result.outcome, status, error: result.error ?? null,
      request: item.maskedRequest, response: null, timings: null, nextAttemptAt: null, sent: result.sent ?? null,
    };
    if (result.outcome === "delivered") return { id: d.id, state: "delivered", attempts: number, status, durationMs, host: item.host, sentAt: startedAt, attempt };
    const what = status ? `HTTP ${status}` : (result.error ?? "failed");
    const reason = `Attempt ${number}: ${what}; not retried: what follows could not be worked out (an internal error, see the server log)`;
    return { id: d.id, state: "failed", attempts: number, status, durationMs, host: item.host, ...sentAtOf(attempt), reason, attempt };
  }

  private outcomeChange(item: Ready, result: SendResult, startedAt: Date, finishedAt: Date, mapped: EncodedMapping | undefined): Change {
    const d = item.delivery;
    const number = d.attempts + 1;
    const durationMs = Math.round(result.timings?.totalMs ?? finishedAt.getTime() - startedAt.getTime());
    const status = result.status ?? null;
    let next: Date | null = null;
    if (result.outcome === "retryable") {
      next = nextAttemptAt({
        policy: parseRetryPolicy(item.policy),
        attemptsMade: number,
        now: finishedAt,
        retryAfterMs: result.retryAfterMs,
        random: this.deps.random,
        scheduleMs: this.deps.retryScheduleMs,
      });
    }
    const attempt: AttemptRow = {
      deliveryId: d.id, number, startedAt, durationMs, outcome: result.outcome, status, error: result.error ?? null,
      // as it left: the gate stamped it (webhook-timestamp) when the send started
      request: withSentTimestamp(item.maskedRequest, startedAt.getTime()), response: responseExcerpt(result), timings: result.timings ?? null, nextAttemptAt: next,
      sent: result.sent ?? null,
    };
    if (result.outcome === "delivered") {
      // "Save response to user": written with this result (lib/delivery/attribute-writes.ts)
      // read through the action's mapping by the send gate, beside the socket (send-gate.ts)
      const attributes = mapped ? mapDeliveredResponse(mapped, d, attempt, finishedAt) : undefined;
      return { id: d.id, state: "delivered", attempts: number, status, durationMs, host: item.host, sentAt: startedAt, attempt, attributes };
    }
    const what = result.error ?? (status ? `HTTP ${status}${result.statusText ? ` ${result.statusText}` : ""}` : "failed");
    if (next) {
      return { id: d.id, state: "retrying", attempts: number, status, durationMs, host: item.host, ...sentAtOf(attempt), dueAt: next, reason: `Attempt ${number}: ${what}`, attempt };
    }
    const reason = result.outcome === "retryable" ? `Gave up after ${plural(number, "attempt", "attempts")}: ${what}` : what;
    return { id: d.id, state: "failed", attempts: number, status, durationMs, host: item.host, ...sentAtOf(attempt), reason, attempt };
  }
}

/**
 * The delivery's sentAt after `attempt`: its start when its request left (attempt-record.ts requestLeft),
 * else left as it was (an earlier attempt's that left, or none): Results' "Reached" counts a user by it.
 */
function sentAtOf(attempt: AttemptRow): { sentAt?: Date } {
  return requestLeft(attempt) ? { sentAt: attempt.startedAt } : {};
}
