// Wall-clock times in time zones: "9:00 in Europe/Paris on 1 December", the next occurrence of a
// recurring rule, quiet hours. Pure functions of their inputs (luxon, cron-parser).
import { CronExpressionParser } from "cron-parser";
import { DateTime } from "luxon";
import type { DeliveryRule, QuietHours } from "./rules";
import { luxonZoneName } from "../../time-zone";

/**
 * A local date-time in its zone as one instant. Where the clocks go back it happens twice: the first,
 * as cron-parser's runs are (luxon alone picks by the offset in force on the server's date, so a
 * campaign activated in winter sent an hour later than one activated in summer). One that does not
 * happen (clocks forward) is as long after the change as it was meant after the hour before it.
 */
function firstInstant(dt: DateTime): DateTime {
  const [first, second] = dt.getPossibleOffsets();
  return second && second < first ? second : first;
}

/**
 * The instant at which a local date-time ("2026-12-01T09:00") happens in a zone (the first of two, see
 * firstInstant), or null when it is no date: the one reading of a wall-clock time for "Send at" and
 * the Delivery section's Start and End alike.
 */
export function localInstantOrNull(local: string, zone: string): Date | null {
  const dt = DateTime.fromISO(local, { zone });
  return dt.isValid ? firstInstant(dt).toJSDate() : null;
}

/** localInstantOrNull, throwing on a value that is no date. */
export function localToInstant(local: string, zone: string): Date {
  const at = localInstantOrNull(local, zone);
  if (!at) throw new Error(`"${local}" is not a date and time in ${zone}`);
  return at;
}

/**
 * Whether a one-off send's local time is already behind `now`, so activating would send at once.
 * In each user's own zone it counts as passed once it passed everywhere (the last zone is UTC-12).
 */
export function scheduledTimeHasPassed(rule: { sendAt: string; timeZone: string; inUserTimeZone?: boolean }, now: Date): boolean {
  const zone = rule.inUserTimeZone ? "Etc/GMT+12" : rule.timeZone;
  const dt = DateTime.fromISO(rule.sendAt, { zone });
  return dt.isValid && firstInstant(dt).toMillis() <= now.getTime();
}

/**
 * A user's zone as luxon is given it (one name per zone: a user may be stored as "aSIA/kOLKATA", and
 * luxon keeps every spelling it sees with an Intl.DateTimeFormat of its own), else `fallback`.
 */
export function zoneOrFallback(zone: string | null | undefined, fallback: string): string {
  return (zone && luxonZoneName(zone)) || fallback;
}

type RecurringRule = Extract<DeliveryRule, { when: "recurring" }>;

// The zone whose clocks reach a time of day first (UTC+14, Pacific/Kiritimati; the Etc sign is inverted).
const EARLIEST_ZONE = "Etc/GMT-14";

/**
 * The zone a recurring rule's occurrences are counted in. In each user's zone, occurrence N is
 * "date D at `time`": it fans out when the first zone reaches it, ahead of every user's send.
 */
function occurrenceZone(rule: RecurringRule): string {
  return rule.inUserTimeZone ? EARLIEST_ZONE : rule.timeZone;
}

/** The cron expression (minute hour dom month dow) a recurring rule stands for. */
export function recurringCron(rule: RecurringRule): string {
  if (rule.frequency === "cron") return rule.cron ?? "";
  const [hour, minute] = rule.time.split(":").map(Number);
  const dow = rule.frequency === "weekly" ? [...new Set(rule.weekdays)].sort().join(",") : "*";
  return `${minute} ${hour} * * ${dow}`;
}

/** Checks a cron expression; returns a plain-words problem or null (cron-parser's own words, such as "cannot resolve alias", mean nothing to a marketer). */
export function cronProblem(expression: string): string | null {
  try {
    CronExpressionParser.parse(expression, { tz: "UTC" }).next();
    return null;
  } catch {
    return 'Not a valid cron expression: use five fields (minute hour day month weekday), e.g. "0 9 * * 1" for Mondays at 09:00';
  }
}

export const ENDS_ON_PASSED = "No run is left before the end date: the campaign would never send";

