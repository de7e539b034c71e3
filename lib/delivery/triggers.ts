// Tracked events -> deliveries. trackEvents stores a batch of events, creates unknown users and
// plans every triggered campaign the events start, in one transaction (nothing half-written).
// Which active triggered campaigns an event name starts is read for every batch: loading and
// parsing them (campaigns, actions, rules, segments) is kept per process and reused while a
// one-statement fingerprint of the active campaigns (ids, updatedAt, their actions' count and
// latest updatedAt) is unchanged; any activation, pause, finish or edit, from any process, changes
// it. Both are raw SQL on the database's own handle (lib/db/raw.ts): a Prisma query costs its
// compiler on the event loop.
import { db, type Db } from "../db";
import { bulkInsertSql, tableName, type ColumnKind } from "../db/bulk-insert";
import { rawDb, type RawStatement } from "../db/raw";
import { jsonOf, nullableDateOf } from "../db/raw-sql";
import { matchesAll } from "../audience/conditions";
import type { TrackedEvent } from "../audience/events";
import { matchesSegment, parseSegment, type Segment } from "../audience/segment";
import { newUsersStatements, usersById, type UserForPlanning } from "../audience/users";
import { randomSlice } from "../crypto/random-pool";
import { planDeliveries, type PlanAction } from "./core/plan";
import { parseDeliveryRule, parseSubDelivery, type DeliveryRule } from "./core/rules";
import { emptyCounts, plannedDeliveryStatements } from "./store/fan-out";
import { deliveryQueue } from "./engine/queue";

type TriggeredCampaign = {
  campaign: { id: string; startAt: Date | null; endAt: Date | null };
  rule: Extract<DeliveryRule, { when: "triggered" }>;
  segment: Segment | null;
  actions: PlanAction[];
};

type Loaded = { fingerprint: string; loadedAt: number; byEvent: Map<string, TriggeredCampaign[]> };

// A backstop only: the fingerprint catches every change made through the app.
const MAX_AGE_MS = 60_000;
const loaded = new WeakMap<Db, Loaded>();

function fingerprintSql(): string {
  const campaign = tableName("Campaign");
  const action = tableName("Action");
  return (
    `SELECT c."id" AS "id", c."updatedAt" AS "at", ` +
    `(SELECT COUNT(*) FROM ${action} a WHERE a."campaignId" = c."id") AS "actions", ` +
    `(SELECT MAX(a."updatedAt") FROM ${action} a WHERE a."campaignId" = c."id") AS "actionsAt" ` +
    `FROM ${campaign} c WHERE c."status" = 'active' ORDER BY c."id"`
  );
}

const stamp = (v: unknown) => (v instanceof Date ? v.getTime() : String(v ?? ""));

async function fingerprint(prisma: Db): Promise<string> {
  const rows = await rawDb(prisma).query<{ id: string; at: unknown; actions: unknown; actionsAt: unknown }>(fingerprintSql(), []);
  return rows.map((r) => `${r.id}@${stamp(r.at)}/${String(r.actions)}@${stamp(r.actionsAt)}`).join(",");
}

type CampaignRow = { id: string; deliveryRule: unknown; audience: unknown; startAt: Date | null; endAt: Date | null; actions: { id: string; subDelivery: unknown }[] };

/** The active campaigns with their actions in order, in one statement (so one consistent view). */
async function activeCampaigns(prisma: Db): Promise<CampaignRow[]> {
  const sql =
    `SELECT c."id" AS "id", c."deliveryRule" AS "deliveryRule", c."audience" AS "audience", c."startAt" AS "startAt", c."endAt" AS "endAt", ` +
    `a."id" AS "actionId", a."subDelivery" AS "subDelivery" ` +
    `FROM ${tableName("Campaign")} c LEFT JOIN ${tableName("Action")} a ON a."campaignId" = c."id" ` +
    `WHERE c."status" = 'active' ORDER BY c."id", a."position", a."id"`;
  const rows = await rawDb(prisma).query<{ id: string; deliveryRule: unknown; audience: unknown; startAt: unknown; endAt: unknown; actionId: string | null; subDelivery: unknown }>(sql, []);
  const campaigns = new Map<string, CampaignRow>();
  for (const r of rows) {
    let c = campaigns.get(r.id);
    if (!c) {
      c = { id: r.id, deliveryRule: jsonOf(r.deliveryRule), audience: jsonOf(r.audience), startAt: nullableDateOf(r.startAt), endAt: nullableDateOf(r.endAt), actions: [] };
      campaigns.set(r.id, c);
    }
    if (r.actionId !== null) c.actions.push({ id: r.actionId, subDelivery: jsonOf(r.subDelivery) });
  }
  return [...campaigns.values()];
}

async function load(prisma: Db): Promise<Map<string, TriggeredCampaign[]>> {
  const campaigns = await activeCampaigns(prisma);
  const byEvent = new Map<string, TriggeredCampaign[]>();
  for (const c of campaigns) {
    let entry: TriggeredCampaign;
    try {
      const rule = parseDeliveryRule(c.deliveryRule);
      if (rule.when !== "triggered") continue;
      const actions = c.actions.map((a) => ({ id: a.id, subDelivery: parseSubDelivery(a.subDelivery) }));
      entry = { campaign: { id: c.id, startAt: c.startAt, endAt: c.endAt }, rule, segment: parseSegment(c.audience), actions };
    } catch {
      // a campaign whose stored rule or audience cannot be read starts nothing
      continue;
    }
    const list = byEvent.get(entry.rule.event) ?? [];
    list.push(entry);
    byEvent.set(entry.rule.event, list);
  }
  return byEvent;
}

/** The active triggered campaigns by the event name that starts them. */
async function triggeredCampaignsByEvent(prisma: Db, now = Date.now()): Promise<Map<string, TriggeredCampaign[]>> {
  const current = await fingerprint(prisma);
  const cached = loaded.get(prisma);
  if (cached && cached.fingerprint === current && now - cached.loadedAt < MAX_AGE_MS) return cached.byEvent;
  // The fingerprint was read first, so what loads is at least as new as it: a change in between
  // only makes the next batch load again.
  const byEvent = await load(prisma);
  loaded.set(prisma, { fingerprint: current, loadedAt: now, byEvent });
  return byEvent;
}

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
