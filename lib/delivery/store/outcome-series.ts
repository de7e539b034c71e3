// What the outcome charts show: deliveries over time by outcome and response-time percentiles per
// time bucket, one campaign's or every campaign's. Both are aggregates in SQL (GROUP BY bucket),
// one row per bucket back, never a read of every delivery into JS.
import { db } from "../../db";
import { epochSecondsSql, timeBucketSql } from "../../db/dialect";
import { rawDb, type RawStatement } from "../../db/raw";
import { tableName } from "../../db/bulk-insert";
import { SqlParams } from "../../db/raw-sql";
import { OUTCOME_STATES } from "../core/states";
import { SENT_A_REQUEST_SQL } from "./attempt-record";

export type Outcome = (typeof OUTCOME_STATES)[number];

export type OutcomePoint = Record<Outcome, number> & {
  /** start of the bucket, epoch milliseconds */
  t: number;
  /** attempts started in the bucket that sent a request, and their response times (nearest rank) */
  attempts: number;
  p50Ms: number | null;
  p95Ms: number | null;
};
export type OutcomeSeries = { bucketSeconds: number; points: OutcomePoint[] };

// bucket widths a reader recognises; the first giving at most MAX_BUCKETS over the span wins
const BUCKET_LADDER = [10, 30, 60, 300, 900, 3600, 3 * 3600, 6 * 3600, 86_400, 7 * 86_400];
const MAX_BUCKETS = 60;

/** The bucket width (seconds) for a span of time: at most 60 bars, 10 seconds at the finest. */
export function chooseBucketSeconds(spanMs: number): number {
  const span = Math.max(0, spanMs) / 1000;
  return BUCKET_LADDER.find((s) => span / s < MAX_BUCKETS) ?? BUCKET_LADDER[BUCKET_LADDER.length - 1];
}

// when a delivery reached its state: its last attempt's start, or (never attempted: suppressed)
// when it was last written. The same text as the partial index Delivery_outcome_time_idx (its
// migrations), which holds the rows in an outcome state by it.
const OUTCOME_TIME = `COALESCE(d."sentAt", d."updatedAt")`;

// The outcome states as literals, in OUTCOME_STATES' order: the index holds only these rows, and
// SQLite uses a partial index only for a query naming its condition as written (never a bound list).
const IN_OUTCOME_STATE = `d."state" IN (${OUTCOME_STATES.map((s) => `'${s}'`).join(", ")})`;

/** until: the axis runs to this time even when nothing happened since the last outcome (Activity: now) */
export type SeriesScope = { campaignId?: string; since?: Date; until?: Date };

// The window's start, to the whole second the buckets count in: t >= it exactly when t's epoch
// second >= since's. Compared with the indexed value (never an expression of it): attempts' startedAt
// has an index for the range, the outcome time Delivery_outcome_time_idx (a result adds one entry,
// a retry's claim takes it out; a fan-out and a first claim write none), so Activity's window reads the rows in it and no others; a
// campaign's chart reads through (campaignId, state).
function sinceSql(p: SqlParams, since: Date, time: "outcome" | "attempt"): string {
  const from = p.add("date", new Date(Math.floor(since.getTime() / 1000) * 1000));
  return time === "attempt" ? `a."startedAt" >= ${from}` : `${OUTCOME_TIME} >= ${from}`;
}

