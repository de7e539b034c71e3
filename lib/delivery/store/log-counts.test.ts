// The delivery log's counts (log-counts.ts): exact up to COUNT_CAP, "10,000+" past it, read from a
// bounded number of index entries whatever the campaign's size, and right through every state change.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../db";
import { tableName } from "../../db/bulk-insert";
import { plannerStatisticsSql, prismaProvider } from "../../db/dialect";
import { rawDb } from "../../db/raw";
import { DELIVERY_STATES } from "../core/states";
import { EmbeddedEngine } from "../engine/embedded-engine";
import { setDeliveryQueue } from "../engine/queue";
import { testDeliveryDeps } from "../testing/deps";
import { createCampaign, createUsers } from "../testing/fixtures";
import { mostRowsExamined, postgresPlan, queryPlan } from "../testing/query-plan";
import { startReceiver, waitFor } from "../testing/receiver";
import { claimDue, releaseLeases } from "./claim";
import { COUNT_CAP, countText, SUCCESS_SAMPLE } from "../core/count-cap";
import { countsStatement, deliveryCounts } from "./log-counts";
import { deliveryStats, lastAttemptDurationsStatement, lastFinishedStatement, listDeliveries, SUCCESS_WALK } from "./log-queries";
import { activateCampaign, cancelScheduled, retryAllFailed } from "./lifecycle";

/** `n` deliveries of `campaign` in `state`, written by one INSERT ... SELECT. */
async function insertDeliveries(campaign: { id: string; actions: { id: string }[] }, n: number, state: string, prefix: string, laterSeconds = 0) {
  const T = tableName("Delivery");
  const cols = `"id", "webhookId", "campaignId", "actionId", "userId", "triggerKey", "plannedAt", "dueAt", "state", "createdAt", "updatedAt"`;
  if (prismaProvider() === "postgresql") {
    const at = `TIMESTAMP '2026-01-01 00:00:00' + (i + ${laterSeconds}) * interval '1 second'`;
    await db().$executeRawUnsafe(
      `INSERT INTO ${T} (${cols}) SELECT '${prefix}' || i, 'msg_${prefix}' || i, $1, $2, 'lk000000', '${prefix}:' || i, ${at}, ${at}, $3, ${at}, ${at} FROM generate_series(0, ${n - 1}) AS i`,
      campaign.id, campaign.actions[0]!.id, state,
    );
  } else {
    const at = `strftime('%Y-%m-%dT%H:%M:%f', 1767225600 + ${laterSeconds} + i, 'unixepoch') || '+00:00'`;
    await db().$executeRawUnsafe(
      `INSERT INTO ${T} (${cols}) WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${n - 1}) SELECT '${prefix}' || i, 'msg_${prefix}' || i, ?, ?, 'lk000000', '${prefix}:' || i, ${at}, ${at}, ?, ${at}, ${at} FROM n`,
      campaign.id, campaign.actions[0]!.id, state,
    );
  }
}

/** What the rows say, counted in full and then capped as the log says it: the truth the log's counts must match. */
async function exactCounts(campaignId?: string) {
  const groups = await db().delivery.groupBy({ by: ["state"], where: campaignId ? { campaignId } : {}, _count: { _all: true } });
  const counts = Object.fromEntries(DELIVERY_STATES.map((s) => [s, 0])) as Record<string, number>;
  const capped: string[] = [];
  for (const g of groups) {
    counts[g.state] = Math.min(COUNT_CAP, g._count._all);
    if (g._count._all > COUNT_CAP) capped.push(g.state);
  }
  capped.sort((a, b) => DELIVERY_STATES.indexOf(a as never) - DELIVERY_STATES.indexOf(b as never));
  if (capped.length) capped.push("total");
  const exact: Record<string, number | string[]> = { ...counts, total: Object.values(counts).reduce((n, k) => n + k, 0), capped };
  return exact;
}

