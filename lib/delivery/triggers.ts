// Tracked events -> deliveries. trackEvents stores a batch of events, creates unknown users and
// plans every triggered campaign the events start (store/triggered-campaigns.ts), in one
// transaction (nothing half-written). planCatchUp plans the same for the events a paused campaign
// missed, when it resumes with "catch up".
import { db, type Db } from "../db";
import { bulkInsertSql, tableName, type ColumnKind } from "../db/bulk-insert";
import { dateOf, jsonOf, numberOf, SqlParams } from "../db/raw-sql";
import { unindexedSql } from "../db/dialect";
import { rawDb, type RawStatement, type RawTx } from "../db/raw";
import { compileConditions } from "../audience/conditions";
import type { TrackedEvent } from "../audience/events";
import { segmentMatcher } from "../audience/segment";
import { newUsersStatements, usersByIdThrough, type UserForPlanning } from "../audience/users";
import { userIdGroups } from "../audience/user-pages";
import { orderedIds } from "../crypto/random-pool";
import { isForeignKeyViolation, isUniqueViolation } from "../db/unique-violation";
import { planDeliveries } from "./core/plan";
import { parseDeliveryRule, type DeliveryRule } from "./core/rules";
import { emptyCounts, plannedDeliveryStatements, type FanOutCounts } from "./store/fan-out";
import { triggeredCampaign, triggeredCampaignsByEvent, type TriggeredCampaign } from "./store/triggered-campaigns";
import { deliveryQueue } from "./engine/queue";
import { parseDateInput } from "../date-input";

function timeOf(e: TrackedEvent, now: Date): Date {
  // the schema took it only when this same reading gave a time in range (lib/audience/events.ts)
  const time = e.time === undefined ? now : parseDateInput(e.time, { unixSeconds: true })!;
  // a time ahead (up to EVENT_CLOCK_SKEW_MS) is the sender's clock: the event happened by now, and a
  // stored future time would count as a goal conversion before it happened
  return time > now ? now : time;
}

const EVENT_COLUMNS: [string, ColumnKind][] = [["id", "text"], ["userId", "text"], ["name", "text"], ["params", "json"], ["time", "date"], ["createdAt", "date"]];
const EVENT_KEY_COLUMNS: [string, ColumnKind][] = [["key", "text"], ["eventId", "text"], ["createdAt", "date"]];

type EventRow = { id: string; userId: string; name: string; params: Record<string, unknown>; time: Date };

/** The deliveries the events start in these campaigns (their conditions and segments applied), as INSERTs counted into `counts`. */
function triggeredDeliveryStatements(
  campaigns: TriggeredCampaign[],
  events: EventRow[],
  users: Map<string, UserForPlanning>,
  now: Date,
  counts: FanOutCounts,
): RawStatement[] {
  const deliveries: RawStatement[] = [];
  for (const { campaign, rule, segment, actions } of campaigns) {
    const eventMatches = compileConditions(rule.conditions);
    const inAudience = segmentMatcher(segment);
    const planned = events.flatMap((row) => {
      if (row.name !== rule.event || !eventMatches(row.params)) return [];
      const user = users.get(row.userId) ?? { id: row.userId, email: null, timezone: null, attributes: {} };
      if (!inAudience(user)) return [];
      const trigger = { kind: "event" as const, eventId: row.id, name: row.name, params: row.params, time: row.time };
      return planDeliveries({ rule, actions, users: [user], trigger, now, campaign });
    });
    deliveries.push(...plannedDeliveryStatements(campaign.id, planned, counts));
  }
  return deliveries;
}

/**
 * triggeredDeliveryStatements with the events' users read through `reader` a bounded group at a time
 * (userIdGroups): a user may hold 256 KiB of attributes, and the users of 1,000 tracked events read at
 * once were 256 MB (~750 MB of heap), those of a catch-up up to 100,000 of them. Each user's events
 * are planned with their user; counts add up across groups.
 */
async function plannedForEvents(reader: Pick<RawTx, "query">, campaigns: TriggeredCampaign[], events: EventRow[], now: Date, counts: FanOutCounts): Promise<RawStatement[]> {
  const byUser = new Map<string, EventRow[]>();
  for (const e of events) {
    const list = byUser.get(e.userId);
    if (list) list.push(e);
    else byUser.set(e.userId, [e]);
  }
  const statements: RawStatement[] = [];
  for (const group of await userIdGroups(reader, [...byUser.keys()])) {
    const users = await usersByIdThrough(reader, group);
    statements.push(...triggeredDeliveryStatements(campaigns, group.flatMap((id) => byUser.get(id)!), users, now, counts));
  }
  return statements;
}

