// The template helpers (documented in the README, one example each). json and urlencode return
// marked SafeStrings, so context escaping knows what they hold (lib/templating/escape.ts).
import { DateTime, FixedOffsetZone, type Zone } from "luxon";
import { toText, wellFormed } from "./escape";
import { isCalendarDateValue, parseDateInput } from "../date-input";
import { TemplateSkip } from "./template-error";
import { luxonZoneName } from "../time-zone";

type Marked = { json: (s: string) => unknown; urlencoded: (s: string) => unknown };

// Handlebars passes its options object last: the arguments are everything before it.
const args = (raw: unknown[]) => raw.slice(0, -1);
const str = toText;

type RenderRoot = { data?: { root?: { now?: unknown } } };

// Unix seconds or a date read as everywhere else (lib/date-input.ts): UTC unless it carries an offset.
// A calendar date (isCalendarDateValue: written without a time of day) is that date at 00:00 in the
// zone, not midnight UTC moved into it (the day before west of UTC); `now` is the render's instant even
// at exactly midnight UTC.
function inZone(value: unknown, zone: Zone | string, options: RenderRoot | undefined): DateTime | null {
  const date = parseDateInput(value, { unixSeconds: true });
  if (!date) return null;
  if (isCalendarDateValue(value) && value !== options?.data?.root?.now) {
    return DateTime.fromObject({ year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() }, { zone });
  }
  return DateTime.fromJSDate(date).setZone(zone);
}

// The zone a template names, from data as often as not: an offset ("UTC+5"), else one name per zone
// (lib/time-zone.ts luxonZoneName: luxon keeps every name it is given); none (UTC) when left out
function zoneOf(zone: unknown): Zone | string | null {
  if (typeof zone !== "string" || !zone) return "UTC";
  return FixedOffsetZone.parseSpecifier(zone) ?? luxonZoneName(zone);
}

// The first date formatted in a zone loads the ICU data (tens of ms, more on a busy machine): done
// once here, so that it does not eat a render's time budget (lib/templating/environment.ts).
DateTime.fromSeconds(0).setZone("Europe/Paris").toFormat("yyyy-MM-dd HH:mm");

export type Helper = (...a: unknown[]) => unknown;

/**
 * The hash key under which compile.ts hands {{required}} its value's expression as written: a key no
 * template can type (a space is not allowed in a hash key), so the name cannot be forged or clash.
 */
export const REQUIRED_WRITTEN = "written as";

/**
 * Set (to true) on a render's context object, {{required}} renders an empty value as {{value}} would
 * instead of skipping: Activate's check (lib/delivery/store/check-action.ts) judges the rest of the
 * request, with its user of no attributes, as it judges `{{user.crmId}}`. A symbol: no template reads it.
 */
export const REQUIRED_AS_VALUE = Symbol("hookline.requiredAsValue");

/**
 * Whether {{required}} lets a value through: missing, null, text that is blank once trimmed and an
 * empty list are empty; 0, false and any other number or boolean are values.
 */
export function isPresentValue(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === "string") return value.trim() !== "";
  // SafeStrings (a helper's output: {{required (trim user.x)}}) are judged by their text
  if (typeof value === "object" && typeof (value as { toHTML?: unknown }).toHTML === "function") return String(value).trim() !== "";
  return true;
}

/** Our helpers by name; json and urlencode wrap their output with `marked`. */
export function helperImplementations(marked: Marked): Record<string, Helper> {
  const helpers: Record<string, Helper> = {
    default: (...raw) => {
      const [value, fallback] = args(raw);
      return value === undefined || value === null || value === "" ? fallback : value;
    },
    // the value as it is, like default's (so it is escaped as {{value}} would be), or the render stops: skip this user
    required: (...raw) => {
      const [value, reason] = args(raw);
      if (isPresentValue(value)) return value;
      const options = raw[raw.length - 1] as { hash?: Record<string, unknown>; data?: { root?: Record<symbol, unknown> } } | undefined;
      if (options?.data?.root?.[REQUIRED_AS_VALUE] === true) return value;
      const written = options?.hash?.[REQUIRED_WRITTEN];
      const name = typeof written === "string" && written ? written : "a required value";
      const own = str(reason).trim();
      throw new TemplateSkip(own || `${name} is empty`, typeof written === "string" ? written : undefined);
    },
    upper: (...raw) => str(args(raw)[0]).toUpperCase(),
    lower: (...raw) => str(args(raw)[0]).toLowerCase(),
    trim: (...raw) => str(args(raw)[0]).trim(),
    truncate: (...raw) => {
      const [value, length] = args(raw);
      const n = Math.max(0, Math.floor(Number(length) || 0));
      return Array.from(str(value)).slice(0, n).join("");
    },
    urlencode: (...raw) => marked.urlencoded(encodeURIComponent(wellFormed(str(args(raw)[0])))),
    json: (...raw) => marked.json(JSON.stringify(args(raw)[0] ?? null) ?? "null"),
    date: (...raw) => {
      const [value, format, zone] = args(raw);
      const named = zoneOf(zone);
      if (!named) return "";
      const zoned = inZone(value, named, raw[raw.length - 1] as RenderRoot | undefined);
      if (!zoned?.isValid) return "";
      return typeof format === "string" && format ? zoned.toFormat(format) : zoned.toISO();
    },
    eq: (...raw) => {
      const [a, b] = args(raw);
      return a === b || (a !== undefined && b !== undefined && a !== null && b !== null && String(a) === String(b));
    },
    ne: (...raw) => !helpers.eq(...raw),
    gt: (...raw) => {
      const [a, b] = args(raw);
      return Number(a) > Number(b);
    },
    lt: (...raw) => {
      const [a, b] = args(raw);
      return Number(a) < Number(b);
    },
    and: (...raw) => args(raw).every(Boolean),
    or: (...raw) => args(raw).some(Boolean),
    not: (...raw) => !args(raw)[0],
  };
  return helpers;
}
