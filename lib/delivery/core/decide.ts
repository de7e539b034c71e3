// What happens to one claimed delivery before anything is sent: a pure function of the delivery,
// what its batch loaded (campaign, action, user), the clock, the renderer and the host breaker; then
// the frequency cap's verdict on the sends alone (underCap). The dispatcher turns the decision into a
// recorded change or a send; every rule that can stop a send is decided here, in this order.
import type { UserForPlanning } from "../../audience/users";
import { describeProblem, labelledProblems } from "../../campaigns/problem-labels";
import { overLimitReason, skippedReason } from "../../templating";
import { maskCredentialUrlsIn } from "../../webhooks/credential-parts";
import type { BuiltRequest, RenderResult, TemplateContext, WebhookTemplate } from "../../webhooks/types";
import type { BatchCampaign, EarlierStepMiss, EarlierStepWait } from "../store/batch-context";
import type { ClaimedDelivery } from "../store/claim";
import { breakerPauseReason, earlierStepHoldReason, earlierStepMissedReason, earlierStepTimingReason, earlierStepUnansweredTimingReason, quietHoursHoldReason, startDateHoldReason } from "./hold-reason";
import { timeAfterEarlierStep } from "./plan";
import type { EarlierStepAnswer, EarlierStepTiming } from "../store/batch-context";
import { quietHoursEnd, zoneOrFallback } from "./schedule-time";
import { chainStepStoppedReason, stoppedByFrequencyCap } from "./frequency-cap";

type ActionEntry = { template: WebhookTemplate | null; templateError: string | null };

export type Decision<A extends ActionEntry = ActionEntry> =
  /**
   * render and send this request (through the limits); `action` is the entry it was rendered from;
   * `signingSecrets` sign it again when it leaves (the send gate)
   */
  | { kind: "send"; request: BuiltRequest; host: string; action: A; signingSecrets: string[] }
  /** never sent: recorded with the reason */
  | { kind: "suppress"; reason: string }
  /** handed back untouched (the campaign is no longer sending) */
  | { kind: "release" }
  /** waits until dueAt without an attempt (the campaign's start date, quiet hours, an earlier step) */
  | { kind: "hold"; dueAt: Date; reason: string }
  /** planned again, due at dueAt: its time comes from what an earlier step saved (core/plan.ts timeAfterEarlierStep) */
  | { kind: "replan"; dueAt: Date }
  /** an attempt that failed before a request existed (the template); not retried */
  | { kind: "fail"; error: string }
  /** the destination's breaker is open: retried after dueAt without an attempt */
  | { kind: "pause"; dueAt: Date; host: string; reason: string };

export type DecideInput<A extends ActionEntry = ActionEntry> = {
  delivery: ClaimedDelivery;
  campaign: BatchCampaign | undefined;
  /** the step: its settings; and, unless `content` is given, what is rendered */
  action: A | undefined;
  /** a variant's row (Delivery.variantActionId): rendered instead of the step's content */
  content?: A | undefined;
  user: UserForPlanning | undefined;
  now: Date;
  render: (template: WebhookTemplate, ctx: TemplateContext, opts: { webhookId: string; timestamp: Date }) => RenderResult;
  /** until when the host's breaker refuses sends, or null */
  blockedUntil: (host: string) => Date | null;
  /** an earlier step whose answer this one reads, not finished with this user yet (lib/campaigns/awaited-steps.ts) */
  waitsFor?: EarlierStepWait;
  /**
   * earlier steps whose answer this one reads that saved nothing for this user: finished without being
   * delivered (failed, suppressed, cancelled), delivered without a value at the mapped path, or never planned for them
   */
  missedSteps?: EarlierStepMiss[];
  /** the step's timing reads a user attribute an earlier step saves: that step, the attribute and the timing */
  timedBy?: EarlierStepTiming;
  /** what that step did for this user and trigger (its delivery's state; delivered: whether it saved the attribute, and when) */
  timingAnswer?: EarlierStepAnswer;
};

/**
 * How soon a row waiting for an earlier step's delivery is looked at again at the latest. The earlier
 * step's result wakes it (store/earlier-step-wake.ts) in the transaction that records it; this only
 * covers an earlier delivery that ends another way (cancelled, its webhook or user deleted), so it is
 * long: each look costs a claim, and a short one kept thousands of held rows churning.
 */