describe("the log's counts past COUNT_CAP", () => {
  let big: Awaited<ReturnType<typeof createCampaign>>;
  beforeAll(async () => {
    await createUsers(1, "lk");
    big = await createCampaign({ url: "http://127.0.0.1:9/big", name: "Big", status: "active" });
    await insertDeliveries(big, COUNT_CAP + 50, "delivered", "lkd");
    await insertDeliveries(big, 7, "failed", "lkf");
    const statistics = plannerStatisticsSql("Delivery");
    if (statistics) await rawDb(db()).query(statistics, []);
  }, 120_000);

  it("say 10,000+ for a state and for the total, exact below", async () => {
    const counts = await deliveryCounts(big.id);
    expect(counts).toMatchObject({ delivered: COUNT_CAP, failed: 7, scheduled: 0, total: COUNT_CAP + 7, capped: ["delivered", "total"] });
    expect(countText(counts.delivered, counts.capped.includes("delivered"))).toBe("10,000+");
    expect(countText(counts.failed, counts.capped.includes("failed"))).toBe("7");
    expect(await deliveryCounts()).toMatchObject({ delivered: COUNT_CAP, capped: ["delivered", "total"] });
  });

  it("the log's page says 10,000+ deliveries (and 200+ pages), exact when filtered below the cap", async () => {
    expect(await listDeliveries({ campaignId: big.id })).toMatchObject({ total: COUNT_CAP, totalCapped: true, pages: COUNT_CAP / 50 });
    expect(await listDeliveries({ campaignId: big.id, state: "failed" })).toMatchObject({ total: 7, totalCapped: false, pages: 1 });
    // a numbered page past the cap's last still reads its rows
    const deep = await listDeliveries({ campaignId: big.id, page: (COUNT_CAP + 50) / 50 + 1 });
    expect(deep.items).toHaveLength(7);
  });

  it("the success rate is of the last 1,000 finished deliveries, not of every one", async () => {
    const recent = await createCampaign({ url: "http://127.0.0.1:9/recent", name: "Recent failures", status: "active" });
    await insertDeliveries(recent, 5000, "delivered", "lrd");
    await insertDeliveries(recent, 1000, "failed", "lrf", 10_000);
    await insertDeliveries(recent, 20, "cancelled", "lrs", 20_000);
    expect(await deliveryStats(recent.id)).toMatchObject({ successRate: 0, successSample: 1000 });
    expect(await deliveryStats(big.id)).toMatchObject({ successSample: 1000 });
  });

  it.runIf(prismaProvider() === "sqlite")("the success rate walks the log's order, sorting nothing", async () => {
    for (const campaignId of [big.id, undefined]) {
      const plan = (await queryPlan(lastFinishedStatement(campaignId))).steps.join("\n");
      expect(plan).toMatch(/Delivery_(campaignId_)?updatedAt_id_idx/);
      expect(plan).not.toMatch(/TEMP B-TREE/);
    }
  });

  it.runIf(prismaProvider() === "postgresql")("read at most COUNT_CAP + 1 rows of each state, however many there are", async () => {
    for (const campaignId of [big.id, undefined]) {
      const plan = await postgresPlan(countsStatement(campaignId, COUNT_CAP));
      expect(mostRowsExamined(plan, "Delivery")).toBeLessThanOrEqual(COUNT_CAP + 1);
      expect(plan).toMatch(/Index Only Scan|Index Scan/);
      // the success rate's newest finished rows: a few SUCCESS_SAMPLEs at most, not the 16,000 deliveries
      expect(mostRowsExamined(await postgresPlan(lastFinishedStatement(campaignId)), "Delivery")).toBeLessThanOrEqual(3 * SUCCESS_SAMPLE);
    }
  });
  // last: its rows would change the plans the tests above read
  it("a campaign whose rows all wait walks at most SUCCESS_WALK of them for its success rate, and its attempts are read through its own deliveries", async () => {
    const waiting = await createCampaign({ url: "http://127.0.0.1:9/waiting", name: "All waiting", status: "active" });
    await insertDeliveries(waiting, SUCCESS_WALK + 500, "scheduled", "lkw", 30_000);
    await insertDeliveries(waiting, 10, "delivered", "lkwd");
    // as autovacuum would after such an insert (the plans below are PostgreSQL's with its statistics)
    const statistics = plannerStatisticsSql("Delivery");
    if (statistics) await rawDb(db()).query(statistics, []);
    // the ten finished ones are older than the newest SUCCESS_WALK: not found, not walked to
    expect(await deliveryStats(waiting.id)).toMatchObject({ successRate: null, successSample: 0 });
    if (prismaProvider() === "postgresql") {
      expect(mostRowsExamined(await postgresPlan(lastFinishedStatement(waiting.id)), "Delivery")).toBeLessThanOrEqual(SUCCESS_WALK);
    } else {
      const plan = (await queryPlan(lastAttemptDurationsStatement(waiting.id))).steps.join("\n");
      expect(plan).toMatch(/DeliveryAttempt_deliveryId_number_idx/);
    }
  });
});

