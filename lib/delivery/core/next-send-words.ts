// The words of a next send in each user's zone (the Delivery section and the campaign list): its date
// and wall-clock time, the same in every user's zone; the instant of its first user is a DateTime's.
import { DateTime } from "luxon";

/** "Mon 7 Dec, 09:00 in each user's time zone" for { date: "2026-12-07", time: "09:00" }. */
export function userZoneSendWords(local: { date: string; time: string }): string {
  const day = DateTime.fromISO(local.date);
  return `${day.isValid ? day.setLocale("en-GB").toFormat("ccc d LLL") : local.date}, ${local.time} in each user's time zone`;
}