/**
 * Whether a recurring rule's end date ("Ends on") leaves no run to send from `now`: judged by the
 * occurrences the engine would plan on activation (firstOccurrences), so a date still under way in
 * some users' zones (15:00 on the end date is still ahead in New York at 12:00 UTC) is not over, and
 * an end date of today whose time has passed in the rule's zone is.
 */
export function endsOnPassed(rule: RecurringRule, now: Date): boolean {
  if (!rule.endsOn) return false;
  const { underway, next } = firstOccurrences(rule, now);
  return underway.length === 0 && next === null;
}

/**
 * The first occurrence strictly after `after`, or null when the rule has ended (end date passed
 * or `occurrencesSoFar` reached the maximum).
 */
export function nextOccurrence(rule: RecurringRule, after: Date, occurrencesSoFar = 0): Date | null {
  if (rule.maxOccurrences && occurrencesSoFar >= rule.maxOccurrences) return null;
  const zone = occurrenceZone(rule);
  const expression = CronExpressionParser.parse(recurringCron(rule), { tz: zone, currentDate: after });
  const next = expression.next().toDate();
  if (rule.endsOn) {
    // in each user's zone too the end is a local date: occurrence dates are those of the earliest zone
    const end = DateTime.fromISO(rule.endsOn.slice(0, 10), { zone }).endOf("day");
    if (next.getTime() > end.toMillis()) return null;
  }
  return next;
}

// A date's time of day reaches the first zone (UTC+14) 26 hours before the last (UTC-12).
const ZONE_SPAN_MS = 26 * 3600_000;

/**
 * Where a recurring rule starts when activated at `now`. In each user's zone, the dates already
 * under way (the first zone has reached their time, the last has not): they fan out at once, each to
 * the users whose time on it is still ahead (the others start with a later date), counting once each
 * as a run does. Then `next`, the first run after `now` (null: the rule ended with those). In the
 * rule's zone nothing is under way.
 */
export function firstOccurrences(rule: RecurringRule, now: Date): { underway: Date[]; next: Date | null } {
  const underway: Date[] = [];
  if (!rule.inUserTimeZone) return { underway, next: nextOccurrence(rule, now, 0) };
  let at = nextOccurrence(rule, new Date(now.getTime() - ZONE_SPAN_MS - 1), 0);
  // a daily rule has up to two dates under way (between 19:00 and 21:00 UTC for 09:00)
  while (at && at <= now) {
    underway.push(at);
    at = nextOccurrence(rule, at, underway.length);
  }
  return { underway, next: at };
}

/**
 * One occurrence a campaign fans out. `leaveOutBefore`: it was under way when the campaign started,
 * or when a late run found it: the users whose time on it was before this are left out of it (not
 * late: their first run is a later date).
 */
export type OccurrenceRun = { at: Date; leaveOutBefore?: Date };

/**
 * THE decision of a recurring campaign's runs at `now`: the occurrences it fans out and the run after
 * them (its nextRunAt; null: the rule ended with those). `pending` is its nextRunAt, due by `now`, or
 * null when it starts (activation; `now` is then the start date when that is ahead, less 1 ms).
 * - Starting: firstOccurrences, each date under way to the users whose time on it is still ahead.
 * - A run due (on time, or late: paused, the engine down): the latest occurrence by `now`, to every
 *   user (at once where its time passed, latestOccurrenceBy), and, in each user's zone, the dates
 *   between the pending one and it still under way at `now`, to the users whose time on them is ahead
 *   (a resume at 19:30 UTC sends Monday's 09:00 to UTC-11 and UTC-12 and Tuesday's to everyone).
 *   Those that fanned out already (before `pending`) never again.
 */
