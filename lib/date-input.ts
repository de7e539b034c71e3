// THE reading of a date or date-time someone gave us (a date attribute, an event parameter, an
// audience filter's value, a CSV cell, a template's `date` helper, the Delivery section's start and
// end): ISO-8601, in UTC unless it carries an offset; a date alone is midnight UTC (and that instant
// is a calendar date wherever a date is shown in a zone: isCalendarDateValue below). Never the
// server's own zone: `new Date(s)` and `Date.parse(s)` read "2027-03-01T09:00:00" in the process's
// TZ, so the same API call scheduled an hour apart on a server in Paris and one in UTC.
import { DateTime } from "luxon";
import { luxonZoneName } from "./time-zone";

// A calendar date first (2027, 2027-03, 2027-03-01, 20270301, 2027-W09-1, 2027-060), then the
// end, a time (T or a space) or nothing else: luxon alone also takes "12" or "09:00" for today.
const ISO_START = /^\d{4}(?:-\d{2}(?:-\d{2})?|\d{4}|-?W\d{2}(?:-?\d)?|-\d{3})?(?:$|[T ])/i;
const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})/;
/** The ISO shape a stored attribute value must have to count as a date (the catalogue, response mapping). */
const ISO_DATE_TEXT = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/;
const UNIX_SECONDS = /^\d+(\.\d+)?$/;
// A zone the JavaScript date parser knows that is not UTC: the US abbreviations, or a signed offset
// after a time or after GMT/UTC ("9:00 PM -0500", "GMT+0100"); without one, a string is read in UTC.
const LEGACY_ZONE = /\b[ECMP][SD]T\b|(?:\d:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[AP]M\s*)?|\b(?:GMT|UTC?))[+-]\d/i;

const UTC = { zone: "utc", setZone: true } as const;
// The everyday shapes (2027-03-01, 2027-03-01T09:00:00.000Z, 2027-03-01 09:00+01:00) read without
// luxon, ten times faster: an audience count reads a date per user. Anything else, or a field out of
// its range, is luxon's to judge.
const COMMON_ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|([+-])(\d{2})(?::?(\d{2}))?)?)?$/i;

function commonIso(s: string): Date | null {
  const m = COMMON_ISO.exec(s);
  if (!m) return null;
  const year = +m[1]!, month = +m[2]!, day = +m[3]!;
  const hour = m[4] ? +m[4] : 0, minute = m[5] ? +m[5] : 0, second = m[6] ? +m[6] : 0;
  const offsetHours = m[10] ? +m[10] : 0, offsetMinutes = m[11] ? +m[11] : 0;
  if (year < 100 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) return null;
  const millis = m[7] ? +m[7].slice(0, 3).padEnd(3, "0") : 0;
  const offset = (m[9] === "-" ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second, millis) - offset);
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
function daysIn(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leap ? 29 : DAYS[month - 1]!;
}

function instant(dt: DateTime): Date | null {
  return dt.isValid ? dt.toJSDate() : null;
}

// A zone name ending a date, where luxon's parsers read one: "[Europe/Paris]" (ISO) or after the
// time (SQL: "2027-03-01 09:00 Europe/Paris"). Luxon's own pattern for a name, at the end.
const MAX_DATE_WITH_ZONE = 1024;
const TRAILING_ZONE = /(\[?)([A-Za-z_+-]{1,256}(?::?\/[A-Za-z0-9_+-]{1,256}(?:\/[A-Za-z0-9_+-]{1,256})?)?)\]?$/;

/**
 * The date with its zone name (if it ends in one) as luxon may be given it (lib/time-zone.ts
 * luxonZoneName: luxon keeps every name it sees, and dates come from users, CSV files and receivers'
 * Retry-After), or null when the name is no zone (luxon would find no date either).
 */
function withOneZoneName(s: string): string | null {
  // luxon's patterns hold a date, a time and a name of at most 3 x 256 characters: a longer text names
  // no zone to luxon (and the pattern below, not anchored at the start, would try every position)
  if (s.length > MAX_DATE_WITH_ZONE) return s;
  const m = TRAILING_ZONE.exec(s);
  // "Z" is UTC's offset, not a name
  if (!m || /^[Zz]$/.test(m[2]!)) return s;
  const name = luxonZoneName(m[2]!);
  return name === null ? null : s.slice(0, m.index + m[1]!.length) + name + s.slice(m.index + m[1]!.length + m[2]!.length);
}

/**
 * ISO-8601 only (a space may stand for the T, and an SQL-style " +01:00" or " UTC" zone is read
 * too): the date the string names, UTC unless it says otherwise; null when it names none.
 */
export function parseIsoDateInput(text: string): Date | null {
  const trimmed = text.trim();
  const common = commonIso(trimmed);
  if (common) return common;
  if (!ISO_START.test(trimmed)) return null;
  const s = withOneZoneName(trimmed);
  if (s === null) return null;
  const iso = instant(DateTime.fromISO(s.replace(" ", "T"), UTC));
  if (iso || !s.includes(" ")) return iso;
  return instant(DateTime.fromSQL(s, UTC));
}

