// Planning: which deliveries a trigger creates and when each is due. A pure function of the rule,
// the actions' sub-delivery, the users, the trigger and the clock; the fan-out writes its result.
import { parseSubDelivery, type DeliveryRule, type SubDelivery } from "./rules";
import { localToInstant, occurrenceDueTimes, zoneOrFallback } from "./schedule-time";
import { readPath } from "../../audience/conditions";
import { parseDateInput } from "../../date-input";
import { assignVariant, CONTROL, inControlGroup, splitsUsers, variantKey } from "../../campaigns/variants";
import { timedByEarlierSteps } from "../../campaigns/awaited-steps";

export type PlanUser = { id: string; timezone?: string | null; attributes?: unknown };
/** A step's control group, as a later step reads it: its users are held out of that step too. */
export type EarlierControl = { actionId: string; controlPercent: number };
/**
 * A step's A/B split: its variants (A = the step itself) and control group (lib/campaigns/variants.ts);
 * `earlierControls`: the control groups of the steps before it, whose users it holds out as well.
 */
export type StepSplit = { controlPercent: number; variants: { key: string; actionId: string; splitPercent: number }[]; earlierControls?: EarlierControl[] };
/**
 * `timedByEarlierStep`: the step's timing reads a user attribute an earlier step saves from its response
 * (lib/campaigns/awaited-steps.ts): planned due at its base, as a step sent at once, it waits for that step,
 * then is timed from the value saved (timeAfterEarlierStep, applied by decide.ts when the wait ends).
 */
export type PlanAction = { id: string; subDelivery: SubDelivery; split?: StepSplit | null; timedByEarlierStep?: boolean };

/**
 * A stored action row as far as planning goes (steps and their variant rows mixed, any order);
 * `responseMapping`: what it saves from its answer, which a later step's timing may read.
 */
export type StepRow = { id: string; subDelivery: unknown; variantOfId?: string | null; splitPercent?: number; controlPercent?: number; position?: number; responseMapping?: unknown };

/**
 * THE reading of a campaign's actions for planning, used by every planner (activation, recurring
 * occurrences and their replan, event triggers): the steps (variantOfId null) in their order, each
 * with its split when it has variants or a control group (its variant rows in their order: B, C, ...)
 * or follows a step with a control group. One order whatever order the rows come in: position, then
 * id (two rows may share a position).
 *
 * A control group holds its users out of the campaign from its step on: a user held out at step 1
 * and sent step 2 would be contacted by the campaign anyway (with what step 1 would have saved
 * missing), and the goal would no longer compare "sent" with "not sent". So each step carries the
 * earlier steps' control groups, and placement (below) holds their users out of it too.
 */
export function planSteps(rows: StepRow[]): PlanAction[] {
  const ordered = [...rows].sort(byPositionThenId);
  const variantsOf = new Map<string, StepRow[]>();
  for (const r of ordered) {
    if (!r.variantOfId) continue;
    const list = variantsOf.get(r.variantOfId) ?? [];
    list.push(r);
    variantsOf.set(r.variantOfId, list);
  }
  const earlier: EarlierControl[] = [];
  const timed = timedByEarlierSteps(ordered.map((r) => ({ ...r, name: "", position: r.position ?? 0, variantOfId: r.variantOfId ?? null, responseMapping: r.responseMapping })));
  return ordered
    .filter((r) => !r.variantOfId)
    .map((r) => {
      const extra = variantsOf.get(r.id) ?? [];
      const variants = extra.length
        ? [r, ...extra].map((v, i) => ({ key: variantKey(i), actionId: v.id, splitPercent: v.splitPercent ?? 100 }))
        : [];
      const controlPercent = r.controlPercent ?? 0;
      const split: StepSplit = { controlPercent, variants, ...(earlier.length ? { earlierControls: [...earlier] } : {}) };
      if (controlPercent > 0) earlier.push({ actionId: r.id, controlPercent });
      return { id: r.id, subDelivery: parseSubDelivery(r.subDelivery), split: splitsUsers(split) || split.earlierControls ? split : null, ...(timed.has(r.id) ? { timedByEarlierStep: true } : {}) };
    });
}