export function recurringRuns(rule: RecurringRule, now: Date, pending: Date | null, occurrencesSoFar = 0): { runs: OccurrenceRun[]; next: Date | null } {
  if (!pending) {
    const { underway, next } = firstOccurrences(rule, now);
    return { runs: underway.map((at) => ({ at, leaveOutBefore: now })), next };
  }
  const latest = latestOccurrenceBy(rule, pending, now, occurrencesSoFar);
  // the latest goes out whatever the number of occurrences left; the earlier ones in what remains
  const room = rule.maxOccurrences ? Math.max(0, rule.maxOccurrences - occurrencesSoFar - 1) : Infinity;
  const stillUnderway = rule.inUserTimeZone ? firstOccurrences({ ...rule, maxOccurrences: undefined }, now).underway : [];
  const earlier = stillUnderway.filter((at) => at >= pending && at < latest).slice(0, room);
  const runs: OccurrenceRun[] = [...earlier.map((at) => ({ at, leaveOutBefore: now })), { at: latest }];
  return { runs, next: nextOccurrence(rule, latest, occurrencesSoFar + runs.length) };
}

/**
 * A paused recurring campaign's pending run once its settings change (`before`: the rule it was
 * counted by, null when that cannot be read). From the first occurrence that may not have been sent:
 * in the rule's zone the first at or after the pending one (an unchanged rule keeps it); with each
 * user's zone on either side, the first on a date no run was sent on (a run at 09:00 Paris pending
 * on Monday becomes Monday's in each user's zone, which UTC+14 reached on Sunday: Monday is still
 * ahead in New York). Then, with a start date, not before the first run an activation would make
 * for it. Null: no occurrence left (end date, number of occurrences).
 */
export function pendingRunAfterChange(
  before: RecurringRule | null,
  rule: RecurringRule,
  pending: Date,
  occurrencesSoFar: number,
  startAt: Date | null,
): Date | null {
  const byDate = before && (before.inUserTimeZone || rule.inUserTimeZone);
  let first = byDate ? firstOnOrAfterDate(rule, firstUnsentDate(before, pending)) : nextOccurrence(rule, new Date(pending.getTime() - 1), 0);
  if (first && startAt) {
    const { underway, next } = firstOccurrences(rule, new Date(startAt.getTime() - 1));
    const fromStart = underway[0] ?? next;
    if (!fromStart || fromStart > first) first = fromStart;
  }
  return first && nextOccurrence(rule, new Date(first.getTime() - 1), occurrencesSoFar);
}

/**
 * A paused recurring campaign's occurrence that fanned out already (at `at`, counted by `before`;
 * null when that cannot be read) and whose deliveries still wait, once its settings change to
 * `rule`: the occurrence of `rule` its waiting users are planned by from then (planDeliveries, which
 * also leaves out a user whose time is before the start date, as for any run). With each user's zone
 * on either side it is by date, as pendingRunAfterChange is: date D's run under `rule`, each user due
 * at its time in their own zone (never the old times moved by an amount); null when `rule` has no run
 * on D (another weekday, past its end date). In the rule's zone on both sides it stays `at`: it ran at
 * its time, and only its start date can still leave its users out.
 */
export function fannedOutOccurrenceAfterChange(before: RecurringRule | null, rule: RecurringRule, at: Date): Date | null {
  if (!before || (!before.inUserTimeZone && !rule.inUserTimeZone)) return at;
  const date = occurrenceDate(before, at);
  const dayStart = DateTime.fromISO(date, { zone: occurrenceZone(rule) }).startOf("day");
  // its end date holds (a run on D counted already, so not its number of occurrences)
  const onDate = nextOccurrence({ ...rule, maxOccurrences: undefined }, new Date(dayStart.toMillis() - 1), 0);
  return onDate && occurrenceDate(rule, onDate) === date ? onDate : null;
}

/** The first date (in the sense of occurrenceDate) no occurrence of `rule` before `pending` was on. */
function firstUnsentDate(rule: RecurringRule, pending: Date): string {
  const zone = occurrenceZone(rule);
  const previous = CronExpressionParser.parse(recurringCron(rule), { tz: zone, currentDate: pending }).prev().toDate();
  // a cron expression may run more than once a day: a date with a run before the pending one was sent
  const afterPrevious = DateTime.fromJSDate(previous, { zone }).plus({ days: 1 }).toISODate() ?? "";
  const ofPending = occurrenceDate(rule, pending);
  return afterPrevious > ofPending ? afterPrevious : ofPending;
}