export const EARLIER_STEP_RECHECK_MS = 30_000;

export function decide<A extends ActionEntry>({ delivery: d, campaign, action, content, user, now, render, blockedUntil, waitsFor, missedSteps, timedBy, timingAnswer }: DecideInput<A>): Decision<A> {
  const source = d.variantActionId ? content : action;
  if (!campaign || !action || !source || !user) return { kind: "suppress", reason: "The campaign, webhook or user was deleted" };
  if (campaign.status !== "active") return { kind: "release" };
  if (campaign.endAt && campaign.endAt < now) return { kind: "suppress", reason: "The campaign had ended" };
  // planning holds to the start date what it plans; this holds what a start date saved since (moved
  // later while paused) finds waiting, whatever the rule
  if (campaign.startAt && campaign.startAt > now) return { kind: "hold", dueAt: campaign.startAt, reason: startDateHoldReason(campaign.startAt) };
  const zone = zoneOrFallback(user.timezone, campaign.rule && "timeZone" in campaign.rule ? campaign.rule.timeZone : "UTC");
  const quietEnd = quietHoursEnd(now, campaign.rule?.quietHours, zone);
  if (quietEnd) return { kind: "hold", dueAt: quietEnd, reason: quietHoursHoldReason(quietEnd, zone) };
  // rendered now, it would carry what the earlier step has not saved yet: held until that step's result
  // wakes it, looked at again by EARLIER_STEP_RECHECK_MS or that step's retry time, whichever is later
  if (waitsFor) {
    const recheck = now.getTime() + EARLIER_STEP_RECHECK_MS;
    const dueAt = new Date(waitsFor.delivery.state === "sending" ? recheck : Math.max(recheck, waitsFor.delivery.dueAt.getTime()));
    return { kind: "hold", dueAt, reason: earlierStepHoldReason(waitsFor.step.label, waitsFor.step.attributes) };
  }
  // planned due at once to wait for the earlier step that gives its time: timed now from what it saved, as
  // planning would have timed it (a time past is sent now; none, or after the end, suppressed naming the step)
  // planning's time (no earlier step's row for this user and trigger: planned before that step was added) is kept
  if (timedBy && timingAnswer && timingAnswer.state !== null && !timedAlready(d, timingAnswer)) {
    const { step, attribute } = timedBy;
    // only a value THIS chain's answer saved times it: what the user holds otherwise is another run's or
    // event's (or from before), and sent from it the reminder went at an old time
    if (timingAnswer.state !== "delivered") {
      if (timingAnswer.state === "suppressed" && stoppedByFrequencyCap(timingAnswer.reason)) return { kind: "suppress", reason: chainStepStoppedReason(step.label, timingAnswer.reason!) };
      return { kind: "suppress", reason: earlierStepUnansweredTimingReason(step.label, timingAnswer.state, attribute) };
    }
    const saved: UserForPlanning = timingAnswer.saved ? user : { ...user, attributes: { ...((user.attributes ?? {}) as Record<string, unknown>), [attribute]: undefined } };
    const timed = timeAfterEarlierStep(timedBy.subDelivery, saved, campaign, now);
    if (timed.suppressedReason) return { kind: "suppress", reason: earlierStepTimingReason(timed.suppressedReason, step.label, attribute) };
    // not again at the time it was planned for (a claim a moment early on another worker's clock)
    if (timed.plannedAt > now && timed.plannedAt.getTime() !== d.plannedAt.getTime()) return { kind: "replan", dueAt: timed.plannedAt };
  }
  // the earlier step's answer never came (or had no value, or there is no such delivery) and the user has
  // no value from before: sent, it would carry the value empty (`POST /crm/` with `crm_id=`); a value the
  // user already had is sent
  const unsaved = unsavedAnswer(missedSteps, user);
  // the frequency cap stopped that step for this user: this one follows it (a campaign's steps count
  // once against the cap), suppressed with a reason that reads as the cap's, so Retry treats it as one
  if (unsaved?.state === "suppressed" && stoppedByFrequencyCap(unsaved.reason)) return { kind: "suppress", reason: chainStepStoppedReason(unsaved.step.label, unsaved.reason!) };
  if (unsaved) return { kind: "fail", error: earlierStepMissedReason(unsaved.step.label, unsaved.state, unsaved.attributes, unsaved.paths) };
  const template = source.template;
  if (!template) return { kind: "fail", error: source.templateError ?? "Could not load the webhook" };
  const eventData = d.eventData as { name: string; params: Record<string, unknown> } | null;
  const context: TemplateContext = {
    user: { id: user.id, email: user.email, timezone: user.timezone, attributes: (user.attributes ?? {}) as Record<string, unknown> },
    event: eventData ?? null,
    campaign: { id: campaign.id, name: campaign.name },
    action: { id: d.actionId },
    now,
  };
  let rendered: RenderResult;
  try {
    rendered = render(template, context, { webhookId: d.webhookId, timestamp: now });
  } catch (err) {
    rendered = { ok: false, errors: [{ field: "template", message: (err as Error).message }], warnings: [] };
  }
  // in the editor's words ('Field "amount" value'), as the preview said it, not as an internal path
  // {{required}} found the user without a value it needs: a valid outcome, never sent nor retried
  if (!rendered.ok && rendered.skipped !== undefined) return { kind: "suppress", reason: skippedReason(rendered.skipped) };
  if (!rendered.ok) {
    // over an expression limit (a webhook saved before the limits applied): the limit, plainly, not each field it stopped
    const overLimit = labelledProblems(rendered.errors, template).flatMap((p) => (p.limit ? [{ label: p.label!, limit: p.limit }] : []));
    if (overLimit.length) return { kind: "fail", error: overLimitReason(overLimit) };
    // kept with the delivery and shown to every reader of the log: a URL's credentials in a problem are masked as a request's (the value rule)
    return { kind: "fail", error: maskCredentialUrlsIn(`Template error: ${labelledProblems(rendered.errors, template).map(describeProblem).join("; ")}`) };
  }
  const host = hostOf(rendered.request.url);
  const blocked = blockedUntil(host);
  if (blocked) return { kind: "pause", dueAt: blocked, host, reason: breakerPauseReason(host, blocked) };
  return { kind: "send", request: rendered.request, host, action, signingSecrets: rendered.signingSecrets };
}