describe("the log's counts follow every state change", () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    // lc0: 200; lc1: 400 (failed at once); lc2: 503 every time (retrying 3 s, so the counts are read while it waits; then failed)
    receiver = await startReceiver((req) => ({ status: req.path.endsWith("lcs000000") ? 200 : req.path.endsWith("lcs000001") ? 400 : 503 }));
  });
  afterAll(async () => {
    setDeliveryQueue(null);
    await receiver.close();
  });

  it("through fan-out, claim, release, send, retry, failure, retry by hand and cancel", async () => {
    await createUsers(3, "lcs");
    const campaign = await createCampaign({ url: `${receiver.url}/c/{{user.id}}`, audience: { match: "all", conditions: [{ key: "id", operator: "contains", value: "lcs" }] } });
    const same = async (expected?: Partial<Record<string, number>>) => {
      const counts = await deliveryCounts(campaign.id);
      expect(counts).toEqual(await exactCounts(campaign.id));
      if (expected) expect(counts).toMatchObject(expected);
      expect(await deliveryCounts()).toEqual(await exactCounts());
    };
    expect(await activateCampaign(campaign.id)).toMatchObject({ ok: true });
    await same({ scheduled: 3, total: 3 });

    const two = (await db().delivery.findMany({ where: { campaignId: campaign.id }, take: 2, select: { id: true } })).map((d) => d.id);
    const claimed = await claimDue(db(), { workerId: "w-lc", now: new Date(Date.now() + 60_000), leaseMs: 30_000, limit: 2, ids: two });
    expect(claimed).toHaveLength(2);
    await same({ scheduled: 1, sending: 2 });
    await releaseLeases(db(), "w-lc");
    await same({ scheduled: 3 });

    const engine = new EmbeddedEngine(db(), await testDeliveryDeps({ retryScheduleMs: [8000, 100] }), { concurrency: 10, hostConcurrency: 10, leaseMs: 30_000, idlePollMs: 50 });
    setDeliveryQueue(engine);
    await engine.start();
    try {
      await waitFor(async () => {
        const c = await exactCounts(campaign.id);
        return c.retrying === 1 && c.delivered === 1 && c.failed === 1;
      }, 20_000);
      await same({ delivered: 1, failed: 1, retrying: 1 });
      await waitFor(async () => (await exactCounts(campaign.id)).failed === 2, 20_000);
      await same({ delivered: 1, failed: 2, total: 3 });
    } finally {
      await engine.stop();
    }

    expect((await retryAllFailed(campaign.id, "test")).retried).toBe(2);
    await same({ delivered: 1, scheduled: 2 });
    expect(await cancelScheduled(campaign.id, "test")).toBe(2);
    await same({ delivered: 1, cancelled: 2, total: 3 });
  }, 60_000);
});
