// The live delivery log at scale (LOG_SCALE=1000000 npx vitest run <this file>): one campaign of N
// deliveries (and a small second one), then the queries of one refresh of the log (GET /api/deliveries:
// counts, stats, one page), for one campaign and for every campaign, unfiltered and filtered by state.
// Prints the best of 3 of each. Skipped without LOG_SCALE.
import { describe, expect, it } from "vitest";
import { db } from "../../db";
import { tableName } from "../../db/bulk-insert";
import { createCampaign, createUsers } from "../testing/fixtures";
import { deliveryCounts } from "./log-counts";
import { deliveryStats, listDeliveries } from "./log-queries";

const N = Number(process.env.LOG_SCALE ?? 0);

describe.skipIf(!N)("the delivery log at scale", () => {
  it(`refreshes the log of a campaign of ${N} deliveries`, async () => {
    await createUsers(1000, "lc");
    const c = await createCampaign({ url: "http://127.0.0.1:9/a", name: "Big", status: "active" });
    const small = await createCampaign({ url: "http://127.0.0.1:9/b", name: "Small", status: "active" });
    const now = Date.now();
    // mostly delivered, as a big send ends up; a few of every other state. Written by one INSERT ... SELECT
    // (createMany took minutes for a million rows on this machine).
    const pg = process.env.DATABASE_URL?.startsWith("postgres");
    const state = `CASE WHEN i % 100 = 1 THEN 'failed' WHEN i % 100 = 2 THEN 'retrying' WHEN i % 100 = 3 THEN 'scheduled' WHEN i % 1000 = 4 THEN 'suppressed' ELSE 'delivered' END`;
    const cols = `"id", "webhookId", "campaignId", "actionId", "userId", "triggerKey", "plannedAt", "dueAt", "state", "createdAt", "updatedAt"`;
    const T = tableName("Delivery");
    if (pg) {
      const at = `(to_timestamp(${now / 1000}) AT TIME ZONE 'UTC') - i * interval '10 milliseconds'`;
      await db().$executeRawUnsafe(
        `INSERT INTO ${T} (${cols}) SELECT 'lc_' || i, 'msg_lc_' || i, $1, $2, 'lc' || lpad((i % 1000)::text, 6, '0'), 'lc:' || i, ${at}, ${at}, ${state}, ${at}, ${at} FROM generate_series(0, ${N - 1}) AS i`,
        c.id, c.actions[0].id,
      );
    } else {
      const at = `strftime('%Y-%m-%dT%H:%M:%f', ${now / 1000} - i * 0.01, 'unixepoch') || '+00:00'`;
      await db().$executeRawUnsafe(
        `INSERT INTO ${T} (${cols}) WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${N - 1}) SELECT 'lc_' || i, 'msg_lc_' || i, ?, ?, 'lc' || printf('%06d', i % 1000), 'lc:' || i, ${at}, ${at}, ${state}, ${at}, ${at} FROM n`,
        c.id, c.actions[0].id,
      );
    }
    await db().delivery.createMany({
      data: Array.from({ length: 100 }, (_, i) => ({
        id: `ls_${i}`, webhookId: `msg_ls_${i}`, campaignId: small.id, actionId: small.actions[0].id, userId: `lc${String(i).padStart(6, "0")}`,
        triggerKey: `ls:${i}`, plannedAt: new Date(now), dueAt: new Date(now), state: "failed", updatedAt: new Date(now - 1e9),
      })),
    });
    expect(await db().delivery.count({ where: { campaignId: c.id } })).toBe(N);
    // as autovacuum leaves a table after a million inserts (visibility map set: index-only scans)
    if (pg) await db().$executeRawUnsafe(`VACUUM ANALYZE ${T}`);
    const best = async (f: () => Promise<unknown>) => {
      await f();
      let ms = Infinity;
      for (let k = 0; k < 3; k++) {
        const t0 = performance.now();
        await f();
        ms = Math.min(ms, performance.now() - t0);
      }
      return ms.toFixed(1);
    };
    const refresh = (campaignId?: string, state?: string) => Promise.all([deliveryCounts(campaignId), deliveryStats(campaignId), listDeliveries({ campaignId, state })]);
    const timings = {
      "counts (campaign)": await best(() => deliveryCounts(c.id)),
      "counts (all)": await best(() => deliveryCounts()),
      "stats (campaign)": await best(() => deliveryStats(c.id)),
      "stats (all)": await best(() => deliveryStats(undefined)),
      "page (campaign)": await best(() => listDeliveries({ campaignId: c.id })),
      "page (campaign, failed)": await best(() => listDeliveries({ campaignId: c.id, state: "failed" })),
      "page (all)": await best(() => listDeliveries({})),
      "page (all, failed)": await best(() => listDeliveries({ state: "failed" })),
      "page (all, cancelled)": await best(() => listDeliveries({ state: "cancelled" })),
      "refresh (campaign)": await best(() => refresh(c.id)),
      "refresh (campaign, failed)": await best(() => refresh(c.id, "failed")),
      "refresh (all)": await best(() => refresh()),
      "refresh (all, failed)": await best(() => refresh(undefined, "failed")),
    };
    const db_ = process.env.DATABASE_URL?.startsWith("postgres") ? "PostgreSQL" : "SQLite";
    console.log(`${db_} ${N} deliveries, ms (best of 3):\n${Object.entries(timings).map(([k, v]) => `  ${k}: ${v}`).join("\n")}`);
    const counts = await deliveryCounts(c.id);
    expect(counts.delivered).toBeGreaterThan(0);
  }, 1_800_000);
});
