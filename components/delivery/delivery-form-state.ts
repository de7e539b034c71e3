// The Delivery section's form state <-> the stored rule and sub-deliveries. Pure and client-safe.
import type { DeliveryRule, SubDelivery } from "@/lib/delivery/core/rules";
import type { Condition } from "@/lib/audience/conditions";
import type { RetryPolicy } from "@/lib/delivery/core/retry-policy";
import type { MissedWhilePaused } from "@/lib/delivery/triggers";

export type When = DeliveryRule["when"];
export type DelayUnit = "seconds" | "minutes" | "hours" | "days";
const UNIT_SECONDS: Record<DelayUnit, number> = { seconds: 1, minutes: 60, hours: 3600, days: 86400 };

export type ActionTiming = {
  id: string;
  name: string;
  delay: string;
  unit: DelayUnit;
  relative: boolean;
  source: "event" | "user";
  key: string;
  direction: "after" | "before";
  retryPolicy: RetryPolicy;
  rateLimit: string;
};

export type DeliveryForm = {
  when: When;
  sendAt: string;
  timeZone: string;
  inUserTimeZone: boolean;
  whenPassed: "sendNow" | "skip";
  event: string;
  conditions: Condition[];
  frequency: "daily" | "weekly" | "cron";
  time: string;
  weekdays: number[];
  cron: string;
  endsOn: string;
  maxOccurrences: string;
  quiet: boolean;
  quietStart: string;
  quietEnd: string;
  actions: ActionTiming[];
};

export type StoredAction = { id: string; name: string; subDelivery: unknown; retryPolicy: string; rateLimitPerSecond: number | null };

/** The delivery settings as stored (lib/delivery/forms/settings.ts loadDeliverySettings), for the page's form. */
export type DeliveryInitial = {
  status: string;
  rule: unknown;
  actions: StoredAction[];
  audience: unknown;
  startAt: string | null;
  endAt: string | null;
  capExempt: boolean;
  /** a paused triggered campaign: the events that arrived since it was paused (Resume can catch them up) */
  missedWhilePaused?: MissedWhilePaused | null;
  /** an active scheduled or recurring campaign: its next send (lib/delivery/store/next-send.ts) */
  nextSend?: NextSendView | null;
};

/** A next send as the page is given it: its first send's instant, and its date and time in each user's zone. */
/** exact: `iso` is the first user's send (a run in each user's zone not fanned out yet has none); begun: earlier zones of that run were sent, `iso` is its next users' */
export type NextSendView = { iso: string; local: { date: string; time: string } | null; exact: boolean; begun: boolean };

/** A new campaign's: sends at once when activated, to everyone. */
export const NEW_CAMPAIGN_DELIVERY: DeliveryInitial = { status: "draft", rule: null, actions: [], audience: null, startAt: null, endAt: null, capExempt: false };

function splitSeconds(total: number): { delay: string; unit: DelayUnit } {
  const abs = Math.abs(total);
  for (const unit of ["days", "hours", "minutes"] as const) {
    if (abs >= UNIT_SECONDS[unit] && abs % UNIT_SECONDS[unit] === 0) return { delay: String(abs / UNIT_SECONDS[unit]), unit };
  }
  return { delay: abs ? String(abs) : "", unit: abs ? "seconds" : "minutes" };
}

/** An action's timing as stored (or the defaults: at once, default retries, no rate limit). */
export function timingOf(a: StoredAction): ActionTiming {
  const sub = (a.subDelivery ?? { kind: "immediate" }) as SubDelivery;
  const base = { id: a.id, name: a.name, retryPolicy: (a.retryPolicy as RetryPolicy) ?? "default", rateLimit: a.rateLimitPerSecond ? String(a.rateLimitPerSecond) : "" };
  if (sub.kind === "delay") return { ...base, ...splitSeconds(sub.seconds), relative: false, source: "event", key: "", direction: "after" };
  if (sub.kind === "relative")
    return { ...base, ...splitSeconds(sub.offsetSeconds), relative: true, source: sub.source, key: sub.key, direction: sub.offsetSeconds < 0 ? "before" : "after" };
  return { ...base, delay: "", unit: "minutes", relative: false, source: "event", key: "", direction: "after" };
}