/** The most events one resume catches up: beyond, it refuses (nothing changes) and says so. */
export const MAX_CATCH_UP_EVENTS = 100_000;
/**
 * The most parameters (as JSON) those events may hold: they are all planned in memory before the
 * transaction, each copied into its deliveries. 100,000 events of 5 KB (what 100 API requests can
 * track) ran a server with its 1 GB heap out of memory; 100 MB took ~700 MB.
 */
export const MAX_CATCH_UP_BYTES = 64 * 1024 * 1024;
const CATCH_UP_PAGE = 5000;

// Event ids start with the time trackEvents made them (orderedIds), a little before it stamps their
// createdAt: planning the batch, waiting for the write lock, or another machine's clock
const EVENT_ID_PREFIX = "evt_";
const EVENT_ID_MARGIN_MS = 10 * 60_000;

/**
 * The events named `name` written in [from, until), as a WHERE on `e`. They are found through the
 * time-ordered primary key (the events written since, whatever their name), not the name's index:
 * that read every event of the name ever tracked, 1.3 s for 300,000 on SQLite, on the event loop,
 * at each look at a paused campaign.
 */
function arrivedSql(p: SqlParams, name: string, from: Date, until?: Date): string {
  // placeholders in the order of the text (SQLite's "?" are positional)
  const lowestId = EVENT_ID_PREFIX + Math.max(0, from.getTime() - EVENT_ID_MARGIN_MS).toString(36);
  let sql = `e."id" >= ${p.add("text", lowestId)} AND ${unindexedSql('e."name"')} = ${p.add("text", name)} AND e."createdAt" >= ${p.add("date", from)}`;
  if (until) sql += ` AND e."createdAt" < ${p.add("date", until)}`;
  return sql;
}

/** The columns of the events a catch-up plans, as `e` (where and order follow); eventRowOf reads a row. */
const EVENT_ROWS = `SELECT e."id" AS "id", e."userId" AS "userId", e."name" AS "name", e."params" AS "params", e."time" AS "time" FROM ${tableName("Event")} e`;
type StoredEventRow = { id: string; userId: string; name: string; params: unknown; time: unknown };
const eventRowOf = (r: StoredEventRow): EventRow => ({ id: r.id, userId: r.userId, name: r.name, params: (jsonOf(r.params) ?? {}) as Record<string, unknown>, time: dateOf(r.time) });

/** The count of eventsArrivedSince (its plan is pinned by arrived-since.test.ts). */
export function eventsArrivedStatement(name: string, from: Date, until?: Date): RawStatement {
  const p = new SqlParams();
  return { sql: `SELECT COUNT(*) AS "n" FROM ${tableName("Event")} e WHERE ${arrivedSql(p, name, from, until)}`, values: p.values };
}

/** How many events named `name` arrived (were tracked) since `from` (and before `until`). */
export async function eventsArrivedSince(name: string, from: Date, until?: Date): Promise<number> {
  const { sql, values } = eventsArrivedStatement(name, from, until);
  const rows = await rawDb(db()).query<{ n: unknown }>(sql, values);
  return numberOf(rows[0]?.n ?? 0);
}

/** What a paused triggered campaign has missed so far: its event, since when, how many arrived (shown beside Resume). */
export type MissedWhilePaused = { event: string; since: string; count: number };

export async function missedWhilePaused(campaign: { id: string; status: string; pausedAt: Date | null; deliveryRule: unknown }): Promise<MissedWhilePaused | null> {
  if (campaign.status !== "paused" || !campaign.pausedAt) return null;
  let rule: DeliveryRule;
  try {
    rule = parseDeliveryRule(campaign.deliveryRule);
  } catch {
    return null;
  }
  if (rule.when !== "triggered") return null;
  const arrived = await eventsArrivedSince(rule.event, campaign.pausedAt);
  // an event tracked as the pause landed was planned live: it is not missed (eventsPlannedLive)
  const count = arrived ? Math.max(0, arrived - (await eventsPlannedLive(campaign.id, rule.event, campaign.pausedAt)).size) : 0;
  return { event: rule.event, since: campaign.pausedAt.toISOString(), count };
}

/**
 * The events named `name` that arrived in [from, until) which the campaign already planned live:
 * trackEvents reads the active campaigns before it stamps its events' createdAt, so an event tracked
 * as the pause lands (in the same millisecond, or by a process whose clock is ahead) is planned live
 * yet arrived "since pausedAt". Its rows (a delivery, or a held-out user) are committed with the
 * event, so a read made after the event's sees them. Each event is looked up by Delivery's and
 * ControlGroupMember's unique key (action, user, "event:<id>").
 */
