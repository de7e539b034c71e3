// The outcome chart's aggregates against the real database: known deliveries and attempts in,
// the expected buckets, counts and percentiles out (run on SQLite and on PostgreSQL).
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "../../db";
import { campaignOutcomes } from "./campaign-outcomes";
import { activityOutcomes, chooseBucketSeconds, failedBeforeRequest, failingHosts, outcomeSeries } from "./outcome-series";
import { createCampaign, createUsers } from "../testing/fixtures";
import { epochSecondsSql } from "../../db/dialect";
import { rawDb } from "../../db/raw";
import { tableName } from "../../db/bulk-insert";
import { SqlParams } from "../../db/raw-sql";
import { OUTCOME_STATES } from "../core/states";

const T0 = Date.parse("2026-01-01T10:00:00.000Z");
const at = (seconds: number) => new Date(T0 + seconds * 1000);
let seq = 0;

async function delivery(campaign: { id: string; actions: { id: string }[] }, state: string, when: Date | null, options: { host?: string; updatedAt?: Date; durations?: number[] } = {}) {
  const n = seq++;
  const d = await db().delivery.create({
    data: {
      webhookId: `msg_os_${n}`,
      campaignId: campaign.id,
      actionId: campaign.actions[0].id,
      userId: `os${String(n % 4).padStart(6, "0")}`,
      triggerKey: `test:${n}`,
      plannedAt: at(-60),
      dueAt: at(-60),
      state,
      sentAt: when,
      host: options.host ?? null,
      updatedAt: options.updatedAt ?? when ?? at(0),
    },
  });
  for (const [i, ms] of (options.durations ?? []).entries()) {
    await db().deliveryAttempt.create({
      data: { deliveryId: d.id, number: i + 1, startedAt: when ?? at(0), durationMs: ms, outcome: state === "delivered" ? "delivered" : "failed", request: {} },
    });
  }
  return d;
}

let a: Awaited<ReturnType<typeof createCampaign>>;
let b: Awaited<ReturnType<typeof createCampaign>>;

beforeAll(async () => {
  await createUsers(4, "os");
  a = await createCampaign({ url: "http://127.0.0.1:9/a", name: "A", status: "active" });
  b = await createCampaign({ url: "http://127.0.0.1:9/b", name: "B", rule: { when: "triggered", event: "x" } });
  // campaign A: 10-second buckets over its two minutes
  await delivery(a, "delivered", at(5), { durations: [10, 40] });
  await delivery(a, "delivered", at(7), { durations: [100, 20, 30] });
  await delivery(a, "delivered", at(15), { durations: [50] });
  await delivery(a, "failed", at(61), { host: "a.example", durations: [7] });
  await delivery(a, "failed", at(62), { host: "a.example" });
  await delivery(a, "retrying", at(71), { host: "a.example" });
  await delivery(a, "suppressed", null, { updatedAt: at(125) });
  await delivery(a, "scheduled", null, { updatedAt: at(3) });
  await delivery(a, "cancelled", null, { updatedAt: at(3) });
  // campaign B: one more delivery in A's first bucket, and a failure at another host
  await delivery(b, "delivered", at(9), { durations: [1000] });
  await delivery(b, "failed", at(9), { host: "b.example" });
});

describe("chooseBucketSeconds", () => {
  it("keeps a span to at most 60 buckets, 10 seconds at the finest", () => {
    expect(chooseBucketSeconds(0)).toBe(10);
    expect(chooseBucketSeconds(125_000)).toBe(10);
    expect(chooseBucketSeconds(10 * 60_000)).toBe(30);
    expect(chooseBucketSeconds(2 * 3_600_000)).toBe(300);
    expect(chooseBucketSeconds(3 * 86_400_000)).toBe(3 * 3600);
    expect(chooseBucketSeconds(10 * 365 * 86_400_000)).toBe(7 * 86_400);
  });
});

