"use client";
// The datalist behind every "Time zone" input: every IANA zone this browser knows, its own zone
// first, so typing filters the list. Filled in after hydration: the server knows neither the
// browser's zone nor exactly the same zone list.
import { useSyncExternalStore } from "react";

export const TIME_ZONE_LIST_ID = "hookline-time-zones";

/** The browser's own zone, then UTC, then every other zone the runtime supports, once each. */
export function timeZoneChoices(own: string | undefined, supported: readonly string[]): string[] {
  return [...new Set([own, "UTC", ...supported].filter((z): z is string => !!z))];
}

let cached: string[] | null = null;
function browserChoices(): string[] {
  cached ??= timeZoneChoices(
    Intl.DateTimeFormat().resolvedOptions().timeZone,
    typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [],
  );
  return cached;
}
const none: string[] = [];
const subscribe = () => () => {};

export function useTimeZoneChoices(): string[] {
  return useSyncExternalStore(subscribe, browserChoices, () => none);
}

export function TimeZoneList() {
  const zones = useTimeZoneChoices();
  return (
    <datalist id={TIME_ZONE_LIST_ID}>
      {zones.map((z) => (
        <option key={z} value={z} />
      ))}
    </datalist>
  );
}
