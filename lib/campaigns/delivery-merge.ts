// "Merge their changes" for the Delivery section: the same three-way merge as campaign-merge.ts, on
// the delivery settings as the server parses them (each side read through the same form, so a value
// is compared as the form would send it). Field by field: the rule's fields, the audience, start, end,
// the cap exemption, and each saved webhook's timing, retry policy and rate limit; mine where only I
// changed, theirs where only they did, a clash keeps mine and says theirs. Pure and client-safe.
import type { MergeClash } from "./campaign-merge";

export type DeliveryActionSettings = { id: string; subDelivery: unknown; retryPolicy: string; rateLimitPerSecond: number | null };
/**
 * One side's delivery settings, webhooks named by their saved ids. `capExempt` absent: not this
 * member's to change (only an admin's form sends it), so theirs is taken and nothing of mine written.
 */
export type DeliverySettingsSide = {
  rule: Record<string, unknown>;
  actions: DeliveryActionSettings[];
  audience: unknown;
  startAt: string | null;
  endAt: string | null;
  capExempt?: boolean;
};
export type DeliveryMerge = { settings: DeliverySettingsSide; fromThem: string[]; clashes: MergeClash[] };

const RULE_LABELS: Record<string, string> = {
  when: "when it sends",
  sendAt: "send time",
  timeZone: "time zone",
  inUserTimeZone: "each user's time zone",
  whenPassed: "when the time has passed",
  event: "event",
  conditions: "event conditions",
  frequency: "frequency",
  time: "time of day",
  weekdays: "weekdays",
  cron: "cron",
  endsOn: "end date",
  maxOccurrences: "number of sends",
  quietHours: "quiet hours",
};

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

function shown(v: unknown): string {
  if (v === null || v === undefined || v === "") return "(empty)";
  const text = typeof v === "string" ? v : JSON.stringify(v);
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}

function describeSubDelivery(v: unknown): string {
  const s = v as { kind?: string; seconds?: number; offsetSeconds?: number; source?: string; key?: string } | null;
  if (!s || s.kind === "immediate") return "at once";
  if (s.kind === "delay") return `${s.seconds} s after`;
  if (s.kind === "relative") return `${Math.abs(s.offsetSeconds ?? 0)} s ${(s.offsetSeconds ?? 0) < 0 ? "before" : "after"} ${s.source} ${s.key}`;
  return shown(v);
}

/**
 * The three-way merge of the delivery settings. `labelOf(id)`: how a saved webhook is named ("Webhook 2").
 * Webhooks follow theirs: one they added comes with its settings; one they deleted is not here (the
 * campaign merge decides whether it stays, and the page keeps its timing as typed).
 */
export function mergeDelivery(base: DeliverySettingsSide, mine: DeliverySettingsSide, theirs: DeliverySettingsSide, labelOf: (id: string) => string): DeliveryMerge {
  const fromThem: string[] = [];
  const clashes: MergeClash[] = [];
  function value<T>(label: string, was: T, my: T, their: T, show: (v: T) => string = shown): T {
    if (same(my, was) || same(my, their)) {
      if (!same(their, was) && !same(my, their)) fromThem.push(label);
      return their;
    }
    if (!same(their, was)) clashes.push({ label, theirs: show(their), text: `Both changed ${label}: yours kept; theirs was ${show(their)}` });
    return my;
  }

  const rule: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(base.rule), ...Object.keys(mine.rule), ...Object.keys(theirs.rule)])) {
    const merged = value(`Delivery ${RULE_LABELS[key] ?? key}`, base.rule[key], mine.rule[key], theirs.rule[key]);
    if (merged !== undefined) rule[key] = merged;
  }

  const [b, m] = [new Map(base.actions.map((a) => [a.id, a])), new Map(mine.actions.map((a) => [a.id, a]))];
  const actions = theirs.actions.map((t) => {
    const [was, my] = [b.get(t.id), m.get(t.id)];
    // added by them, or removed by me (my removal is the campaign merge's business): theirs as stored
    if (!was || !my) return t;
    const at = labelOf(t.id);
    return {
      id: t.id,
      subDelivery: value(`${at} timing`, was.subDelivery, my.subDelivery, t.subDelivery, describeSubDelivery),
      retryPolicy: value(`${at} retries`, was.retryPolicy, my.retryPolicy, t.retryPolicy),
      rateLimitPerSecond: value(`${at} rate limit`, was.rateLimitPerSecond, my.rateLimitPerSecond, t.rateLimitPerSecond, (v) => (v ? `${v}/s` : "none")),
    };
  });

  const settings: DeliverySettingsSide = {
    rule,
    actions,
    audience: value("Delivery audience", base.audience, mine.audience, theirs.audience),
    startAt: value("Delivery start", base.startAt, mine.startAt, theirs.startAt),
    endAt: value("Delivery end", base.endAt, mine.endAt, theirs.endAt),
    // admin-only: a form that may not change it takes theirs and never writes its base's back
    capExempt: mine.capExempt === undefined ? theirs.capExempt : value("Cap exemption", base.capExempt, mine.capExempt, theirs.capExempt, (v) => (v ? "exempt" : "not exempt")),
  };
  return { settings, fromThem, clashes };
}
