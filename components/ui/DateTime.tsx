"use client";
// Every date the app shows goes through here: one format, in the member's own locale and time zone
// (the browser's), with the exact UTC time on hover. The server knows neither, so the first paint
// (and the hydration that follows it) shows UTC and the browser then shows local time.
// "relative" ("5 minutes ago") is worded by Intl.RelativeTimeFormat in the browser's locale.
import { useSyncExternalStore, type ReactNode } from "react";
import { timeAgo } from "@/lib/text/relative-time";

// "seconds": a date and time to the second, for logs, where two instants a few seconds apart must not
// read the same (the delivery log's Planned, the attempts, the next attempt).
type Style = "datetime" | "seconds" | "date" | "time" | "relative";

const OPTIONS: Record<Exclude<Style, "relative">, Intl.DateTimeFormatOptions> = {
  datetime: { dateStyle: "medium", timeStyle: "short" },
  seconds: { dateStyle: "medium", timeStyle: "medium" },
  date: { dateStyle: "medium" },
  time: { timeStyle: "medium" },
};

/** "2026-12-02 09:15:30 UTC": what the title shows, and the server's rendering. */
export function utcText(date: Date): string {
  return `${date.toISOString().replace("T", " ").slice(0, 19)} UTC`;
}

/** The member's rendering: locale and time zone of the browser (undefined: the runtime's own). */
export function localText(date: Date, style: Style = "datetime", locale?: string, timeZone?: string): string {
  if (style === "relative") return timeAgo(date, new Date(), locale);
  return new Intl.DateTimeFormat(locale, { ...OPTIONS[style], timeZone }).format(date);
}

const noSubscription = () => () => {};

/** The browser's time zone, the member's: every date on the page is shown in it (after hydration). */
function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

/**
 * The zone the page's dates read in: "UTC" on the server and at hydration (as DateTime's first text),
 * then the browser's own. For labels that name it ("Planned (Europe/Paris)"), and for the charts.
 */
export function useShownTimeZone(): string {
  const inBrowser = useSyncExternalStore(noSubscription, () => true, () => false);
  return inBrowser ? browserTimeZone() : "UTC";
}

export function DateTime({ value, style = "datetime", className, children }: { value: string | Date; style?: Style; className?: string; children?: ReactNode }) {
  const inBrowser = useSyncExternalStore(noSubscription, () => true, () => false);
  const date = typeof value === "string" ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) return <span className={className}>{String(value)}</span>;
  const utc = utcText(date);
  const text = inBrowser ? localText(date, style) : style === "date" ? utc.slice(0, 10) : utc;
  return (
    <time dateTime={date.toISOString()} title={utc} className={className}>
      {children}
      {text}
    </time>
  );
}
