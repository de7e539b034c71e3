// The Delivery section's start and end inputs (`datetime-local`): a wall-clock time in a time zone the
// marketer chooses on the form (their browser's by default), stored as the UTC instant it names. A
// stored instant comes back into the input with its seconds (and milliseconds) when it has them, so
// that saving the section without touching the field writes the same instant: a start set through the
// API at 09:00:30 must not become 09:00:00 because someone changed the audience.
import { DateTime } from "luxon";
import { luxonZoneName } from "../../time-zone";
import { localInstantOrNull } from "../core/schedule-time";

function zoneOf(zone: string): string {
  return luxonZoneName(zone) ?? "UTC";
}

/**
 * The instant as the input shows it in `zone`: "2027-03-01T09:00:30.000Z" in UTC is "2027-03-01T09:00:30",
 * in Europe/Paris "2027-03-01T10:00:30"; "…T09:00:00.000Z" is "…T09:00"; null is "". The shortest form,
 * as the browser writes a `datetime-local` value itself (".250" is ".25").
 */
export function zonedInputValue(iso: string | null | undefined, zone = "UTC"): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  const local = DateTime.fromJSDate(d, { zone: zoneOf(zone) });
  const full = local.toFormat("yyyy-LL-dd'T'HH:mm:ss.SSS");
  if (full.endsWith(":00.000")) return full.slice(0, 16);
  if (full.endsWith(".000")) return full.slice(0, 19);
  return full.replace(/0+$/, "");
}

/**
 * The input's value, a wall-clock time in `zone`, as an ISO instant in UTC ("" stays "": no date;
 * a value that is no date stays as it is, for the server to refuse). Read as "Send at" is
 * (localInstantOrNull): a time the clocks skip (02:30 on the night they go forward) is the same time
 * after the change; one they repeat, the first (summer time), whatever the date the page runs on.
 */
export function instantFromZonedInput(value: string, zone = "UTC"): string {
  if (!value) return "";
  const at = localInstantOrNull(value, zoneOf(zone));
  return at ? DateTime.fromJSDate(at, { zone: "UTC" }).toISO({ suppressMilliseconds: true })! : value;
}

/** The same instant, as the input shows it once its zone changes from `from` to `to`. */
export function rezonedInputValue(value: string, from: string, to: string): string {
  if (!value) return "";
  const instant = instantFromZonedInput(value, from);
  return Number.isNaN(new Date(instant).getTime()) ? value : zonedInputValue(instant, to);
}

/** The input's `step` (for any `datetime-local` value): seconds when the value has them, else the browser flags the value as off its step. */
export function utcInputStep(value: string): number | undefined {
  if (value.length > 19) return 0.001;
  if (value.length > 16) return 1;
  return undefined;
}