describe("outcomeSeries", () => {
  it("counts one campaign's deliveries by outcome per bucket, with nearest-rank p50/p95 of its attempts", async () => {
    const series = await outcomeSeries({ campaignId: a.id });
    expect(series.bucketSeconds).toBe(10);
    // every bucket from the first to the last, empty ones included
    expect(series.points.map((p) => (p.t - T0) / 1000)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120]);
    const byOffset = new Map(series.points.map((p) => [(p.t - T0) / 1000, p]));
    // attempts 10, 20, 30, 40, 100: rank ceil(2.5) = 3 -> 30 ms; rank ceil(4.75) = 5 -> 100 ms
    expect(byOffset.get(0)).toEqual({ t: T0, delivered: 2, retrying: 0, failed: 0, suppressed: 0, attempts: 5, p50Ms: 30, p95Ms: 100 });
    expect(byOffset.get(10)).toMatchObject({ delivered: 1, attempts: 1, p50Ms: 50, p95Ms: 50 });
    expect(byOffset.get(30)).toEqual({ t: T0 + 30_000, delivered: 0, retrying: 0, failed: 0, suppressed: 0, attempts: 0, p50Ms: null, p95Ms: null });
    expect(byOffset.get(60)).toMatchObject({ failed: 2, delivered: 0, attempts: 1, p50Ms: 7, p95Ms: 7 });
    expect(byOffset.get(70)).toMatchObject({ retrying: 1 });
    // never attempted: counted when it was last written
    expect(byOffset.get(120)).toMatchObject({ suppressed: 1 });
    const total = series.points.reduce((s, p) => s + p.delivered + p.failed + p.retrying + p.suppressed, 0);
    expect(total).toBe(7);
  });

  it("adds up every campaign without a campaign, and leaves out what came before `since`", async () => {
    const all = await outcomeSeries();
    const first = all.points.find((p) => p.t === T0)!;
    // 10, 20, 30, 40, 100, 1000: rank ceil(3) = 3 -> 30 ms; rank ceil(5.7) = 6 -> 1000 ms
    expect(first).toEqual({ t: T0, delivered: 3, retrying: 0, failed: 1, suppressed: 0, attempts: 6, p50Ms: 30, p95Ms: 1000 });

    const later = await outcomeSeries({ campaignId: a.id, since: at(60) });
    expect(later.points[0]).toMatchObject({ t: T0 + 60_000, failed: 2 });
    expect(later.points.reduce((s, p) => s + p.delivered, 0)).toBe(0);
  });

  it("gives over a window exactly what the epoch-second filter gave (sub-second starts, suppressed via updatedAt)", async () => {
    // the filter before the indexes: the whole epoch second of the outcome time against since's
    const raw = rawDb(db());
    const oldCount = async (since: Date, campaignId?: string) => {
      const p = new SqlParams();
      const s = Math.floor(since.getTime() / 1000);
      const states = p.list("text", OUTCOME_STATES);
      const scope = campaignId ? ` AND d."campaignId" = ${p.add("text", campaignId)}` : "";
      const [d] = await raw.query<{ n: unknown }>(
        `SELECT COUNT(*) AS n FROM ${tableName("Delivery")} d WHERE d."state" IN (${states})${scope} AND ${epochSecondsSql(`COALESCE(d."sentAt", d."updatedAt")`)} >= ${s}`,
        p.values,
      );
      const q = new SqlParams();
      const join = campaignId ? ` JOIN ${tableName("Delivery")} d ON d."id" = a."deliveryId" AND d."campaignId" = ${q.add("text", campaignId)}` : "";
      const [t] = await raw.query<{ n: unknown }>(`SELECT COUNT(*) AS n FROM ${tableName("DeliveryAttempt")} a${join} WHERE ${epochSecondsSql(`a."startedAt"`)} >= ${s}`, q.values);
      return { deliveries: Number(d!.n), attempts: Number(t!.n) };
    };
    const total = (points: Awaited<ReturnType<typeof outcomeSeries>>["points"]) => ({
      deliveries: points.reduce((sum, p) => sum + p.delivered + p.failed + p.retrying + p.suppressed, 0),
      attempts: points.reduce((sum, p) => sum + p.attempts, 0),
    });
    for (const seconds of [0, 4.5, 5, 5.999, 7, 9.2, 15, 61.5, 71, 124.9, 125, 126]) {
      const since = new Date(T0 + seconds * 1000);
      for (const campaignId of [a.id, undefined]) {
        const series = await outcomeSeries({ campaignId, since });
        const expected = await oldCount(since, campaignId);
        if (campaignId) expect(total(series.points), `campaign A since +${seconds}s`).toEqual(expected);
        else expect(total(series.points), `every campaign since +${seconds}s`).toEqual(expected);
      }
    }
    // the buckets themselves are unchanged by a sub-second start within the same second
    expect(await outcomeSeries({ campaignId: a.id, since: new Date(T0 + 5_999) })).toEqual(await outcomeSeries({ campaignId: a.id, since: at(5) }));
  });

  it("runs the axis to `until` (Activity: now), so a quiet spell after the last outcome shows as empty buckets", async () => {
    const series = await outcomeSeries({ campaignId: a.id, until: at(15 * 60 + 3) });
    // fifteen minutes: 30-second buckets, from the first outcome to the bucket holding `until`
    expect(series.bucketSeconds).toBe(30);
    expect((series.points.at(-1)!.t - T0) / 1000).toBe(900);
    expect(series.points.slice(5).every((p) => p.delivered + p.failed + p.retrying + p.suppressed === 0)).toBe(true);
    expect(series.points.reduce((s, p) => s + p.delivered + p.failed + p.retrying + p.suppressed, 0)).toBe(7);
    // an `until` before the last outcome changes nothing
    expect(await outcomeSeries({ campaignId: a.id, until: at(0) })).toEqual(await outcomeSeries({ campaignId: a.id }));
  });

  it("is empty for a campaign without outcomes", async () => {
    const c = await createCampaign({ url: "http://127.0.0.1:9/c" });
    expect((await outcomeSeries({ campaignId: c.id })).points).toEqual([]);
  });
});

