// The Activity chart at scale (OUTCOME_SCALE=200000 npx vitest run <this file>): N deliveries and
// N attempts spread over 30 days, the 7-day window read once in full (every delivery in an outcome
// state and every attempt tested with an epoch-second filter no index serves, as the chart read
// before Delivery_outcome_time_idx) and once with outcomeSeries (the window's rows only). Prints
// both times; the two series must be the same, bucket by bucket. Skipped without OUTCOME_SCALE.
import { describe, expect, it } from "vitest";
import { db } from "../../db";
import { epochSecondsSql, timeBucketSql } from "../../db/dialect";
import { rawDb } from "../../db/raw";
import { tableName } from "../../db/bulk-insert";
import { SqlParams } from "../../db/raw-sql";
import { OUTCOME_STATES } from "../core/states";
import { chooseBucketSeconds, outcomeSeries, type Outcome, type OutcomePoint } from "./outcome-series";
import { createCampaign, createUsers } from "../testing/fixtures";

const N = Number(process.env.OUTCOME_SCALE ?? 0);
const DAY = 86_400_000;

describe.skipIf(!N)("outcomeSeries at scale", () => {
  it(`reads a 7-day window of ${N} deliveries and attempts`, async () => {
    await createUsers(1000, "sc");
    const c = await createCampaign({ url: "http://127.0.0.1:9/a", name: "Scale", status: "active" });
    const now = Date.now();
    const states = ["delivered", "delivered", "delivered", "failed", "retrying", "suppressed"];
    for (let from = 0; from < N; from += 5000) {
      const ids = Array.from({ length: Math.min(5000, N - from) }, (_, k) => from + k);
      const when = (i: number) => new Date(now - ((i * 7919) % (30 * DAY / 1000)) * 1000);
      await db().delivery.createMany({
        data: ids.map((i) => {
          const state = states[i % states.length]!;
          return {
            id: `sc_${i}`, webhookId: `msg_sc_${i}`, campaignId: c.id, actionId: c.actions[0].id, userId: `sc${String(i % 1000).padStart(6, "0")}`,
            triggerKey: `sc:${i}`, plannedAt: when(i), dueAt: when(i), state, sentAt: state === "suppressed" ? null : when(i), updatedAt: when(i),
          };
        }),
      });
      await db().deliveryAttempt.createMany({
        data: ids.map((i) => ({ deliveryId: `sc_${i}`, number: 1, startedAt: when(i), durationMs: (i * 31) % 2000, outcome: "delivered", request: {} })),
      });
    }
    const since = new Date(now - 7 * DAY);
    const time = async <T>(f: () => Promise<T>) => {
      const t0 = performance.now();
      const r = await f();
      return { ms: performance.now() - t0, r };
    };
    // warm up, then best of 3
    const best = async <T>(f: () => Promise<T>) => {
      await f();
      let out = await time(f);
      for (let k = 0; k < 2; k++) {
        const next = await time(f);
        if (next.ms < out.ms) out = next;
      }
      return out;
    };
    const full = await best(() => fullReadSeries(since));
    const window = await best(() => outcomeSeries({ since }));
    const inWindow = window.r.points.filter((p) => p.delivered + p.failed + p.retrying + p.suppressed + p.attempts > 0);
    const rows = inWindow.reduce((s, p) => s + p.delivered + p.failed + p.retrying + p.suppressed, 0);
    console.log(`${process.env.DATABASE_URL?.startsWith("postgres") ? "PostgreSQL" : "SQLite"} ${N} deliveries + ${N} attempts, 7 of 30 days: full read ${full.ms.toFixed(0)} ms, window ${window.ms.toFixed(0)} ms; deliveries in window ${rows}`);
    expect(window.r.bucketSeconds).toBe(full.r.bucketSeconds);
    expect(inWindow).toEqual(full.r.points);
    expect(rows).toBeGreaterThan(N / 5);
  }, 600_000);
});

// the series read in full: the three queries with the epoch-second filter (no index can serve it),
// their rows as outcomeSeries' non-empty points
async function fullReadSeries(since: Date): Promise<{ bucketSeconds: number; points: OutcomePoint[] }> {
  const raw = rawDb(db());
  const T = `COALESCE(d."sentAt", d."updatedAt")`;
  const s = Math.floor(since.getTime() / 1000);
  const p1 = new SqlParams();
  const [range] = await raw.query<{ lo: unknown; hi: unknown }>(
    `SELECT MIN(${epochSecondsSql(T)}) AS lo, MAX(${epochSecondsSql(T)}) AS hi FROM ${tableName("Delivery")} d WHERE d."state" IN (${p1.list("text", OUTCOME_STATES)}) AND ${epochSecondsSql(T)} >= ${s}`,
    p1.values,
  );
  const width = chooseBucketSeconds((Number(range!.hi) - Number(range!.lo)) * 1000);
  const p2 = new SqlParams();
  const counts = await raw.query<{ b: unknown; state: string; n: unknown }>(
    `SELECT ${timeBucketSql(T, width)} AS b, d."state" AS state, COUNT(*) AS n FROM ${tableName("Delivery")} d WHERE d."state" IN (${p2.list("text", OUTCOME_STATES)}) AND ${epochSecondsSql(T)} >= ${s} GROUP BY 1, 2`,
    p2.values,
  );
  const bucket = timeBucketSql(`a."startedAt"`, width);
  const timing = await raw.query<{ b: unknown; attempts: unknown; p50: unknown; p95: unknown }>(
    `SELECT b, COUNT(*) AS attempts, MAX(CASE WHEN rn = (n * 50 + 99) / 100 THEN ms END) AS p50, MAX(CASE WHEN rn = (n * 95 + 99) / 100 THEN ms END) AS p95
     FROM (SELECT ${bucket} AS b, a."durationMs" AS ms, ROW_NUMBER() OVER (PARTITION BY ${bucket} ORDER BY a."durationMs") AS rn, COUNT(*) OVER (PARTITION BY ${bucket}) AS n
           FROM ${tableName("DeliveryAttempt")} a WHERE ${epochSecondsSql(`a."startedAt"`)} >= ${s}) ranked GROUP BY b`,
    [],
  );
  const points = new Map<number, OutcomePoint>();
  const point = (b: number) => {
    let p = points.get(b);
    if (!p) points.set(b, (p = { t: b * 1000, delivered: 0, retrying: 0, failed: 0, suppressed: 0, attempts: 0, p50Ms: null, p95Ms: null }));
    return p;
  };
  for (const r of counts) point(Number(r.b))[r.state as Outcome] = Number(r.n);
  for (const r of timing) Object.assign(point(Number(r.b)), { attempts: Number(r.attempts), p50Ms: Number(r.p50), p95Ms: Number(r.p95) });
  return { bucketSeconds: width, points: [...points.values()].sort((x, y) => x.t - y.t) };
}
