// Planning: which deliveries a trigger creates and when each is due. A pure function of the rule,
// the actions' sub-delivery, the users, the trigger and the clock; the fan-out writes its result.
import type { DeliveryRule, SubDelivery } from "./rules";
import { localToInstant, zoneOrFallback } from "./schedule-time";
import { readPath } from "../../audience/conditions";

export type PlanUser = { id: string; timezone?: string | null; attributes?: unknown };
export type PlanAction = { id: string; subDelivery: SubDelivery };

export type Trigger =
  | { kind: "activation" }
  | { kind: "event"; eventId: string; name: string; params: Record<string, unknown>; time: Date }
  | { kind: "occurrence"; at: Date };

export type PlanInput = {
  rule: DeliveryRule;
  actions: PlanAction[];
  users: PlanUser[];
  trigger: Trigger;
  now: Date;
  campaign: { startAt?: Date | null; endAt?: Date | null };
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
};

export function triggerKeyOf(trigger: Trigger): string {
  if (trigger.kind === "activation") return "activation";
  if (trigger.kind === "event") return `event:${trigger.eventId}`;
  return `occurrence:${trigger.at.toISOString()}`;
}

/** Unix seconds (number or digits) or ISO-8601; null when it is neither. */
export function parseTimeValue(value: unknown): Date | null {
  if (typeof value === "number" && Number.isFinite(value)) return new Date(value * 1000);
  if (typeof value === "string" && value.trim() !== "") {
    if (/^\d+(\.\d+)?$/.test(value.trim())) return new Date(Number(value) * 1000);
    const t = Date.parse(value);
    return Number.isNaN(t) ? null : new Date(t);
  }
  return null;
}

type Base = { at: Date } | { skip: string };

/** When the campaign's rule starts this user, before sub-delivery. */
function baseTime(input: PlanInput, user: PlanUser): Base {
  const { rule, trigger, now } = input;
  if (trigger.kind === "event") return { at: trigger.time.getTime() <= now.getTime() ? trigger.time : now };
  if (trigger.kind === "occurrence") return { at: trigger.at };
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

export function planDeliveries(input: PlanInput): PlannedDelivery[] {
  const { trigger, campaign } = input;
  const triggerKey = triggerKeyOf(trigger);
  const eventId = trigger.kind === "event" ? trigger.eventId : null;
  const eventData = trigger.kind === "event" ? { name: trigger.name, params: trigger.params } : null;
  const out: PlannedDelivery[] = [];
  for (const user of input.users) {
    const base = baseTime(input, user);
    for (const action of input.actions) {
      const timed = "skip" in base ? base : applySubDelivery(action.subDelivery, base.at, user, trigger);
      let plannedAt = "at" in timed ? timed.at : input.now;
      let suppressedReason = "skip" in timed ? timed.skip : null;
      if (!suppressedReason && campaign.startAt && plannedAt < campaign.startAt) plannedAt = campaign.startAt;
      if (!suppressedReason && campaign.endAt && plannedAt > campaign.endAt) suppressedReason = "Planned after the campaign's end date";
      out.push({ actionId: action.id, userId: user.id, triggerKey, plannedAt, eventId, eventData, suppressedReason });
    }
  }
  return out;
}
