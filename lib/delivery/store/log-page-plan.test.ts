// How the delivery log finds a page, pinned on both databases: a page after a cursor, however deep,
// is a walk of (updatedAt desc, id) or, for one campaign, (campaignId, updatedAt desc, id) from the
// cursor on, 51 rows read and nothing sorted. Without those indexes a deep page of a 100,000-delivery
// campaign read and sorted every one of its deliveries.
import { describe, expect, it } from "vitest";
import { db } from "../../db";
import { plannerStatisticsSql, prismaProvider } from "../../db/dialect";
import { rawDb } from "../../db/raw";
import { mostRowsExamined, postgresPlan, queryPlan } from "../testing/query-plan";
import { createCampaign, createUsers } from "../testing/fixtures";
import { deliveryLogPageStatement } from "./log-queries";

const deep = { updatedAt: new Date("2026-02-01T00:00:00.000Z"), id: "x" };

describe("the delivery log's page plans", () => {
  it.runIf(prismaProvider() === "sqlite")("read a page after a cursor from an index in the log's order, without sorting", async () => {
    const all = (await queryPlan(deliveryLogPageStatement({}, { after: deep }))).steps.join("\n");
    expect(all).toMatch(/SEARCH Delivery USING (COVERING )?INDEX Delivery_updatedAt_id_idx \(updatedAt<\?\)/);
    expect(all).not.toMatch(/TEMP B-TREE/);
    const one = (await queryPlan(deliveryLogPageStatement({ campaignId: "c" }, { after: deep }))).steps.join("\n");
    expect(one).toMatch(/SEARCH Delivery USING (COVERING )?INDEX Delivery_campaignId_updatedAt_id_idx \(campaignId=\? AND updatedAt<\?\)/);
    expect(one).not.toMatch(/TEMP B-TREE/);
    // the first page and an old link's ?page= walk the same index (no sort), from its start
    const numbered = (await queryPlan(deliveryLogPageStatement({ campaignId: "c" }, { offset: 500 }))).steps.join("\n");
    expect(numbered).toMatch(/Delivery_campaignId_updatedAt_id_idx \(campaignId=\?\)/);
    expect(numbered).not.toMatch(/TEMP B-TREE/);
  });

  it.runIf(prismaProvider() === "postgresql")("read about a page of rows for a deep page, however many deliveries come before it", async () => {
    await createUsers(100, "lpp");
    const c = await createCampaign({ url: "http://127.0.0.1:9/a", name: "Deep log", status: "active" });
    const other = await createCampaign({ url: "http://127.0.0.1:9/b", name: "Other log", status: "active" });
    const t0 = Date.parse("2026-01-01T00:00:00.000Z");
    const row = (camp: typeof c, i: number) => {
      const at = new Date(t0 + i * 1000);
      return {
        id: `lpp_${camp.id}_${i}`, webhookId: `msg_lpp_${camp.id}_${i}`, campaignId: camp.id, actionId: camp.actions[0].id, userId: `lpp${String(i % 100).padStart(6, "0")}`,
        triggerKey: `lpp:${i}`, plannedAt: at, dueAt: at, state: i % 4 ? "delivered" : "failed", sentAt: at, updatedAt: at,
      };
    };
    for (const camp of [c, other]) {
      const rows = Array.from({ length: 5000 }, (_, i) => row(camp, i));
      await db().delivery.createMany({ data: rows });
    }
    await rawDb(db()).query(plannerStatisticsSql("Delivery")!, []);
    // the 4,000th newest of the campaign: 1,000 of its rows are older
    const cursor = { updatedAt: new Date(t0 + 999 * 1000), id: `lpp_${c.id}_999` };
    for (const filter of [{}, { campaignId: c.id }]) {
      const plan = await postgresPlan(deliveryLogPageStatement(filter, { after: cursor }));
      expect(plan).toMatch(/Index (Only )?Scan using "Delivery_(campaignId_)?updatedAt_id_idx"/);
      expect(plan).not.toMatch(/Sort/);
      expect(mostRowsExamined(plan, "Delivery"), plan).toBeLessThanOrEqual(60);
    }
  }, 120_000);
});