async function eventsPlannedLive(campaignId: string, name: string, from: Date, until?: Date): Promise<Set<string>> {
  // placeholders are added in the order they appear (SQLite's "?" are positional)
  const p = new SqlParams();
  const sql = `SELECT e."id" AS "id" FROM ${tableName("Event")} e WHERE ${arrivedSql(p, name, from, until)} AND ${plannedLiveSql(p, campaignId)}`;
  return new Set((await rawDb(db()).query<{ id: string }>(sql, p.values)).map((r) => r.id));
}

/** Whether the event `e` has a delivery or a held-out row in the campaign, by their unique key (action, user, "event:<id>"). */
function plannedLiveSql(p: SqlParams, campaignId: string): string {
  const planned = (table: string) =>
    `EXISTS (SELECT 1 FROM ${tableName(table)} d WHERE d."actionId" IN (SELECT a."id" FROM ${tableName("Action")} a WHERE a."campaignId" = ${p.add("text", campaignId)}) ` +
    `AND d."userId" = e."userId" AND d."triggerKey" = 'event:' || e."id")`;
  const deliveries = planned("Delivery");
  return `(${deliveries} OR ${planned("ControlGroupMember")})`;
}

export type CatchUpPlan = { events: number; statements: RawStatement[]; counts: FanOutCounts; campaign: TriggeredCampaign };

/**
 * What a paused triggered campaign would have sent for the events that arrived in [from, until),
 * planned now (their conditions, the segment as users are now, delays counted from each event's
 * time), as INSERTs to run when it resumes; null when it is not a triggered campaign; "too many"
 * beyond MAX_CATCH_UP_EVENTS, "too large" beyond MAX_CATCH_UP_BYTES of their parameters.
 */
export async function planCatchUp(
  campaignId: string,
  from: Date,
  until: Date,
  { now = new Date(), maxEvents = MAX_CATCH_UP_EVENTS, maxBytes = MAX_CATCH_UP_BYTES }: { now?: Date; maxEvents?: number; maxBytes?: number } = {},
): Promise<CatchUpPlan | null | { tooMany: number } | { tooLarge: number }> {
  const prisma = db();
  const entry = await triggeredCampaign(prisma, campaignId);
  if (!entry) return null;
  // read a page at a time, so that a backlog too large to plan is refused before it is all in memory
  const rows: EventRow[] = [];
  let bytes = 0;
  for (let after: string | undefined; ; ) {
    const p = new SqlParams();
    const take = Math.min(CATCH_UP_PAGE, maxEvents + 1 - rows.length);
    const sql = `${EVENT_ROWS} WHERE ${arrivedSql(p, entry.rule.event, from, until)}${after === undefined ? "" : ` AND e."id" > ${p.add("text", after)}`} ORDER BY e."id" LIMIT ${take}`;
    const page = (await rawDb(prisma).query<StoredEventRow>(sql, p.values)).map(eventRowOf);
    for (const r of page) bytes += JSON.stringify(r.params).length;
    rows.push(...page);
    if (rows.length > maxEvents) {
      const arrived = await eventsArrivedSince(entry.rule.event, from, until);
      return { tooMany: arrived - (await eventsPlannedLive(campaignId, entry.rule.event, from, until)).size };
    }
    if (bytes > maxBytes) return { tooLarge: bytes };
    if (page.length < CATCH_UP_PAGE) break;
    after = page[page.length - 1]!.id;
  }
  const planned = rows.length ? await eventsPlannedLive(campaignId, entry.rule.event, from, until) : new Set<string>();
  const events = rows.filter((r) => !planned.has(r.id));
  const counts = emptyCounts();
  return { events: events.length, statements: await plannedForEvents(rawDb(prisma), [entry], events, now, counts), counts, campaign: entry };
}

export type TrackResult = {
  accepted: number;
  /** events ignored because their `id` was tracked before (or earlier in the batch) */
  duplicates: number;
  usersCreated: number;
  scheduled: number;
  suppressed: number;
};

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
  try {
    return await trackOnce(events, now);
  } catch (err) {
    // the same event id committed by a concurrent request after this one read the keys: read again
    if (isUniqueViolation(err) && events.some((e) => e.id !== undefined)) return trackOnce(events, now);
    // a webhook (or campaign) deleted after the active campaigns were read: planned again without it
    if (isForeignKeyViolation(err)) return trackOnce(events, now);
    throw err;
  }
}

/**
 * The events whose `id` (the client's own) was not tracked before, nor earlier in the batch, and how
 * many were left out. Events without ids cost nothing here.
 */