/** A stored string that reads as an ISO date (2027-03-01, 2027-03-01T09:00:00Z, ...) on the calendar. */
export function isIsoDateText(value: string): boolean {
  return ISO_DATE_TEXT.test(value) && parseIsoDateInput(value) !== null;
}

/**
 * A date from anyone: a Date; with `unixSeconds`, a number or a string of digits as Unix seconds;
 * ISO-8601 (parseIsoDateInput); RFC 2822 and HTTP dates; and, as before, what JavaScript's own
 * parser takes ("March 1, 2027", "3/1/2027 9:00"), read in UTC when it names no zone. An ISO date
 * off the calendar (2027-02-30) is refused, not rolled over into March. Null when nothing reads it.
 */
export function parseDateInput(value: unknown, options: { unixSeconds?: boolean } = {}): Date | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  if (typeof value === "number") return options.unixSeconds && Number.isFinite(value) ? validDate(value * 1000) : null;
  if (typeof value !== "string") return null;
  const s = value.trim();
  // no digit, no date ("soon", "Paris"): said before trying four parsers on each user's text
  if (!/\d/.test(s)) return null;
  if (options.unixSeconds && UNIX_SECONDS.test(s)) return validDate(Number(s) * 1000);
  const iso = parseIsoDateInput(s);
  if (iso) return iso;
  const calendar = CALENDAR_DATE.exec(s);
  if (calendar && !DateTime.utc(Number(calendar[1]), Number(calendar[2]), Number(calendar[3])).isValid) return null;
  const mail = instant(DateTime.fromRFC2822(s, UTC)) ?? instant(DateTime.fromHTTP(s, UTC));
  if (mail) return mail;
  return validDate(Date.parse(LEGACY_ZONE.test(s) ? s : `${s} UTC`));
}

const DAY_MS = 86_400_000;

// A time of day written in the text (10:30, T00): such a value is an instant, even at midnight UTC
const TIME_OF_DAY = /\d:\d|\dT\d/i;
// what the CSV import (and JavaScript's toISOString) writes for a date without a time of day
const STORED_CALENDAR_DATE = /^\d{4}-\d{2}-\d{2}T00:00:00\.000Z$/;

/**
 * Whether a value someone gave us is a calendar date, not an instant, judged by how it is written: a
 * text with no time of day that reads as a date (2026-01-15, May 12 2026, 06/07/2026), or exactly
 * 2026-01-15T00:00:00.000Z, what the CSV import stores for such a date. Shown in a zone (the template's
 * `date` helper), it is that same date there, at 00:00, never the day before west of UTC. Anything with
 * a time written (2026-03-10T00:00:00Z in an event, 10:30), and numbers (Unix seconds), are instants.
 */
export function isCalendarDateValue(value: unknown): boolean {
  if (typeof value !== "string") return false;
  const s = value.trim();
  if (STORED_CALENDAR_DATE.test(s)) return true;
  // digits alone are Unix seconds where a date is formatted (the date helper): an instant (review 2)
  if (TIME_OF_DAY.test(s) || UNIX_SECONDS.test(s)) return false;
  const date = parseDateInput(s);
  return !!date && date.getTime() % DAY_MS === 0;
}

/**
 * The text a date attribute stores for `date`, read from `input` (what was written: a text, or Unix
 * seconds as a number): a calendar date (isCalendarDateValue of the input) as its midnight's ISO text, what
 * the CSV import always stored for one; an instant as ISO too, but one that falls on 00:00:00.000 UTC
 * without its milliseconds (2026-03-01T00:00:00Z), so it is read back as the instant it was (09:00 in
 * Tokyo written 2026-03-01T09:00:00+09:00), not as a calendar date. Every writer that converts a date
 * stores it through this.
 */
export function storedDateText(input: unknown, date: Date): string {
  const iso = date.toISOString();
  if (isCalendarDateValue(input) || !STORED_CALENDAR_DATE.test(iso)) return iso;
  return `${iso.slice(0, 19)}Z`;
}

/** A stored ISO date attribute that is a calendar date (isCalendarDateValue) as its yyyy-MM-dd, else null (shown as written). */
export function calendarDateText(value: unknown): string | null {
  if (typeof value !== "string" || !isIsoDateText(value) || !isCalendarDateValue(value)) return null;
  return parseIsoDateInput(value)!.toISOString().slice(0, 10);
}

/**
 * A stored ISO date-time attribute (not a calendar date: calendarDateText) as the instant in `zone`, the
 * user's (UTC when none, or not a zone), named: "2026-03-01 10:00 (Europe/Paris)", seconds only when it
 * has some; else null (shown as written). The user page showed 2026-03-01T09:00:00.000Z as stored.
 */
export function dateTimeAttributeText(value: unknown, zone: string | null): string | null {
  if (typeof value !== "string" || !isIsoDateText(value) || isCalendarDateValue(value)) return null;
  const date = parseIsoDateInput(value);
  if (!date) return null;
  const name = (zone && luxonZoneName(zone)) || "UTC";
  const dt = DateTime.fromJSDate(date, { zone: name });
  return `${dt.toFormat(dt.second || dt.millisecond ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm")} (${name})`;
}

function validDate(ms: number): Date | null {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? null : date;
}
