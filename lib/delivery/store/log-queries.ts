// What the delivery log shows (its counts by state are log-counts.ts'): throughput and response times, a filtered page
// of deliveries, and one delivery with every attempt. Read-only queries, paginated on the server.
import { db } from "../../db";
import { maskStoredRequest } from "../../webhooks/mask";
import { withoutQuotedSecrets } from "../../webhooks/request-body";
import { tableName } from "../../db/bulk-insert";
import { containsTextSql, likeContaining } from "../../db/dialect";
import type { RawStatement } from "../../db/raw";
import { dateOf, numberOf, SqlParams } from "../../db/raw-sql";
import { countUpTo } from "./log-counts";
import { SENT_A_REQUEST_SQL } from "./attempt-record";
import { SUCCESS_SAMPLE } from "../core/count-cap";
import { decodeLogCursor, encodeLogCursor, LogCursorError, type LogPosition } from "../log-cursor";
import { holdOf, readableReason, type Hold } from "../core/hold-reason";
import { DELIVERY_STATES, isWaiting, SUCCESS_RATE_STATES } from "../core/states";

const PAGE_SIZE = 50;

/**
 * A delivery's last duration, as the log, the API and the export show it: its last attempt's. The
 * row's lastDurationMs is not written when the engine records delivered rows in groups (recorder.ts).
 */
export const lastAttempt = { attemptLog: { orderBy: { number: "desc" as const }, take: 1, select: { durationMs: true } } };
export const lastDurationOf = (d: { attemptLog: { durationMs: number }[]; lastDurationMs: number | null }) => d.attemptLog[0]?.durationMs ?? d.lastDurationMs;

/** `after`: nextCursor of the page before (log-cursor.ts); without it, numbered `page`s (1 by default). */
export type DeliveryFilter = { campaignId?: string; state?: string; actionId?: string; userId?: string; page?: number; after?: string };
type FilterOnly = Omit<DeliveryFilter, "page" | "after">;

/**
 * The log's filter as the SQL conditions on Delivery (the list and the CSV export filter alike). The
 * user filter is the campaign list's search rule (containsTextSql): Prisma's `contains` took % and _
 * for wildcards, so "user_1" also found "userX1".
 */
export function filterConditions(f: FilterOnly, params: SqlParams): string[] {
  const conditions: string[] = [];
  if (f.campaignId) conditions.push(`"campaignId" = ${params.add("text", f.campaignId)}`);
  if (f.state && (DELIVERY_STATES as readonly string[]).includes(f.state)) conditions.push(`"state" = ${params.add("text", f.state)}`);
  if (f.actionId) conditions.push(`"actionId" = ${params.add("text", f.actionId)}`);
  if (f.userId) conditions.push(containsTextSql('"userId"', params.add("text", likeContaining(f.userId))));
  return conditions;
}

const whereSql = (conditions: string[]) => (conditions.length ? `WHERE ${conditions.join(" AND ")}` : "");

/** The ids of the filtered deliveries in `orderBy`, `limit` of them from `offset` (and past `extra`, more conditions). */
export async function filteredDeliveryIds(f: FilterOnly, window: { orderBy: string; limit: number; offset?: number; extra?: (params: SqlParams) => string }): Promise<string[]> {
  const statement = filteredIdsStatement(f, window);
  const rows = await db().$queryRawUnsafe<{ id: string }[]>(statement.sql, ...statement.values);
  return rows.map((r) => r.id);
}

function filteredIdsStatement(f: FilterOnly, window: { orderBy: string; limit: number; offset?: number; extra?: (params: SqlParams) => string; columns?: string }): RawStatement {
  const params = new SqlParams();
  const where = whereSql([...filterConditions(f, params), ...(window.extra ? [window.extra(params)] : [])]);
  // placeholders in the order they appear (SQLite's are positional)
  const limit = `LIMIT ${params.add("int", window.limit)}`;
  const offset = window.offset ? ` OFFSET ${params.add("int", window.offset)}` : "";
  return { sql: `SELECT ${window.columns ?? `"id"`} FROM ${tableName("Delivery")} ${where} ORDER BY ${window.orderBy} ${limit}${offset}`, values: params.values };
}

/**
 * The log's order: most recently changed first, then id (a state change or a result moves a row to
 * the top). Served by Delivery_updatedAt_id_idx and, for one campaign, Delivery_campaignId_updatedAt_id_idx.
 */
const LOG_ORDER = `"updatedAt" DESC, "id" ASC`;

/**
 * The statement of one page of the log: the ids of its rows and of the next one (whether there is a
 * next page), after the position `after` or from `offset`. After a position it is a walk of the
 * index from there, however deep; `updatedAt <= ?` bounds the walk, and the rows sharing the
 * position's time are told apart by id.
 */