/**
 * The frequency cap, last: applied (applyFrequencyCap over the batch) to the rows decide() would send
 * and to no other, since a row ended, held, failed or paused sends nothing and must not use up the
 * user's cap for the rows after it. A send it stops is suppressed with its reason.
 */
export function underCap<A extends ActionEntry>(decision: Decision<A>, capReason: string | undefined): Decision<A> {
  return decision.kind === "send" && capReason ? { kind: "suppress", reason: capReason } : decision;
}

/**
 * THE rule of a step whose earlier step saved nothing for the user (did not deliver, delivered without a
 * value, or has no delivery to them): the first such step (in step order) that saves an attribute this
 * one reads the user has no value of (lacksValue), and those attributes.
 */
export function unsavedAnswer(missed: EarlierStepMiss[] | undefined, user: UserForPlanning): (EarlierStepMiss & { attributes: string[] }) | null {
  for (const miss of missed ?? []) {
    const absent = miss.step.attributes.filter((name) => lacksValue(user, name));
    if (absent.length) return { ...miss, attributes: absent };
  }
  return null;
}

/** What "no value" means for unsavedAnswer: the attribute missing, null or "" (0 and false are values). */
export function lacksValue(user: UserForPlanning, name: string): boolean {
  const attributes = (user.attributes ?? {}) as Record<string, unknown>;
  return !Object.hasOwn(attributes, name) || attributes[name] === null || attributes[name] === undefined || attributes[name] === "";
}

/**
 * Whether a row timed from an earlier step's answer was timed already (re-planned: "replan" above set its
 * plannedAt to a time after that answer): it keeps that time, whatever the user holds when it is due. One
 * attribute serves every run and event of the campaign: re-timed at each claim, an order's reminder was
 * moved to the date the next order saved (the review); so is one sent once. A row not yet timed was planned due at its base,
 * which is no later than its earlier step's delivery (that step is planned from the same base, after it).
 */
export function timedAlready(d: Pick<ClaimedDelivery, "plannedAt" | "attempts">, answer: EarlierStepAnswer): boolean {
  // attempted: it was timed when first sent (a retry is not moved by a value saved since)
  return d.attempts > 0 || (answer.state === "delivered" && !!answer.at && d.plannedAt > answer.at);
}

/** The destination host a delivery is kept under (the breaker, Delivery.host): never a full URL. */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "";
  }
}