/** The first occurrence of `rule` on `date` ("2026-12-07") or after it, ignoring its count and end. */
function firstOnOrAfterDate(rule: RecurringRule, date: string): Date | null {
  const dayStart = DateTime.fromISO(date, { zone: occurrenceZone(rule) }).startOf("day");
  return nextOccurrence({ ...rule, maxOccurrences: undefined, endsOn: undefined }, new Date(dayStart.toMillis() - 1), 0);
}

/** The date ("2026-12-07") of the occurrence that fans out at `at` (in each user's zone: the date D they are sent on). */
export function occurrenceDate(rule: RecurringRule, at: Date): string {
  return DateTime.fromJSDate(at, { zone: occurrenceZone(rule) }).toISODate() ?? "";
}

/**
 * The occurrence a fan-out late by more than one sends (the latest at or before `now`, after `at`,
 * the one it was due to send); those between are skipped. A campaign paused across a week of daily
 * runs, or an install that was down, then sends once, not a stale run at each tick.
 */
function latestOccurrenceBy(rule: RecurringRule, at: Date, now: Date, occurrencesSoFar = 0): Date {
  const expression = CronExpressionParser.parse(recurringCron(rule), { tz: occurrenceZone(rule), currentDate: new Date(now.getTime() + 1) });
  // back from now to one the rule still makes (not past its end date); a bounded walk (a cron of
  // every minute, ended long ago), after which the one that was due goes out
  for (let i = 0; i < 1000; i++) {
    const candidate = expression.prev().toDate();
    if (candidate <= at) break;
    if (nextOccurrence(rule, new Date(candidate.getTime() - 1), occurrencesSoFar)?.getTime() === candidate.getTime()) return candidate;
  }
  return at;
}

/**
 * When the occurrence that fanned out at `at` (nextOccurrence) is due for a user whose zone is
 * `userZone`: at its date and time in that zone (the rule's zone without one), or `at` itself when
 * the rule does not send in each user's zone. Wall-clock through luxon, so DST days come out right.
 */
export function occurrenceDueAt(rule: RecurringRule, at: Date, userZone: string | null | undefined): Date {
  return occurrenceDueTimes(rule, at)(userZone);
}

/**
 * occurrenceDueAt for the users of one occurrence, each zone worked out once: a fan-out to 100,000
 * users spans a few dozen zones, and luxon takes ~25 µs a user.
 */
export function occurrenceDueTimes(rule: RecurringRule, at: Date): (userZone: string | null | undefined) => Date {
  if (!rule.inUserTimeZone) return () => at;
  const local = DateTime.fromJSDate(at, { zone: EARLIEST_ZONE }).toFormat("yyyy-LL-dd'T'HH:mm");
  const byZone = new Map<string, Date>();
  return (userZone) => {
    const zone = zoneOrFallback(userZone, rule.timeZone);
    let due = byZone.get(zone);
    if (!due) byZone.set(zone, (due = localToInstant(local, zone)));
    return due;
  };
}

function minutesOf(hhmm: string) {
  const [h, m] = hhmm.split(":").map(Number);
  return h * 60 + m;
}

/**
 * When a send at `at` falls inside quiet hours in `zone`, the instant they end; otherwise null.
 * Quiet hours may wrap midnight (22:00-08:00).
 */
export function quietHoursEnd(at: Date, quiet: QuietHours | null | undefined, zone: string): Date | null {
  if (!quiet) return null;
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  if (start === end) return null;
  const local = DateTime.fromJSDate(at, { zone });
  const now = local.hour * 60 + local.minute;
  const wraps = start > end;
  const inside = wraps ? now >= start || now < end : now >= start && now < end;
  if (!inside) return null;
  let endDay = local.startOf("day");
  if (wraps && now >= start) endDay = endDay.plus({ days: 1 });
  // the first time the clock reads the end after `at`: where it reads it twice (clocks back) and `at`
  // is past the first, the second (a hold until an end already past was claimed again every tick)
  const ends = endDay.set({ hour: Math.floor(end / 60), minute: end % 60 }).getPossibleOffsets().sort((a, b) => a.toMillis() - b.toMillis());
  return (ends.find((e) => e.toMillis() > at.getTime()) ?? ends[ends.length - 1]).toJSDate();
}
