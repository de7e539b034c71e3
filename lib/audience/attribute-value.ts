// What a value written to a user attribute of a type (number, true/false, date) becomes: the one rule
// for every writer. The users API types an attribute as the attribute catalogue does, the CSV import as
// its column is mapped, and both go through upsertUsers (lib/audience/users.ts), which applies it: the
// API stored "06/07/2026" as that text while the import stored the date.
import { DateTime } from "luxon";
import { parseDateInput, parseIsoDateInput, storedDateText } from "../date-input";

export const TYPED_KINDS = ["number", "boolean", "date"] as const;
export type TypedKind = (typeof TYPED_KINDS)[number];
/** Attribute name -> its type; an attribute not named here keeps the value as sent. */
export type AttributeTypes = Readonly<Record<string, TypedKind>>;
export type TypedValue = { ok: true; value: number | boolean | string } | { ok: false; problem: string };

/** What a date attribute takes, as the refusal says it. */
export const DATE_FORMS = "ISO-8601 (2026-06-07, 2026-06-07T09:30:00+02:00), month/day/year (06/07/2026 is June 7) or the month's name (7 June 2026)";

/** The one kind of the catalogue's entries that are typed: seen with number, boolean or date alone (several types: none). */
export function typesFromCatalogue(entries: readonly { name: string; types: readonly string[] }[]): AttributeTypes {
  const types: Record<string, TypedKind> = Object.create(null);
  for (const { name, types: seen } of entries) {
    if (seen.length === 1 && (TYPED_KINDS as readonly string[]).includes(seen[0]!)) types[name] = seen[0] as TypedKind;
  }
  return types;
}

/** The type `types` gives an attribute: its own entries only (an attribute named "toString" has none). */
export function typeOf(types: AttributeTypes, attribute: string): TypedKind | undefined {
  return Object.hasOwn(types, attribute) ? types[attribute] : undefined;
}

/**
 * `value` as `type`: a number in decimal notation (a leading zero is a code, not a number), true/false
 * (yes/no, y/n, 1/0, on/off too), or a date stored as the ISO instant it names (DATE_FORMS; a JSON
 * number is Unix seconds). Anything else is refused with why, never stored as it came.
 */
export function typedAttributeValue(value: unknown, type: TypedKind): TypedValue {
  switch (type) {
    case "number":
      return asNumber(value);
    case "boolean":
      return asBoolean(value);
    case "date":
      return asDate(value);
  }
}

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;
const LEADING_ZERO = /^[+-]?0\d/;
const TRUE = new Set(["true", "yes", "y", "1", "on"]);
const FALSE = new Set(["false", "no", "n", "0", "off"]);

function asNumber(value: unknown): TypedValue {
  if (typeof value === "number") return Number.isFinite(value) ? { ok: true, value } : refused(value, "is not a number");
  if (typeof value !== "string") return refused(value, "is not a number");
  // decimal notation only (spaces between digit groups allowed): JavaScript's Number() also reads
  // 0x1F, 0b101 and 0o17, and a leading zero is a code (zip 02134 would be stored as 2134)
  const text = value.replace(/\s/g, "");
  if (LEADING_ZERO.test(text)) return refused(value, "starts with a zero");
  const n = DECIMAL.test(text) ? Number(text) : NaN;
  return Number.isFinite(n) ? { ok: true, value: n } : refused(value, "is not a number");
}

function asBoolean(value: unknown): TypedValue {
  if (typeof value === "boolean") return { ok: true, value };
  const text = typeof value === "string" || typeof value === "number" ? String(value).trim().toLowerCase() : null;
  if (text !== null && TRUE.has(text)) return { ok: true, value: true };
  if (text !== null && FALSE.has(text)) return { ok: true, value: false };
  return refused(value, "is not true or false");
}