describe("failingHosts", () => {
  it("lists hosts by failed and retrying deliveries, most first", async () => {
    // retrying deliveries count too: a host failing for an hour shows before its retries run out
    expect(await failingHosts()).toEqual([
      { host: "a.example", failed: 2, retrying: 1 },
      { host: "b.example", failed: 1, retrying: 0 },
    ]);
    expect(await failingHosts({ limit: 1 })).toEqual([{ host: "a.example", failed: 2, retrying: 1 }]);
  });
});

describe("failedBeforeRequest", () => {
  it("counts failures that never reached a host (template errors), which failingHosts cannot list", async () => {
    // Activity showed "92 failed" in its chart and "No failed or retrying deliveries" under the hosts
    const c = await createCampaign({ url: "http://127.0.0.1:9/c", name: "C" });
    const now = new Date(Date.parse("2026-03-01T10:00:00.000Z"));
    const since = new Date(now.getTime() - 60_000);
    await delivery(c, "failed", null, { updatedAt: new Date(now.getTime() - 1000) });
    await delivery(c, "failed", null, { updatedAt: new Date(now.getTime() - 2000) });
    await delivery(c, "failed", null, { updatedAt: new Date(now.getTime() - 120_000) }); // before the window
    await delivery(c, "suppressed", null, { updatedAt: new Date(now.getTime() - 1000) });
    expect(await failedBeforeRequest({ since })).toBe(2);
    expect(await failingHosts({ since })).toEqual([]);
    const activity = await activityOutcomes(now);
    expect(activity.failingHosts).toEqual([]);
    expect(activity.failedBeforeRequest).toBe(3);
    expect(activity.series.points.reduce((n, p) => n + p.failed, 0)).toBe(3);
  });
});

describe("campaignOutcomes", () => {
  it("gives a one-off campaign's progress: delivered of planned, cancelled ones not planned", async () => {
    const outcomes = await campaignOutcomes(a.id);
    expect(outcomes?.progress).toEqual({ status: "active", oneOff: true, planned: 8, delivered: 3, failed: 2, suppressed: 1, waiting: 2 });
    expect(outcomes?.live).toBe(true);
    const triggered = await campaignOutcomes(b.id);
    expect(triggered?.progress.oneOff).toBe(false);
    expect(triggered?.live).toBe(false);
    expect(await campaignOutcomes("nope")).toBeNull();
  });
});
