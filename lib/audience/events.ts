// Tracked events: stored, unknown users created on the fly, and every matching triggered campaign
// planned for that user, all in one transaction (nothing half-written).
import { z } from "zod";
import { db } from "../db";
import { boundedJsonObject } from "../api/schemas/json";
import { matchesAll } from "./conditions";
import { matchesSegment } from "./segment";
import { triggeredCampaignsByEvent } from "../delivery/triggers";
import { newUsersStatements, usersById, type UserForPlanning } from "./users";
import { rawDb, type RawStatement } from "../db/raw";
import { bulkInsertSql, type ColumnKind } from "../db/bulk-insert";
import { randomSlice } from "../delivery/core/ids";
import { emptyCounts, plannedDeliveryStatements } from "../delivery/store/fan-out";
import { planDeliveries } from "../delivery/core/plan";
import { deliveryQueue } from "../delivery/engine/queue";

export const MAX_EVENTS_PER_REQUEST = 1000;

export const MAX_PARAMS_DEPTH = 32;
export const MAX_PARAMS_BYTES = 64 * 1024;
/** Event times from 2000-01-01 to a year ahead: anything else is a unit mistake (ms for s) or garbage. */
export const EARLIEST_EVENT_TIME = Date.UTC(2000, 0, 1);
export const LATEST_EVENT_AHEAD_MS = 366 * 24 * 3600 * 1000;

function inEventRange(ms: number): boolean {
  return Number.isFinite(ms) && ms >= EARLIEST_EVENT_TIME && ms <= Date.now() + LATEST_EVENT_AHEAD_MS;
}
const OUT_OF_RANGE = "Must be between 2000-01-01 and one year from now (Unix seconds, not milliseconds)";

const eventTime = z
  .union([z.iso.datetime({ offset: true, message: "Use ISO-8601 with a time zone, or Unix seconds" }), z.number().finite().nonnegative("Use Unix seconds")])
  .refine((t) => inEventRange(typeof t === "number" ? t * 1000 : Date.parse(t)), OUT_OF_RANGE);

export const trackedEventSchema = z
  .object({
    userId: z.string({ error: "Required: the user's id" }).trim().min(1, "Required: the user's id").max(200),
    event: z.string({ error: "Required: the event name" }).trim().min(1, "Required: the event name").max(200),
    params: boundedJsonObject({ maxDepth: MAX_PARAMS_DEPTH, maxBytes: MAX_PARAMS_BYTES, what: "parameters" }).optional(),
    time: eventTime.optional(),
  })
  .strict();
export type TrackedEvent = z.infer<typeof trackedEventSchema>;

const batchSchema = z
  .object({ events: z.array(trackedEventSchema).min(1, "Send at least one event").max(MAX_EVENTS_PER_REQUEST, `At most ${MAX_EVENTS_PER_REQUEST} events per request`) })
  .strict();

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

function timeOf(e: TrackedEvent, now: Date): Date {
  if (e.time === undefined) return now;
  return typeof e.time === "number" ? new Date(e.time * 1000) : new Date(e.time);
}

function newEventId() {
  return `evt_${randomSlice(12).toString("base64url")}`;
}

const EVENT_COLUMNS: [string, ColumnKind][] = [["id", "text"], ["userId", "text"], ["name", "text"], ["params", "json"], ["time", "date"], ["createdAt", "date"]];

export type TrackResult = { accepted: number; usersCreated: number; scheduled: number; suppressed: number };

/**
 * Stores the events, creates unknown users and plans every matching triggered campaign, written in
 * one transaction. Raw SQL on the database's own handle throughout: through Prisma a batch of 100
 * spent most of its time in the query compiler.
 *
 * Users are read before the transaction. One created meanwhile by another request was read as
 * missing, i.e. planned with no attributes, as if this batch had come first and created it: the
 * insert leaves their row alone and does not count it as created here.
 */
export async function trackEvents(events: TrackedEvent[], now = new Date()): Promise<TrackResult> {
  const prisma = db();
  const triggers = await triggeredCampaignsByEvent(prisma);
  const rows = events.map((e) => ({ id: newEventId(), userId: e.userId, name: e.event, params: e.params ?? {}, time: timeOf(e, now) }));
  const matching = rows.filter((r) => triggers.has(r.name));
  const users = matching.length ? await usersById(prisma, [...new Set(matching.map((r) => r.userId))]) : new Map<string, UserForPlanning>();
  const counts = emptyCounts();
  const deliveries: RawStatement[] = [];
  for (const { campaign, rule, segment, actions } of [...new Set(matching.map((r) => r.name))].flatMap((name) => triggers.get(name)!)) {
    const planned = matching.flatMap((row) => {
      if (row.name !== rule.event || !matchesAll(row.params, rule.conditions)) return [];
      const user = users.get(row.userId) ?? { id: row.userId, email: null, timezone: null, attributes: {} };
      if (!matchesSegment(user, segment)) return [];
      const trigger = { kind: "event" as const, eventId: row.id, name: row.name, params: row.params, time: row.time };
      return planDeliveries({ rule, actions, users: [user], trigger, now, campaign });
    });
    deliveries.push(...plannedDeliveryStatements(campaign.id, planned, counts));
  }
  // rows are stamped with the real time, as Prisma's defaults did; `now` is the planning clock
  const writtenAt = new Date();
  const newUsers = newUsersStatements(rows.map((r) => r.userId), writtenAt);
  const eventInserts: RawStatement[] = [];
  for (let i = 0; i < rows.length; i += 1000) {
    eventInserts.push(bulkInsertSql("Event", EVENT_COLUMNS, rows.slice(i, i + 1000).map((r) => [r.id, r.userId, r.name, r.params, r.time, writtenAt])));
  }
  const changed = await rawDb(prisma).transaction([...newUsers, ...eventInserts, ...deliveries]);
  const usersCreated = changed.slice(0, newUsers.length).reduce((a, b) => a + b, 0);
  if (counts.scheduled) await deliveryQueue().notify({ dueAt: counts.earliest, due: counts.due });
  return { accepted: events.length, usersCreated, scheduled: counts.scheduled, suppressed: counts.suppressed };
}