// the longest forms taken ("2026-06-07T09:30:00.123456789[America/Argentina/Buenos_Aires]", 59) are
// under 64: a longer text is no date, and no parser is tried on a 10,000-character one
const MAX_DATE_TEXT = 64;
const DIGITS_ALONE = /^[+-]?\d+(?:[.,]\d+)?$/;
const ISO_LIKE = /^[+-]?\d{4,}-/;
// month/day/year, or year/month/day, each with an optional time: the date part is checked on the calendar
const MONTH_DAY_YEAR = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?=$| \d)/;
const YEAR_MONTH_DAY = /^(\d{4})\/(\d{1,2})\/(\d{1,2})(?=$| \d)/;
const MONTH_NAME_FORMATS = ["d MMMM yyyy", "d MMM yyyy", "MMMM d yyyy", "MMM d yyyy", "MMMM d, yyyy", "MMM d, yyyy"];
// Date.UTC reads years 0-99 as 1900-1999: the first instant of year 1 spelt out
const EARLIEST = Date.parse("0001-01-01T00:00:00Z"), LATEST = Date.parse("+010000-01-01T00:00:00Z");

function asDate(value: unknown): TypedValue {
  // Unix seconds, as sub-delivery times and the date helper read a number
  if (typeof value === "number") return Number.isFinite(value) ? inRange(new Date(value * 1000), value) : refused(value, "is not a date");
  if (typeof value !== "string") return refused(value, "is not a date");
  const text = value.trim();
  if (text === "") return refused(value, "is not a date (null removes the attribute)");
  if (text.length > MAX_DATE_TEXT) return refused(value, `is not a date: use ${DATE_FORMS}`);
  if (DIGITS_ALONE.test(text)) return refused(value, `is digits alone (Unix seconds? 20260607?), not a date: use ${DATE_FORMS}; Unix seconds are taken as a JSON number`);
  const date = readDateText(text);
  return date ? inRange(date, value) : refused(value, `is not a date: use ${DATE_FORMS}`);
}

/** The instant a date text names in the forms taken (DATE_FORMS, RFC 2822 and HTTP dates), or null. */
function readDateText(text: string): Date | null {
  if (ISO_LIKE.test(text)) return parseIsoDateInput(text);
  const slash = MONTH_DAY_YEAR.exec(text);
  if (slash) return onCalendar(+slash[3]!, +slash[1]!, +slash[2]!) ? parseDateInput(text) : null;
  const ymd = YEAR_MONTH_DAY.exec(text);
  if (ymd) return onCalendar(+ymd[1]!, +ymd[2]!, +ymd[3]!) ? parseDateInput(text) : null;
  // what else JavaScript's parser reads is refused: 6-7-2026 and 06.07.2026 (often day first), 6/7/26
  // (which century?), "Room 101" (the year 101)
  return rfc(text) ?? monthNamed(text);
}

function onCalendar(year: number, month: number, day: number): boolean {
  return DateTime.utc(year, month, day).isValid;
}

function rfc(text: string): Date | null {
  const dt = DateTime.fromRFC2822(text, { zone: "utc", setZone: true });
  const http = dt.isValid ? dt : DateTime.fromHTTP(text, { zone: "utc", setZone: true });
  return http.isValid ? http.toJSDate() : null;
}

// luxon's formats check the calendar ("30 February 2026" is none: JavaScript's parser made it 2 March)
function monthNamed(text: string): Date | null {
  for (const format of MONTH_NAME_FORMATS) {
    const dt = DateTime.fromFormat(text, format, { zone: "utc", locale: "en-US" });
    if (dt.isValid) return dt.toJSDate();
  }
  return null;
}

// four digits of year, as an ISO date text is read back as a date (lib/date-input.ts isIsoDateText)
function inRange(date: Date, value: unknown): TypedValue {
  const ms = date.getTime();
  // a calendar date as its midnight, an instant as the instant it is even at midnight UTC (storedDateText)
  return ms >= EARLIEST && ms < LATEST ? { ok: true, value: storedDateText(value, date) } : refused(value, "is not a date between the years 1 and 9999");
}

function refused(value: unknown, why: string): TypedValue {
  return { ok: false, problem: `${describe(value)} ${why}` };
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return "A list";
  if (value === null) return "null";
  if (typeof value === "object") return "An object";
  // cut by characters, never between the halves of one
  if (typeof value === "string") return `"${value.length > 40 ? `${Array.from(value.slice(0, 80)).slice(0, 40).join("")}…` : value}"`;
  return String(value);
}
