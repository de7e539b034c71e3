"use client";
// An action's result line ("Retrying 44 failed deliveries.", "Active: 46 deliveries planned.") tells of
// deliveries on their way. It held after they had all gone (next to "Delivered 44", or after all 46
// failed); now it goes once the live counts, read after the action, say nothing waits any more (and
// it has been shown long enough to read), or when dismissed. A line that set nothing on its way ("No
// failed deliveries to retry.", a refusal) stays until dismissed or replaced.
import { useEffect, useState } from "react";

/** What the live counts say: deliveries still waiting (scheduled, sending or retrying), and when they were read (ms). */
export type LiveWaiting = { waiting: number; readAt: number };

/** A line is read before it goes, even when its deliveries are all sent within a second. */
const SHOWN_AT_LEAST_MS = 8000;

type Line<T> = { value: T; shownAt: number; sending: boolean | null };

export function useResultLine<T>(live: LiveWaiting | null) {
  const [line, setLine] = useState<Line<T> | null>(null);
  const afterIt = !!line && !!live && live.readAt > line.shownAt;
  // the first counts read after the action are its own (the action has them read again): something waiting then, the line follows it
  if (line && afterIt && line.sending === null) setLine({ ...line, sending: live!.waiting > 0 });
  const done = !!line?.sending && afterIt && live!.waiting === 0;
  useEffect(() => {
    if (!done || !line) return;
    const timer = setTimeout(() => setLine((now) => (now === line ? null : now)), Math.max(0, line.shownAt + SHOWN_AT_LEAST_MS - Date.now()));
    return () => clearTimeout(timer);
  }, [done, line]);
  // a refusal or error ({ ok: false }) set nothing on its way: it never follows the counts (other deliveries draining would take it).
  // `onItsWay`: the action says whether it set deliveries on their way. Without it the first read after
  // the line decides, and deliveries all sent before that read (a retry answered at once, the log read
  // late on a loaded machine) left "Retrying 1 failed delivery." standing beside "Failed 1" for good.
  const show = (value: T | null, onItsWay?: boolean) =>
    setLine(value === null ? null : { value, shownAt: Date.now(), sending: refused(value) ? false : (onItsWay ?? null) });
  return [line?.value ?? null, show] as const;
}

function refused(value: unknown): boolean {
  return typeof value === "object" && value !== null && (value as { ok?: unknown }).ok === false;
}
