// Tracked events -> deliveries. trackEvents stores a batch of events, creates unknown users and
// plans every triggered campaign the events start (store/triggered-campaigns.ts), in one
// transaction (nothing half-written).
import { db } from "../db";
import { bulkInsertSql, type ColumnKind } from "../db/bulk-insert";
import { rawDb, type RawStatement } from "../db/raw";
import { matchesAll } from "../audience/conditions";
import type { TrackedEvent } from "../audience/events";
import { matchesSegment } from "../audience/segment";
import { newUsersStatements, usersById, type UserForPlanning } from "../audience/users";
import { orderedIds } from "../crypto/random-pool";
import { planDeliveries } from "./core/plan";
import { emptyCounts, plannedDeliveryStatements } from "./store/fan-out";
import { triggeredCampaignsByEvent } from "./store/triggered-campaigns";
import { deliveryQueue } from "./engine/queue";

function timeOf(e: TrackedEvent, now: Date): Date {
  if (e.time === undefined) return now;
  return typeof e.time === "number" ? new Date(e.time * 1000) : new Date(e.time);
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
  // time-ordered: the Event table's primary key index grows at its edge (lib/crypto/random-pool.ts)
  const ids = orderedIds("evt_", events.length, 12);
  const rows = events.map((e, i) => ({ id: ids[i]!, userId: e.userId, name: e.event, params: e.params ?? {}, time: timeOf(e, now) }));
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
  if (counts.scheduled) await deliveryQueue().notify({ dueAt: counts.earliest, dueTimes: counts.dueTimes });
  return { accepted: events.length, usersCreated, scheduled: counts.scheduled, suppressed: counts.suppressed };
}