function byPositionThenId(a: StepRow, b: StepRow): number {
  return (a.position ?? 0) - (b.position ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export type Trigger =
  | { kind: "activation" }
  | { kind: "event"; eventId: string; name: string; params: Record<string, unknown>; time: Date }
  /**
   * `leaveOutBefore`: a date already under way in some zones when the campaign started or a late run
   * found it (recurringRuns); a user whose time on it was before then is left out and starts with a later date.
   */
  | { kind: "occurrence"; at: Date; leaveOutBefore?: Date };

export type PlanInput = {
  rule: DeliveryRule;
  actions: PlanAction[];
  users: PlanUser[];
  trigger: Trigger;
  now: Date;
  /** `id` is needed for a step with a split: the assignment hashes it */
  campaign: { id?: string; startAt?: Date | null; endAt?: Date | null };
};

export type PlannedDelivery = {
  actionId: string;
  userId: string;
  triggerKey: string;
  plannedAt: Date;
  eventId: string | null;
  eventData: { name: string; params: Record<string, unknown> } | null;
  /** set when a rule stops this send: it is recorded as suppressed with this reason */
  suppressedReason: string | null;
  /** the variant sent ("A".."P"), null when the step has no variants */
  variant: string | null;
  /** the variant row whose content is sent; null = the step itself */
  variantActionId: string | null;
  /** held out: recorded as a control group member, sent nothing */
  control: boolean;
};

type Placement = Pick<PlannedDelivery, "variant" | "variantActionId" | "control">;
const UNSPLIT: Placement = { variant: null, variantActionId: null, control: false };
const HELD_OUT: Placement = { variant: null, variantActionId: null, control: true };

/**
 * Where a user lands in a step: control (held out here or at an earlier step: each a pure function
 * of campaign, step and user, so no planner reads what the earlier steps were planned), one of its
 * variants, or (no split) the step as it is.
 */
function placement(campaignId: string | undefined, action: PlanAction, userId: string): Placement {
  const split = action.split;
  if (!split) return UNSPLIT;
  if (!campaignId) throw new Error("Planning a step with variants or a control group needs the campaign's id");
  if (split.earlierControls?.some((c) => inControlGroup({ campaignId, actionId: c.actionId, userId }, c.controlPercent))) return HELD_OUT;
  const key = assignVariant({ campaignId, actionId: action.id, userId }, split);
  if (key === CONTROL) return HELD_OUT;
  if (split.variants.length === 0) return UNSPLIT;
  const chosen = split.variants.find((v) => v.key === key)!;
  return { variant: key, variantActionId: chosen.actionId === action.id ? null : chosen.actionId, control: false };
}

function triggerKeyOf(trigger: Trigger): string {
  if (trigger.kind === "activation") return "activation";
  if (trigger.kind === "event") return `event:${trigger.eventId}`;
  return `occurrence:${trigger.at.toISOString()}`;
}

/** Unix seconds (number or digits) or a date (lib/date-input.ts: UTC unless it carries an offset); null when it is neither. */
export function parseTimeValue(value: unknown): Date | null {
  return parseDateInput(value, { unixSeconds: true });
}

/**
 * Which of a user's fields planning reads for this rule, actions and trigger (baseTime and
 * applySubDelivery below): a fan-out to 100,000 users loads no more than this.
 */
export function userFieldsPlanned(rule: DeliveryRule, actions: PlanAction[], trigger: Trigger): { timezone: boolean; attributes: boolean } {
  return {
    timezone:
      (trigger.kind === "activation" && rule.when === "scheduled" && rule.inUserTimeZone) ||
      (trigger.kind === "occurrence" && rule.when === "recurring" && rule.inUserTimeZone),
    attributes: actions.some((a) => a.subDelivery.kind === "relative" && a.subDelivery.source === "user"),
  };
}

type Base = { at: Date } | { skip: string };
/** not part of this trigger at all: no delivery, not even a suppressed one */
type Left = { leftOut: true };

/** When the campaign's rule starts this user, before sub-delivery. */
function baseTime(input: PlanInput, user: PlanUser, occurrenceDue: ((zone: string | null | undefined) => Date) | null): Base | Left {
  const { rule, trigger, now } = input;
  if (trigger.kind === "event") return { at: trigger.time.getTime() <= now.getTime() ? trigger.time : now };
  // a user whose local time has passed when the occurrence fans out (only a late fan-out) is sent at
  // once, as a late occurrence in the campaign's zone is: plannedAt keeps the time it was meant for
  if (trigger.kind === "occurrence") {
    const at = occurrenceDue ? occurrenceDue(user.timezone) : trigger.at;
    // started (or found late) after this user's time on that date: not late, just before their first run
    if (trigger.leaveOutBefore && at < trigger.leaveOutBefore) return { leftOut: true };
    // before the campaign's start date: not a run of this campaign for this user (held to the start,
    // every occurrence before it would pile up on the user at that moment)
    if (input.campaign.startAt && at < input.campaign.startAt) return { leftOut: true };
    return { at };
  }
  if (rule.when !== "scheduled") return { at: now };
  const zone = rule.inUserTimeZone ? zoneOrFallback(user.timezone, rule.timeZone) : rule.timeZone;
  const at = localToInstant(rule.sendAt, zone);
  if (at.getTime() >= now.getTime()) return { at };
  if (!rule.inUserTimeZone || rule.whenPassed === "sendNow") return { at: now };
  return { skip: `The send time had already passed in ${zone} when the campaign started` };
}

function applySubDelivery(sub: SubDelivery, base: Date, user: PlanUser, trigger: Trigger): Base {
  if (sub.kind === "immediate") return { at: base };
  if (sub.kind === "delay") return { at: new Date(base.getTime() + sub.seconds * 1000) };
  const source =
    sub.source === "event"
      ? trigger.kind === "event"
        ? trigger.params
        : undefined
      : (user.attributes as Record<string, unknown> | undefined);
  const time = parseTimeValue(readPath(source, sub.key));
  if (!time) return { skip: `No time in ${sub.source === "event" ? "event parameter" : "user attribute"} "${sub.key}"` };
  return { at: new Date(time.getTime() + sub.offsetSeconds * 1000) };
}

export const PLANNED_AFTER_END = "Planned after the campaign's end date";
const AT_ONCE: SubDelivery = { kind: "immediate" };

/** A step's time for a user from its base: its sub-delivery, then the campaign's dates (held to the start, suppressed past the end). */
function timeOfStep(sub: SubDelivery, base: Base, user: PlanUser, trigger: Trigger, campaign: PlanInput["campaign"], now: Date): { plannedAt: Date; suppressedReason: string | null } {
  const timed = "skip" in base ? base : applySubDelivery(sub, base.at, user, trigger);
  let plannedAt = "at" in timed ? timed.at : now;
  let suppressedReason = "skip" in timed ? timed.skip : null;
  if (!suppressedReason && campaign.startAt && plannedAt < campaign.startAt) plannedAt = campaign.startAt;
  if (!suppressedReason && campaign.endAt && plannedAt > campaign.endAt) suppressedReason = PLANNED_AFTER_END;
  return { plannedAt, suppressedReason };
}

/**
 * THE time of a step timed from a user attribute an earlier step saves (PlanAction.timedByEarlierStep),
 * once that step's delivery to the user has finished: from the value the user has now, read as planning
 * reads it (timeOfStep), the reason a planner would have suppressed it with otherwise. A time already
 * past is sent at once, as planning sends it.
 */
export function timeAfterEarlierStep(sub: SubDelivery, user: PlanUser, campaign: PlanInput["campaign"], now: Date): { plannedAt: Date; suppressedReason: string | null } {
  return timeOfStep(sub, { at: now }, user, { kind: "activation" }, campaign, now);
}

export function planDeliveries(input: PlanInput): PlannedDelivery[] {
  const { trigger, campaign } = input;
  const triggerKey = triggerKeyOf(trigger);
  const eventId = trigger.kind === "event" ? trigger.eventId : null;
  const eventData = trigger.kind === "event" ? { name: trigger.name, params: trigger.params } : null;
  const occurrenceDue = trigger.kind === "occurrence" && input.rule.when === "recurring" ? occurrenceDueTimes(input.rule, trigger.at) : null;
  const out: PlannedDelivery[] = [];
  for (const user of input.users) {
    const base = baseTime(input, user, occurrenceDue);
    if ("leftOut" in base) continue;
    for (const action of input.actions) {
      // a time an earlier step's answer gives is not known yet: due at the base, to wait for that step
      const sub = action.timedByEarlierStep ? AT_ONCE : action.subDelivery;
      const { plannedAt, suppressedReason } = timeOfStep(sub, base, user, trigger, campaign, input.now);
      const placed = placement(campaign.id, action, user.id);
      // a held-out user whose send would not have happened anyway is not part of the experiment
      if (placed.control && suppressedReason) continue;
      out.push({ actionId: action.id, userId: user.id, triggerKey, plannedAt, eventId, eventData, suppressedReason, ...placed });
    }
  }
  return out;
}
