// A tracked event as the API accepts it (one or a batch). Storing events and planning the triggered
// campaigns they start is lib/delivery/triggers.ts (trackEvents).
import { z } from "zod";
import { boundedJsonObject } from "../api/schemas/json";
import { requiredText } from "../api/schemas/users";
import { parseDateInput } from "../date-input";

const MAX_EVENTS_PER_REQUEST = 1000;

export const MAX_PARAMS_DEPTH = 32;
const MAX_PARAMS_BYTES = 64 * 1024;
/**
 * Event times from 2000-01-01 to 5 minutes ahead: earlier is a unit mistake (ms for s) or garbage; an
 * event has happened, so a time ahead is a sender's clock running fast: within EVENT_CLOCK_SKEW_MS it
 * is stored as received (lib/delivery/triggers.ts), further it is refused (a year ahead was taken, and
 * counted as a goal conversion before it happened).
 */
const EARLIEST_EVENT_TIME = Date.UTC(2000, 0, 1);
export const EVENT_CLOCK_SKEW_MS = 5 * 60_000;

function inEventRange(ms: number): boolean {
  return Number.isFinite(ms) && ms >= EARLIEST_EVENT_TIME && ms <= Date.now() + EVENT_CLOCK_SKEW_MS;
}
const OUT_OF_RANGE = "Must be between 2000-01-01 and 5 minutes from now (Unix seconds, not milliseconds)";

const eventTime = z
  .union([
    z.iso.datetime({ offset: true, message: "Use ISO-8601 with a time zone (2026-12-05T09:30:00Z), or Unix seconds as a number" }),
    z.number().finite().nonnegative("Use Unix seconds"),
  ])
  // only for a time that parsed: "yesterday" or "1796448000" (a string) would otherwise also be told
  // it is out of range, in seconds not milliseconds, which it is not
  .refine((t) => inEventRange(parseDateInput(t, { unixSeconds: true })?.getTime() ?? NaN), { message: OUT_OF_RANGE, when: (payload) => payload.issues.length === 0 });

const trackedEventSchema = z
  .object({
    userId: z.string(requiredText("the user's id")).trim().min(1, "Required: the user's id").max(200),
    event: z.string(requiredText("the event name")).trim().min(1, "Required: the event name").max(200),
    params: boundedJsonObject({ maxDepth: MAX_PARAMS_DEPTH, maxBytes: MAX_PARAMS_BYTES, what: "parameters" })
      .optional()
      .meta({ description: `The event's parameters: at most ${MAX_PARAMS_DEPTH} levels deep and ${MAX_PARAMS_BYTES / 1024} KiB as JSON` }),
    time: eventTime.optional().meta({ description: "ISO-8601 with a zone, or Unix seconds; between 2000-01-01 and 5 minutes from now (a time ahead, clock skew, is stored as the time received); default now" }),
    /** the client's own id: an event with an id tracked before is ignored (a retried request plans nothing twice) */
    id: z
      .string()
      .trim()
      .min(1, "An event id cannot be empty")
      .max(200)
      .optional()
      .meta({ description: "Your own id for the event (1-200 characters, unique across all events). An event whose id was tracked before, or appears earlier in the same request, is ignored and counted in `duplicates`: a request retried after a timeout triggers nothing twice" }),
  })
  // an unknown key ("name" for "event") is a 400
  .strict()
  .meta({ id: "EventInput" });
export type TrackedEvent = z.infer<typeof trackedEventSchema>;

const batchSchema = z
  .object({ events: z.array(trackedEventSchema).min(1, "Send at least one event").max(MAX_EVENTS_PER_REQUEST, `At most ${MAX_EVENTS_PER_REQUEST} events per request`) })
  .strict();

/** For the OpenAPI document: what eventsBodySchema accepts. */
export const eventsBodyDocSchema = z.union([trackedEventSchema, batchSchema]);

/** `{ userId, event, ... }` or `{ events: [...] }`, read as a list; errors keep their own paths. */
export const eventsBodySchema = z.unknown().transform((input, ctx): TrackedEvent[] => {
  const isBatch = !!input && typeof input === "object" && !Array.isArray(input) && "events" in input;
  const parsed = isBatch ? batchSchema.safeParse(input) : trackedEventSchema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) ctx.addIssue({ code: "custom", message: issue.message, path: issue.path as (string | number)[] });
    return z.NEVER;
  }
  return "events" in parsed.data ? parsed.data.events : [parsed.data as TrackedEvent];
});
