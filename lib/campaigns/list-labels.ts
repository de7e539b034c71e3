// How the campaign list words things: "Draft", "edited 5 minutes ago".
export type StatusTone = "slate" | "green" | "amber" | "red" | "indigo";

export const STATUS_LABELS: Record<string, { label: string; tone: StatusTone }> = {
  draft: { label: "Draft", tone: "slate" },
  active: { label: "Active", tone: "green" },
  paused: { label: "Paused", tone: "amber" },
  finished: { label: "Finished", tone: "indigo" },
};

export function statusLabel(status: string) {
  return STATUS_LABELS[status] ?? { label: status, tone: "slate" as const };
}

const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 86_400_000],
  ["month", 30 * 86_400_000],
  ["week", 7 * 86_400_000],
  ["day", 86_400_000],
  ["hour", 3_600_000],
  ["minute", 60_000],
];

/** "just now", "5 minutes ago", "yesterday". */
export function timeAgo(date: Date, now = new Date()): string {
  const elapsed = now.getTime() - date.getTime();
  if (elapsed < 45_000) return "just now";
  const format = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
  for (const [unit, ms] of units) {
    if (elapsed >= ms) return format.format(-Math.floor(elapsed / ms), unit);
  }
  return format.format(-1, "minute");
}
