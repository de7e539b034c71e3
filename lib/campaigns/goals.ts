// A campaign's conversion goal: the event that counts as a conversion and the window after a user's
// first delivered webhook (control users: after their assignment) it must come within. One schema
// for the goal form, its server action, the campaign draft and the public API. Client-safe (zod only).
import { z } from "zod";
import { numberInput, type NumberSource } from "./number-input";
import { isStorableText } from "../db/storable-text";
import { plural } from "../text/plural";

export const MIN_GOAL_WINDOW_HOURS = 1;
/** 30 days */
export const MAX_GOAL_WINDOW_HOURS = 720;
const DEFAULT_GOAL_WINDOW_HOURS = 168;
const MAX_GOAL_EVENT_LENGTH = 200;

/** The goal event's name (as events are tracked: 1..200 characters), or null for no goal. */
export const goalEventSchema = z
  .string()
  .trim()
  .max(MAX_GOAL_EVENT_LENGTH, `An event name can be at most ${MAX_GOAL_EVENT_LENGTH} characters`)
  .refine(isStorableText, "An event name cannot contain the NUL character (U+0000) or a lone surrogate")
  // an empty name is "no goal": the form's cleared input and the API's "" mean the same as null
  .transform((v) => (v === "" ? null : v))
  .nullable()
  .meta({ description: "The event that counts as a conversion (as tracked with POST /api/v1/events); null for no goal" });

export const goalWindowHoursSchemaFor = (source: NumberSource) =>
  numberInput(source, "Enter a number of hours")
    .int("Enter whole hours")
    .min(MIN_GOAL_WINDOW_HOURS, "The window is at least 1 hour")
    .max(MAX_GOAL_WINDOW_HOURS, "The window is at most 720 hours (30 days)")
    .meta({ description: "Hours after a user's first delivered webhook (control users: after their assignment) the goal event counts, 1..720" });
/** The goal form's (hours as typed) */
const goalWindowHoursSchema = goalWindowHoursSchemaFor("typed");

export const goalSettingsSchema = z.object({
  goalEvent: goalEventSchema,
  goalWindowHours: goalWindowHoursSchema.default(DEFAULT_GOAL_WINDOW_HOURS),
});

export type GoalSettingsInput = z.input<typeof goalSettingsSchema>;
export type GoalSettings = z.output<typeof goalSettingsSchema>;

/** "7 days", "36 hours", "1 hour": a window as the page says it. */
export function describeWindow(hours: number): string {
  return hours % 24 === 0 ? plural(hours / 24, "day", "days") : plural(hours, "hour", "hours");
}