function scopeSql(p: SqlParams, scope: SeriesScope, time: "outcome" | "attempt"): string {
  const where: string[] = [];
  if (scope.campaignId) where.push(`d."campaignId" = ${p.add("text", scope.campaignId)}`);
  if (scope.since) where.push(sinceSql(p, scope.since, time));
  return where.length ? ` AND ${where.join(" AND ")}` : "";
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/**
 * The first and last outcome time (epoch seconds) in `scope`, and the deliveries by outcome per
 * bucket: Activity's window reads them from Delivery_outcome_time_idx (its rows and no others).
 * Exported for their query plans' test.
 */
export function outcomeRangeStatement(scope: SeriesScope): RawStatement {
  const p = new SqlParams();
  // the ends of the index's range (PostgreSQL: two look-ups), as epoch seconds
  const sql = `SELECT ${epochSecondsSql(`MIN(${OUTCOME_TIME})`)} AS lo, ${epochSecondsSql(`MAX(${OUTCOME_TIME})`)} AS hi FROM ${tableName("Delivery")} d WHERE ${IN_OUTCOME_STATE}${scopeSql(p, scope, "outcome")}`;
  return { sql, values: p.values };
}

/** See outcomeRangeStatement. */
export function outcomeCountsStatement(scope: SeriesScope, bucketSeconds: number): RawStatement {
  const p = new SqlParams();
  // the rows taken first, then grouped: SQLite grouping straight from the index read each row of the
  // table as well (twice the time); this way it reads both values from the index alone
  const sql =
    `WITH o AS MATERIALIZED (SELECT d."state" AS state, ${OUTCOME_TIME} AS t FROM ${tableName("Delivery")} d WHERE ${IN_OUTCOME_STATE}${scopeSql(p, scope, "outcome")}) ` +
    `SELECT ${timeBucketSql("o.t", bucketSeconds)} AS b, o.state AS state, COUNT(*) AS n FROM o GROUP BY 1, 2`;
  return { sql, values: p.values };
}

/** Deliveries by outcome and attempt response times (p50/p95), per time bucket. */
export async function outcomeSeries(scope: SeriesScope = {}): Promise<OutcomeSeries> {
  const raw = rawDb(db());
  const deliveries = tableName("Delivery");
  const attemptsTable = tableName("DeliveryAttempt");

  const range = outcomeRangeStatement(scope);
  const [ends] = await raw.query<{ lo: unknown; hi: unknown }>(range.sql, range.values);
  const lo = num(ends?.lo);
  const hi = num(ends?.hi);
  if (lo === null || hi === null) return { bucketSeconds: chooseBucketSeconds(0), points: [] };
  const end = scope.until ? Math.max(hi, Math.floor(scope.until.getTime() / 1000)) : hi;
  const bucketSeconds = chooseBucketSeconds((end - lo) * 1000);

  const counts = outcomeCountsStatement(scope, bucketSeconds);
  const countRows = await raw.query<{ b: unknown; state: string; n: unknown }>(counts.sql, counts.values);

  // nearest-rank percentiles in SQL: rank the attempts of each bucket by duration, keep rank ceil(p% of n)
  const timing = new SqlParams();
  const bucket = timeBucketSql(`a."startedAt"`, bucketSeconds);
  const join = scope.campaignId ? ` JOIN ${deliveries} d ON d."id" = a."deliveryId"` : "";
  // attempts that never sent a request have no response time (attempt-record.ts)
  const timingScope = ` WHERE ${SENT_A_REQUEST_SQL}${scopeSql(timing, scope, "attempt")}`;
  const timingRows = await raw.query<{ b: unknown; attempts: unknown; p50: unknown; p95: unknown }>(
    `SELECT b, COUNT(*) AS attempts,
       MAX(CASE WHEN rn = (n * 50 + 99) / 100 THEN ms END) AS p50,
       MAX(CASE WHEN rn = (n * 95 + 99) / 100 THEN ms END) AS p95
     FROM (SELECT ${bucket} AS b, a."durationMs" AS ms,
             ROW_NUMBER() OVER (PARTITION BY ${bucket} ORDER BY a."durationMs") AS rn,
             COUNT(*) OVER (PARTITION BY ${bucket}) AS n
           FROM ${attemptsTable} a${join}${timingScope}) ranked
     GROUP BY b`,
    timing.values,
  );

  const byBucket = new Map<number, OutcomePoint>();
  const point = (b: number) => {
    let p = byBucket.get(b);
    if (!p) byBucket.set(b, (p = { t: b * 1000, delivered: 0, retrying: 0, failed: 0, suppressed: 0, attempts: 0, p50Ms: null, p95Ms: null }));
    return p;
  };
  for (const r of countRows) point(Number(r.b))[r.state as Outcome] = Number(r.n);
  for (const r of timingRows) Object.assign(point(Number(r.b)), { attempts: Number(r.attempts), p50Ms: num(r.p50), p95Ms: num(r.p95) });
  point(Math.floor(end / bucketSeconds) * bucketSeconds); // the empty buckets up to `until`
  return { bucketSeconds, points: withEmptyBuckets(byBucket, bucketSeconds, point) };
}

// a continuous time axis: the buckets between the first and the last, empty ones included
function withEmptyBuckets(byBucket: Map<number, OutcomePoint>, width: number, point: (b: number) => OutcomePoint): OutcomePoint[] {
  const keys = [...byBucket.keys()];
  if (!keys.length) return [];
  const first = Math.min(...keys);
  const last = Math.max(...keys);
  if ((last - first) / width <= 4 * MAX_BUCKETS) for (let b = first; b <= last; b += width) point(b);
  return [...byBucket.values()].sort((x, y) => x.t - y.t);
}

/** failed: deliveries that gave up; retrying: ones whose last try failed and that will try again */
export type FailingHost = { host: string; failed: number; retrying: number };

/**
 * The destination hosts with the most failing deliveries (since a time), most first: failed and
 * retrying both, so a host that has answered 500 for an hour shows before its retries run out.
 */
export async function failingHosts(options: { since?: Date; limit?: number } = {}): Promise<FailingHost[]> {
  // counted and ranked in SQL: a host templated per user (https://{{user.crm}}/...) may be one group per user
  const p = new SqlParams();
  const since = options.since ? ` AND "updatedAt" >= ${p.add("date", options.since)}` : "";
  const rows = await rawDb(db()).query<{ host: string; failed: unknown; retrying: unknown }>(
    `SELECT "host", SUM(CASE WHEN "state" = 'failed' THEN 1 ELSE 0 END) AS failed, SUM(CASE WHEN "state" = 'retrying' THEN 1 ELSE 0 END) AS retrying
     FROM ${tableName("Delivery")} WHERE "state" IN ('failed', 'retrying') AND "host" IS NOT NULL${since}
     GROUP BY "host" ORDER BY COUNT(*) DESC, failed DESC, "host" LIMIT ${Math.max(1, Math.floor(options.limit ?? 10))}`,
    p.values,
  );
  return rows.map((r) => ({ host: r.host, failed: Number(r.failed), retrying: Number(r.retrying) }));
}

/**
 * Deliveries that failed before a request was sent (a template or data error: no host was ever
 * reached, so failingHosts cannot name one), since a time. Activity says how many beside the hosts,
 * so "92 failed" in the chart and an empty host list do not contradict each other.
 */
export async function failedBeforeRequest(options: { since?: Date } = {}): Promise<number> {
  const p = new SqlParams();
  const since = options.since ? ` AND "updatedAt" >= ${p.add("date", options.since)}` : "";
  const [row] = await rawDb(db()).query<{ n: unknown }>(
    `SELECT COUNT(*) AS n FROM ${tableName("Delivery")} WHERE "state" = 'failed' AND "host" IS NULL${since}`,
    p.values,
  );
  return Number(row?.n ?? 0);
}

/** How far back the Activity page looks. */
const ACTIVITY_WINDOW_DAYS = 7;

/** Every campaign's outcomes over the activity window, and the hosts that failed most in it. */
export async function activityOutcomes(now = new Date()) {
  const since = new Date(now.getTime() - ACTIVITY_WINDOW_DAYS * 86_400_000);
  const [series, hosts, beforeRequest] = await Promise.all([outcomeSeries({ since, until: now }), failingHosts({ since, limit: 10 }), failedBeforeRequest({ since })]);
  return { series, failingHosts: hosts, failedBeforeRequest: beforeRequest, windowDays: ACTIVITY_WINDOW_DAYS };
}
export type ActivityOutcomes = Awaited<ReturnType<typeof activityOutcomes>>;