export function formFromStored(rawRule: unknown, actions: StoredAction[]): DeliveryForm {
  const r = (rawRule ?? { when: "immediate" }) as Partial<Record<string, unknown>> & { when?: When };
  const str = (v: unknown, d = "") => (typeof v === "string" ? v : d);
  return {
    when: (["immediate", "scheduled", "triggered", "recurring"] as const).includes(r.when as When) ? (r.when as When) : "immediate",
    sendAt: str(r.sendAt),
    timeZone: str(r.timeZone, "UTC"),
    inUserTimeZone: r.inUserTimeZone === true,
    whenPassed: r.whenPassed === "skip" ? "skip" : "sendNow",
    event: str(r.event),
    conditions: Array.isArray(r.conditions) ? (r.conditions as Condition[]) : [],
    frequency: r.frequency === "weekly" || r.frequency === "cron" ? r.frequency : "daily",
    time: str(r.time, "09:00"),
    weekdays: Array.isArray(r.weekdays) ? (r.weekdays as number[]) : [1],
    cron: str(r.cron),
    endsOn: str(r.endsOn),
    maxOccurrences: typeof r.maxOccurrences === "number" ? String(r.maxOccurrences) : "",
    quiet: !!r.quietHours,
    quietStart: str((r.quietHours as { start?: string } | undefined)?.start, "22:00"),
    quietEnd: str((r.quietHours as { end?: string } | undefined)?.end, "08:00"),
    actions: actions.map(timingOf),
  };
}

/**
 * The delay as typed, in seconds: never rounded or dropped (-5 minutes became "at once", 0.4 seconds
 * 0), so that the server refuses what it cannot take at the field (DELAY_WHOLE_NOT_NEGATIVE). 1.1
 * hours is 3960 seconds, not 3960.0000000000005.
 */
function typedSeconds(t: ActionTiming): number {
  const seconds = (t.delay.trim() === "" ? 0 : Number(t.delay)) * UNIT_SECONDS[t.unit];
  const whole = Math.round(seconds);
  return Math.abs(seconds - whole) < 1e-6 ? whole : seconds;
}

function subDeliveryOf(t: ActionTiming): SubDelivery {
  const seconds = typedSeconds(t);
  // a negative delay has no reading ("before or after" says the direction): sent as a delay, refused
  // at the field, rather than turned around or dropped
  if (seconds < 0 || Number.isNaN(seconds)) return { kind: "delay", seconds };
  if (t.relative) return { kind: "relative", source: t.source, key: t.key, offsetSeconds: t.direction === "before" ? -seconds : seconds };
  return seconds === 0 ? { kind: "immediate" } : { kind: "delay", seconds };
}

/** What the server action receives (validated there with deliverySettingsSchema). */
export function settingsFromForm(f: DeliveryForm) {
  const quietHours = f.quiet ? { start: f.quietStart, end: f.quietEnd } : null;
  const rule =
    f.when === "scheduled"
      ? { when: f.when, sendAt: f.sendAt, timeZone: f.timeZone, inUserTimeZone: f.inUserTimeZone, whenPassed: f.whenPassed, quietHours }
      : f.when === "triggered"
        ? { when: f.when, event: f.event, conditions: f.conditions, quietHours }
        : f.when === "recurring"
          ? {
              when: f.when,
              frequency: f.frequency,
              time: f.time,
              weekdays: f.weekdays,
              ...(f.frequency === "cron" ? { cron: f.cron } : {}),
              timeZone: f.timeZone,
              inUserTimeZone: f.inUserTimeZone,
              endsOn: f.endsOn || null,
              maxOccurrences: f.maxOccurrences ? Number(f.maxOccurrences) : null,
              quietHours,
            }
          : { when: f.when, quietHours };
  return {
    rule,
    actions: f.actions.map((a) => ({
      id: a.id,
      subDelivery: subDeliveryOf(a),
      retryPolicy: a.retryPolicy,
      rateLimitPerSecond: a.rateLimit ? Number(a.rateLimit) : null,
    })),
  };
}

/** Whether two reads of the stored delivery settings differ in what the Delivery section edits (not the next send it shows). */
export function storedDeliveryDiffers(a: DeliveryInitial, b: DeliveryInitial): boolean {
  const edited = (d: DeliveryInitial) =>
    JSON.stringify([d.rule, d.audience, d.startAt, d.endAt, d.capExempt, d.actions.map((x) => [x.id, x.subDelivery, x.retryPolicy, x.rateLimitPerSecond])]);
  return edited(a) !== edited(b);
}
