// When a campaign sends (DeliveryRule, stored in Campaign.deliveryRule) and when each action
// sends relative to that (SubDelivery, stored in Action.subDelivery). Read with the parse
// functions here; nothing else interprets the stored JSON.
import { z } from "zod";
import { conditionSchema } from "../../audience/conditions";
import { DateTime } from "luxon";
import { canonicalTimezone, isValidTimezone } from "../../time-zone";

const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "Use HH:MM, 24-hour");
const ianaZone = z.string().refine(isValidTimezone, "Not a known time zone (use an IANA name such as Europe/Paris)").overwrite(canonicalTimezone);

// a recurring rule's "Ends after N runs", said at the field (declared before the schema that uses them)
export const RUNS_WHOLE = "A whole number of runs, 1 or more";
export const RUNS_AT_MOST = "At most 100,000 runs";

const quietHoursSchema = z.object({ start: timeOfDay, end: timeOfDay }).strict();
export type QuietHours = z.infer<typeof quietHoursSchema>;

const common = {
  /** held sends go out when quiet hours end, in each user's time zone */
  quietHours: quietHoursSchema.nullish(),
};

export const deliveryRuleSchema = z.discriminatedUnion("when", [
  z.object({ when: z.literal("immediate"), ...common }).strict(),
  z
    .object({
      when: z.literal("scheduled"),
      /** local date and time, "2026-12-01T09:00" */
      sendAt: z
        .string()
        .min(1, { message: "Choose a date and time", abort: true })
        // the API's callers send instants elsewhere ("2026-12-10T09:00:00Z"): here the zone is timeZone's
        .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/, "Use a local date and time without a zone, such as 2026-12-10T09:00 (timeZone says where)")
        // "2027-02-30T09:00" has the shape but no instant: planning it would throw at activation
        .refine((v) => DateTime.fromISO(v).isValid, "Not a date and time on the calendar"),
      timeZone: ianaZone,
      /** send at sendAt in each user's own zone (falling back to timeZone) */
      inUserTimeZone: z.boolean().default(false),
      /** for users whose local time has passed when the campaign starts */
      whenPassed: z.enum(["sendNow", "skip"]).default("sendNow"),
      ...common,
    })
    .strict(),
  z
    .object({
      when: z.literal("triggered"),
      event: z.string().trim().min(1, "Enter the event name").max(200),
      conditions: z.array(conditionSchema).max(20).default([]),
      ...common,
    })
    .strict(),
  z
    .object({
      when: z.literal("recurring"),
      frequency: z.enum(["daily", "weekly", "cron"]),
      time: timeOfDay.default("09:00"),
      /** 0 = Sunday ... 6 = Saturday, for weekly */
      weekdays: z.array(z.number().int().min(0).max(6)).max(7, "A week has seven days").default([]),
      cron: z.string().trim().max(200).optional(),
      timeZone: ianaZone,
      /** each occurrence at `time` on its date in each user's own zone (falling back to timeZone) */
      inUserTimeZone: z.boolean().default(false),
      endsOn: z
        .string()
        .regex(/^\d{4}-\d{2}-\d{2}/, "Choose a date")
        // no such day ("2027-02-30") made an end that never came: the rule ran on forever
        .refine((v) => DateTime.fromISO(v.slice(0, 10)).isValid, "Not a date on the calendar")
        .nullish(),
      maxOccurrences: z
        .number({ error: RUNS_WHOLE })
        .int({ error: RUNS_WHOLE })
        .min(1, { error: RUNS_WHOLE })
        .max(100000, { error: RUNS_AT_MOST })
        .nullish(),
      ...common,
    })
    .strict()
    .superRefine((rule, ctx) => {
      if (rule.frequency === "weekly" && rule.weekdays.length === 0)
        ctx.addIssue({ code: "custom", path: ["weekdays"], message: "Choose at least one weekday" });
      if (rule.frequency === "cron" && !rule.cron) ctx.addIssue({ code: "custom", path: ["cron"], message: "Enter a cron expression" });
      // a cron expression may fire several times a day, so "its time on that date in each zone" has no single meaning
      if (rule.frequency === "cron" && rule.inUserTimeZone)
        ctx.addIssue({ code: "custom", path: ["inUserTimeZone"], message: "Each user's time zone works with daily or weekly repeats, not with a cron expression" });
    }),
]);
export type DeliveryRule = z.infer<typeof deliveryRuleSchema>;

// The Delivery section's own words for what it refuses, said at the field (zod's "expected int,
// received number" means nothing to a marketer); the API answers the same.
/** a webhook's delay, typed in seconds, minutes, hours or days (sent as whole seconds) */
export const DELAY_WHOLE_NOT_NEGATIVE = "The delay is a whole number of seconds, minutes, hours or days, 0 or more";
/** a time relative to an event parameter or attribute may be before it (negative), but whole */
export const OFFSET_WHOLE = "The time before or after is a whole number of seconds, minutes, hours or days";
export const DELAY_AT_MOST = "The delay is at most 366 days";
export const RATE_LIMIT_WHOLE = "A whole number of requests per second, 1 or more";
export const RATE_LIMIT_AT_MOST = "At most 100,000 requests per second";
const MAX_DELAY_SECONDS = 366 * 86400;

export const subDeliverySchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("immediate") }).strict(),
  z
    .object({
      kind: z.literal("delay"),
      seconds: z.number({ error: DELAY_WHOLE_NOT_NEGATIVE }).int({ error: DELAY_WHOLE_NOT_NEGATIVE }).min(0, { error: DELAY_WHOLE_NOT_NEGATIVE }).max(MAX_DELAY_SECONDS, { error: DELAY_AT_MOST }),
    })
    .strict(),
  z
    .object({
      kind: z.literal("relative"),
      /** where the time comes from: an event parameter or a user attribute (Unix seconds or a date, UTC unless it carries an offset: lib/date-input.ts) */
      source: z.enum(["event", "user"]),
      key: z.string().trim().min(1, "Name the parameter or attribute"),
      /** negative = before that time */
      offsetSeconds: z
        .number({ error: OFFSET_WHOLE })
        .int({ error: OFFSET_WHOLE })
        .min(-MAX_DELAY_SECONDS, { error: DELAY_AT_MOST })
        .max(MAX_DELAY_SECONDS, { error: DELAY_AT_MOST }),
    })
    .strict(),
]);
export type SubDelivery = z.infer<typeof subDeliverySchema>;

export function parseDeliveryRule(raw: unknown): DeliveryRule {
  const parsed = deliveryRuleSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Delivery rule: ${issue ? `${issue.path.join(".") || "when"}: ${issue.message}` : "invalid"}`);
  }
  return parsed.data;
}

export function parseSubDelivery(raw: unknown): SubDelivery {
  if (raw === null || raw === undefined) return { kind: "immediate" };
  const parsed = subDeliverySchema.safeParse(raw);
  return parsed.success ? parsed.data : { kind: "immediate" };
}