export function deliveryLogPageStatement(f: FilterOnly, window: { after?: LogPosition; offset?: number }): RawStatement {
  const { after } = window;
  const extra = after
    ? (params: SqlParams) => {
        const at = params.add("date", after.updatedAt);
        return `"updatedAt" <= ${at} AND ("updatedAt" < ${params.add("date", after.updatedAt)} OR "id" > ${params.add("text", after.id)})`;
      }
    : undefined;
  return filteredIdsStatement(f, { columns: `"id", "updatedAt"`, orderBy: LOG_ORDER, limit: PAGE_SIZE + 1, offset: after ? 0 : window.offset, extra });
}

/** The filtered deliveries, counted up to COUNT_CAP (log-counts.ts). */
function countFiltered(f: FilterOnly) {
  const params = new SqlParams();
  return countUpTo(filterConditions(f, params), params.values);
}

/** These rows, in the order of `ids` (one gone between the two reads is left out). */
export function inOrderOf<T extends { id: string }>(ids: string[], rows: T[]): T[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/**
 * How many requests each delivery sent: its attempts whose request left (SENT_A_REQUEST_SQL: a timeout
 * after connecting included; the SSRF guard's refusal, a failed DNS lookup or connection not), not those
 * that failed before a request existed. A follow-up that
 * waited for an earlier step and failed unsent three times is "attempts 3" in its row and sent nothing.
 * What the log, the API and the CSV call `attempts`; the detail lists every attempt. One grouped read
 * of DeliveryAttempt(deliveryId, number) for a page's ids.
 */
export async function requestsSentOf(ids: string[]): Promise<Map<string, number>> {
  if (!ids.length) return new Map();
  const params = new SqlParams();
  const rows = await db().$queryRawUnsafe<{ deliveryId: string; n: unknown }[]>(
    `SELECT a."deliveryId" AS "deliveryId", COUNT(*) AS n FROM ${tableName("DeliveryAttempt")} a WHERE a."deliveryId" IN (${params.list("text", ids)}) AND ${SENT_A_REQUEST_SQL} GROUP BY a."deliveryId"`,
    ...params.values,
  );
  return new Map(rows.map((r) => [r.deliveryId, numberOf(r.n)]));
}

function percentile(sorted: number[], p: number): number | null {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/**
 * How many deliveries were attempted in the last 5 minutes (a count: "0.6 per minute" read oddly right
 * after 3 were sent at once), p50/p95 of the last 1,000 attempts that sent a request, and the
 * success rate of the last SUCCESS_SAMPLE finished deliveries (deliveries, not attempts: one that
 * succeeded on its third try is one success). Each reads a bounded window, not every delivery: the
 * 5 minutes' attempts through DeliveryAttempt(startedAt), the newest finished rows through the log's
 * order indexes (a refresh of a 1,000,000-delivery campaign counted all of them: bench/RESULTS.md).
 */
export async function deliveryStats(campaignId: string | undefined, now = new Date()) {
  const since = new Date(now.getTime() - 5 * 60_000);
  const [recentDeliveries, recent, finished] = await Promise.all([
    deliveriesAttemptedSince(campaignId, since),
    lastAttemptDurations(campaignId),
    lastFinishedStates(campaignId),
  ]);
  const durations = recent.map((a) => a.durationMs).sort((a, b) => a - b);
  const delivered = finished.filter((state) => state === "delivered").length;
  return {
    deliveriesLast5Minutes: recentDeliveries,
    p50Ms: percentile(durations, 50),
    p95Ms: percentile(durations, 95),
    /** how many sent requests the percentiles are of (RESPONSE_SAMPLE at most) */
    responseSample: durations.length,
    successRate: finished.length ? delivered / finished.length : null,
    /** how many finished deliveries the rate is of (SUCCESS_SAMPLE at most) */
    successSample: finished.length,
  };
}

async function deliveriesAttemptedSince(campaignId: string | undefined, since: Date): Promise<number> {
  const params = new SqlParams();
  const ofCampaign = campaignId ? ` JOIN ${tableName("Delivery")} d ON d."id" = a."deliveryId" AND d."campaignId" = ${params.add("text", campaignId)}` : "";
  const rows = await db().$queryRawUnsafe<{ n: unknown }[]>(
    `SELECT COUNT(DISTINCT a."deliveryId") AS "n" FROM ${tableName("DeliveryAttempt")} a${ofCampaign} WHERE a."startedAt" >= ${params.add("date", since)}`,
    ...params.values,
  );
  return numberOf(rows[0]?.n ?? 0);
}

/**
 * The durations of the last 1,000 attempts: of the whole install, walking DeliveryAttempt(startedAt)
 * newest first; of one campaign, those of its 1,000 deliveries the log shows first (its order's index),
 * each one's attempts by (deliveryId, number). Bounded either way: the campaign's attempts looked for
 * along the whole install's walk read every attempt of a big install for a small campaign, each second.
 */
export function lastAttemptDurationsStatement(campaignId: string | undefined): RawStatement {
  const params = new SqlParams();
  const ofCampaign = campaignId
    ? `a."deliveryId" IN (SELECT "id" FROM ${tableName("Delivery")} WHERE "campaignId" = ${params.add("text", campaignId)} ORDER BY ${LOG_ORDER} LIMIT ${SUCCESS_SAMPLE}) AND `
    : "";
  return { sql: `SELECT a."durationMs" FROM ${tableName("DeliveryAttempt")} a WHERE ${ofCampaign}${SENT_A_REQUEST_SQL} ORDER BY a."startedAt" DESC LIMIT ${RESPONSE_SAMPLE}`, values: params.values };
}

/** How many of the newest attempts the response-time percentiles are of, at most. */
export const RESPONSE_SAMPLE = 1000;

async function lastAttemptDurations(campaignId: string | undefined): Promise<{ durationMs: number }[]> {
  const statement = lastAttemptDurationsStatement(campaignId);
  const rows = await db().$queryRawUnsafe<{ durationMs: unknown }[]>(statement.sql, ...statement.values);
  return rows.map((r) => ({ durationMs: numberOf(r.durationMs) }));
}

/** How many of the newest deliveries the success rate walks at most for its finished ones. */
export const SUCCESS_WALK = 10 * SUCCESS_SAMPLE;

/**
 * The states of the newest SUCCESS_SAMPLE finished deliveries among the newest SUCCESS_WALK, in the
 * log's order (its indexes): a campaign whose rows all wait (a million due tomorrow) is not walked
 * to its end on every refresh looking for finished ones.
 */
export function lastFinishedStatement(campaignId: string | undefined): RawStatement {
  const params = new SqlParams();
  const ofCampaign = campaignId ? `WHERE "campaignId" = ${params.add("text", campaignId)} ` : "";
  const newest = `SELECT "state" FROM ${tableName("Delivery")} ${ofCampaign}ORDER BY ${LOG_ORDER} LIMIT ${SUCCESS_WALK}`;
  return { sql: `SELECT w."state" FROM (${newest}) w WHERE w."state" IN (${params.list("text", SUCCESS_RATE_STATES)}) LIMIT ${SUCCESS_SAMPLE}`, values: params.values };
}

async function lastFinishedStates(campaignId: string | undefined): Promise<string[]> {
  const statement = lastFinishedStatement(campaignId);
  const rows = await db().$queryRawUnsafe<{ state: string }[]>(statement.sql, ...statement.values);
  return rows.map((r) => r.state);
}

export type DeliveryRow = {
  id: string;
  campaignId: string;
  campaignName: string;
  /** the webhook (step) it belongs to; `variant` says which of its variants was sent */
  actionId: string;
  actionName: string;
  /** the A/B variant sent ("A".."P"), null when the step has no variants */
  variant: string | null;
  userId: string;
  state: string;
  reason: string | null;
  /** a waiting row held back rather than simply waiting for its time ("campaign_paused", "quiet_hours", "before_start"), else null */
  hold: Hold | null;
  plannedAt: string;
  dueAt: string;
  /** requests sent (requestsSentOf): 0 for a delivery that failed before any request existed */
  attempts: number;
  lastStatus: number | null;
  durationMs: number | null;
  sentAt: string | null;
};

/**
 * One page of the log, 50 rows, in the log's order: after the cursor `after` (nextCursor of the page
 * before: a walk of an index, as fast at any depth) or numbered (`page`, read by OFFSET: old links
 * and the API's ?page=). `page` is null on a page read by cursor; `nextCursor` is null on the last page.
 */
export async function listDeliveries(f: DeliveryFilter) {
  const after = f.after ? decodeLogCursor(f.after) : undefined;
  if (after === null) throw new LogCursorError();
  const page = after ? null : Math.max(1, Math.floor(f.page ?? 1));
  const statement = deliveryLogPageStatement(f, { after, offset: ((page ?? 1) - 1) * PAGE_SIZE });
  const [counted, found] = await Promise.all([countFiltered(f), db().$queryRawUnsafe<{ id: string; updatedAt: unknown }[]>(statement.sql, ...statement.values)]);
  const ids = found.slice(0, PAGE_SIZE).map((r) => r.id);
  const [loaded, sentBy] = await Promise.all([
    db().delivery.findMany({
      where: { id: { in: ids } },
      include: {
        campaign: { select: { name: true, status: true } },
        action: { select: { name: true } },
        ...lastAttempt,
      },
    }),
    requestsSentOf(ids),
  ]);
  const rows = inOrderOf(ids, loaded);
  const items: DeliveryRow[] = rows.map((d) => ({
    id: d.id,
    ...whoAndWhy(d),
    plannedAt: d.plannedAt.toISOString(),
    dueAt: d.dueAt.toISOString(),
    attempts: sentBy.get(d.id) ?? 0,
    lastStatus: d.lastStatus,
    durationMs: lastDurationOf(d),
    sentAt: d.sentAt?.toISOString() ?? null,
  }));
  // where the page ended as it was read (a row changed or deleted since still marks the place)
  const last = found.length > PAGE_SIZE ? found[PAGE_SIZE - 1]! : null;
  const nextCursor = last ? encodeLogCursor({ updatedAt: dateOf(last.updatedAt), id: last.id }) : null;
  // past COUNT_CAP, `total` is the cap and `totalCapped` says there are more ("10,000+ deliveries", "Page 3 of 200+")
  return { page, pageSize: PAGE_SIZE, total: counted.n, totalCapped: counted.more, pages: Math.max(1, Math.ceil(counted.n / PAGE_SIZE)), items, nextCursor };
}

type DeliveryWithNames = {
  campaignId: string;
  campaign: { name: string; status: string };
  actionId: string;
  action: { name: string };
  variant: string | null;
  userId: string;
  state: string;
  reason: string | null;
};

/** What the log's rows and a delivery's detail both say of it: its campaign, step, user, state and why, read one way. */
function whoAndWhy(d: DeliveryWithNames): Pick<DeliveryRow, "campaignId" | "campaignName" | "actionId" | "actionName" | "variant" | "userId" | "state" | "reason" | "hold"> {
  return {
    campaignId: d.campaignId,
    campaignName: d.campaign.name,
    actionId: d.actionId,
    actionName: d.action.name,
    variant: d.variant,
    userId: d.userId,
    state: d.state,
    // a template error kept from before its value stopped being quoted shows no secret either
    reason: d.reason && withoutQuotedSecrets(readableReason(d.reason)!),
    hold: holdOf(d.state, d.reason, d.campaign.status),
  };
}

export async function deliveryDetail(id: string) {
  const d = await db().delivery.findUnique({
    where: { id },
    include: { campaign: { select: { name: true, status: true } }, action: { select: { name: true } }, attemptLog: { orderBy: { number: "asc" } } },
  });
  if (!d) return null;
  const retriedBy = await retriedByHand(d);
  return {
    id: d.id,
    webhookId: d.webhookId,
    ...whoAndWhy(d),
    triggerKey: d.triggerKey,
    plannedAt: d.plannedAt.toISOString(),
    nextAttemptAt: isWaiting(d.state) ? d.dueAt.toISOString() : null,
    attempts: d.attemptLog.map((a) => ({
      number: a.number,
      startedAt: a.startedAt.toISOString(),
      durationMs: a.durationMs,
      outcome: a.outcome,
      status: a.status,
      error: a.error && withoutQuotedSecrets(a.error),
      request: maskStoredRequest(a.request),
      response: a.response,
      timings: a.timings,
      nextAttemptAt: a.nextAttemptAt?.toISOString() ?? null,
      retriedBy: retriedBy.get(a.number) ?? null,
    })),
  };
}

type AttemptTimes = { number: number; startedAt: Date; durationMs: number; nextAttemptAt: Date | null };

/**
 * Who retried the delivery by hand after each attempt that another followed with none due (Retry, Retry
 * all failed: core/attempt-outcome.ts says "retried by hand (by ...)"), by attempt number: the first retry
 * the audit log has of it, or of its campaign's failed ones, after that attempt ended. One read of the
 * audit log, from the first such attempt on (its createdAt index), only when there is one.
 */
async function retriedByHand(d: { id: string; campaignId: string; attemptLog: AttemptTimes[] }): Promise<Map<number, string>> {
  const byHand = d.attemptLog.filter((a, i) => i < d.attemptLog.length - 1 && !a.nextAttemptAt);
  const out = new Map<number, string>();
  if (!byHand.length) return out;
  const entries = await db().auditLog.findMany({
    where: {
      createdAt: { gte: byHand[0]!.startedAt },
      OR: [{ action: "delivery.retried", target: d.id }, { action: "delivery.retried_all_failed", target: d.campaignId }],
    },
    orderBy: { createdAt: "asc" },
    select: { actor: true, createdAt: true },
  });
  let next = 0;
  for (const a of byHand) {
    const ended = a.startedAt.getTime() + a.durationMs;
    while (next < entries.length && entries[next]!.createdAt.getTime() < ended) next++;
    if (next < entries.length) out.set(a.number, entries[next++]!.actor);
  }
  return out;
}
export type DeliveryDetail = NonNullable<Awaited<ReturnType<typeof deliveryDetail>>>;
export type DeliveryPage = Awaited<ReturnType<typeof listDeliveries>>;
export type DeliveryStats = Awaited<ReturnType<typeof deliveryStats>>;
