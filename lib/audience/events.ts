// Tracked events: stored, unknown users created on the fly, and every matching triggered campaign
// planned for that user, all in one transaction (nothing half-written).
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { db } from "../db";
import type { Prisma } from "../db/generated/sqlite/client";
import { matchesAll } from "./conditions";
import { matchesSegment, parseSegment } from "./segment";
import { emptyCounts, insertPlanned, LONG_TRANSACTION } from "../delivery/fan-out";
import { planDeliveries } from "../delivery/plan";
import { deliveryQueue } from "../delivery/queue";
import { parseDeliveryRule, parseSubDelivery } from "../delivery/rules";

export const MAX_EVENTS_PER_REQUEST = 1000;

const eventTime = z.union([
  z.iso.datetime({ offset: true, message: "Use ISO-8601 with a time zone, or Unix seconds" }),
  z.number().finite().nonnegative("Use Unix seconds"),
]);

export const trackedEventSchema = z
  .object({
    userId: z.string({ error: "Required: the user's id" }).trim().min(1, "Required: the user's id").max(200),
    event: z.string({ error: "Required: the event name" }).trim().min(1, "Required: the event name").max(200),
    params: z.record(z.string().max(200), z.unknown(), { error: "Must be an object of parameters" }).optional(),
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
  return `evt_${randomBytes(12).toString("base64url")}`;
}

export type TrackResult = { accepted: number; usersCreated: number; scheduled: number; suppressed: number };

export async function trackEvents(events: TrackedEvent[], now = new Date()): Promise<TrackResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await trackOnce(events, now);
    } catch (err) {
      // Two requests creating the same new user at once: the second retries and finds it.
      if ((err as { code?: string }).code === "P2002" && attempt < 3) continue;
      throw err;
    }
  }
}

async function trackOnce(events: TrackedEvent[], now: Date): Promise<TrackResult> {
  const campaigns = await db().campaign.findMany({
    where: { status: "active" },
    include: { actions: { orderBy: { position: "asc" }, select: { id: true, subDelivery: true } } },
  });
  const triggered = campaigns.flatMap((c) => {
    try {
      const rule = parseDeliveryRule(c.deliveryRule);
      return rule.when === "triggered" ? [{ campaign: c, rule, segment: parseSegment(c.audience) }] : [];
    } catch {
      return [];
    }
  });
  const counts = emptyCounts();
  let usersCreated = 0;
  await db().$transaction(async (tx) => {
    const userIds = [...new Set(events.map((e) => e.userId))];
    const existing = await tx.user.findMany({ where: { id: { in: userIds } }, select: { id: true, email: true, timezone: true, attributes: true } });
    const users = new Map(existing.map((u) => [u.id, u]));
    const missing = userIds.filter((id) => !users.has(id));
    if (missing.length) {
      await tx.user.createMany({ data: missing.map((id) => ({ id, attributes: {} })) });
      for (const id of missing) users.set(id, { id, email: null, timezone: null, attributes: {} });
      usersCreated = missing.length;
    }
    const rows = events.map((e) => ({ id: newEventId(), userId: e.userId, name: e.event, params: (e.params ?? {}) as Prisma.InputJsonValue, time: timeOf(e, now) }));
    await tx.event.createMany({ data: rows });
    for (const { campaign, rule, segment } of triggered) {
      if (rule.when !== "triggered") continue;
      const actions = campaign.actions.map((a) => ({ id: a.id, subDelivery: parseSubDelivery(a.subDelivery) }));
      const planned = rows.flatMap((row) => {
        if (row.name !== rule.event) return [];
        const params = row.params as Record<string, unknown>;
        if (!matchesAll(params, rule.conditions)) return [];
        const user = users.get(row.userId)!;
        if (!matchesSegment(user, segment)) return [];
        return planDeliveries({
          rule,
          actions,
          users: [user],
          trigger: { kind: "event", eventId: row.id, name: row.name, params, time: row.time },
          now,
          campaign,
        });
      });
      if (planned.length) await insertPlanned(tx, campaign.id, planned, counts);
    }
  }, LONG_TRANSACTION);
  if (counts.scheduled) await deliveryQueue().notify({ dueAt: counts.earliest, due: counts.due });
  return { accepted: events.length, usersCreated, scheduled: counts.scheduled, suppressed: counts.suppressed };
}
