// "5 minutes ago", "yesterday", "il y a 5 minutes": a past instant relative to now, in a locale
// (undefined: the runtime's own, which in the browser is the member's).
const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 86_400_000],
  ["month", 30 * 86_400_000],
  ["week", 7 * 86_400_000],
  ["day", 86_400_000],
  ["hour", 3_600_000],
  ["minute", 60_000],
];

export function timeAgo(date: Date, now: Date = new Date(), locale?: string): string {
  const elapsed = now.getTime() - date.getTime();
  const format = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
  if (elapsed < 45_000) return format.format(0, "second");
  for (const [unit, ms] of units) {
    if (elapsed >= ms) return format.format(-Math.floor(elapsed / ms), unit);
  }
  return format.format(-1, "minute");
}
