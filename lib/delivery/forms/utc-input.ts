// The Delivery section's start and end inputs (`datetime-local`) hold UTC wall-clock times. A stored
// instant comes back into the input with its seconds (and milliseconds) when it has them, so that
// saving the section without touching the field writes the same instant: a start set through the
// API at 09:00:30 must not become 09:00:00 because someone changed the audience.

/**
 * "2027-03-01T09:00:30.000Z" -> "2027-03-01T09:00:30"; "…T09:00:00.000Z" -> "…T09:00"; null -> "".
 * The shortest form, as the browser writes a `datetime-local` value itself (".250" is ".25").
 */
export function utcInputValue(iso: string | null | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  const full = d.toISOString().slice(0, 23); // YYYY-MM-DDTHH:MM:SS.mmm
  if (full.endsWith(":00.000")) return full.slice(0, 16);
  if (full.endsWith(".000")) return full.slice(0, 19);
  return full.replace(/0+$/, "");
}

/** The input's value as an ISO instant in UTC ("" stays "": no date). */
export function utcFromInput(value: string): string {
  if (!value) return "";
  return value.length === 16 ? `${value}:00Z` : `${value}Z`;
}

/** The input's `step` (for any `datetime-local` value): seconds when the value has them, else the browser flags the value as off its step. */
export function utcInputStep(value: string): number | undefined {
  if (value.length > 19) return 0.001;
  if (value.length > 16) return 1;
  return undefined;
}
