// The words of a next send (the Delivery section's note and the campaign list say the same): in each
// user's zone its date and wall-clock time, the same in every user's zone, with the instant its first
// (or, once earlier zones were sent, its next) users get it; that instant is a DateTime's (the reader's zone), so it is a part of its own.
import { DateTime } from "luxon";

/** "Mon 7 Dec, 09:00 in each user's time zone" for { date: "2026-12-07", time: "09:00" }. */
export function userZoneSendWords(local: { date: string; time: string }): string {
  const day = DateTime.fromISO(local.date);
  return `${day.isValid ? day.setLocale("en-GB").toFormat("ccc d LLL") : local.date}, ${local.time} in each user's time zone`;
}

/** Text, and instants ({ instant: ISO }) shown in the reader's zone. */
export type NextSendPart = string | { instant: string };

/**
 * A next send (store/next-send.ts NextSend, its `at` as `iso`) in words. In each user's zone the day
 * and time alone read as a past time to a reader whose own 09:00 has gone while users west of them
 * still wait ("Sun 6 Dec, 09:00" at 17:55 in Paris): the instant it starts is always said with it.
 */
export function nextSendWords(next: { iso: string; local: { date: string; time: string } | null; exact: boolean; begun: boolean }): NextSendPart[] {
  if (!next.local) return [{ instant: next.iso }];
  const words = userZoneSendWords(next.local);
  // exact: a planned delivery's due time; else only the earliest instant any zone reaches it. begun:
  // earlier zones of that run were sent already, so the earliest still waiting are its next users
  if (next.exact) return [`${words} (${next.begun ? "next" : "first"} users at `, { instant: next.iso }, ")"];
  return [`${words} (from `, { instant: next.iso }, ", as the earliest time zones reach it)"];
}