async function withoutRepeats(prisma: Db, events: TrackedEvent[]): Promise<{ fresh: TrackedEvent[]; duplicates: number }> {
  if (!events.some((e) => e.id !== undefined)) return { fresh: events, duplicates: 0 };
  const keys = [...new Set(events.flatMap((e) => (e.id === undefined ? [] : [e.id])))];
  const seen = new Set<string>();
  for (let i = 0; i < keys.length; i += 500) {
    for (const row of await prisma.eventKey.findMany({ where: { key: { in: keys.slice(i, i + 500) } }, select: { key: true } })) seen.add(row.key);
  }
  const fresh = events.filter((e) => {
    if (e.id === undefined) return true;
    if (seen.has(e.id)) return false;
    seen.add(e.id);
    return true;
  });
  return { fresh, duplicates: events.length - fresh.length };
}

async function trackOnce(received: TrackedEvent[], now: Date): Promise<TrackResult> {
  const prisma = db();
  const { fresh: events, duplicates } = await withoutRepeats(prisma, received);
  const triggers = await triggeredCampaignsByEvent(prisma);
  // time-ordered: the Event table's primary key index grows at its edge (lib/crypto/random-pool.ts)
  const ids = orderedIds(EVENT_ID_PREFIX, events.length, 12);
  const rows = events.map((e, i) => ({ id: ids[i]!, userId: e.userId, name: e.event, params: e.params ?? {}, time: timeOf(e, now) }));
  const matching = rows.filter((r) => triggers.has(r.name));
  const counts = emptyCounts();
  const started = [...new Set(matching.map((r) => r.name))].flatMap((name) => triggers.get(name)!);
  const deliveries = await plannedForEvents(rawDb(prisma), started, matching, now, counts);
  // rows are stamped with the real time, as Prisma's defaults did; `now` is the planning clock
  const writtenAt = new Date();
  const newUsers = newUsersStatements(rows.map((r) => r.userId), writtenAt);
  const eventInserts: RawStatement[] = [];
  for (let i = 0; i < rows.length; i += 1000) {
    eventInserts.push(bulkInsertSql("Event", EVENT_COLUMNS, rows.slice(i, i + 1000).map((r) => [r.id, r.userId, r.name, r.params, r.time, writtenAt])));
  }
  // a plain INSERT: a key committed meanwhile fails the whole transaction (trackEvents reads again)
  const keyed = events.flatMap((e, i) => (e.id === undefined ? [] : [[e.id, rows[i]!.id, writtenAt]]));
  const keyInserts: RawStatement[] = [];
  for (let i = 0; i < keyed.length; i += 1000) keyInserts.push(bulkInsertSql("EventKey", EVENT_KEY_COLUMNS, keyed.slice(i, i + 1000)));
  const changed = await rawDb(prisma).transaction([...newUsers, ...eventInserts, ...keyInserts, ...deliveries]);
  const usersCreated = changed.slice(0, newUsers.length).reduce((a, b) => a + b, 0);
  if (counts.scheduled) await deliveryQueue().notify({ dueAt: counts.earliest, dueTimes: counts.dueTimes });
  return { accepted: received.length, duplicates, usersCreated, scheduled: counts.scheduled, suppressed: counts.suppressed };
}

/**
 * Inside the resume's transaction, after its UPDATE and the caught-up INSERTs: plans the events that
 * arrived since the catch-up was read (`from`, its `until`), which nothing else would plan: tracked
 * while the campaign still read as paused, and after the window read. Planning a large backlog takes
 * seconds (and its INSERTs more), so without this the events of those seconds were lost for good.
 * Read through the transaction's own handle (on SQLite a second handle would wait for it). Adds to
 * `plan`'s counts; false when more than `limit` arrived (the caller rolls back).
 */
export async function planArrivedMeanwhile(tx: RawTx, plan: CatchUpPlan, from: Date, limit: number, now = new Date()): Promise<boolean> {
  const { campaign, rule } = plan.campaign;
  const p = new SqlParams();
  const sql = `${EVENT_ROWS} WHERE ${arrivedSql(p, rule.event, from)} AND NOT ${plannedLiveSql(p, campaign.id)} ORDER BY e."id" LIMIT ${Math.max(0, Math.floor(limit)) + 1}`;
  const rows = await tx.query<StoredEventRow>(sql, p.values);
  if (rows.length > limit) return false;
  if (!rows.length) return true;
  const events = rows.map(eventRowOf);
  for (const s of await plannedForEvents(tx, [plan.campaign], events, now, plan.counts)) await tx.run(s.sql, s.values);
  plan.events += events.length;
  return true;
}
