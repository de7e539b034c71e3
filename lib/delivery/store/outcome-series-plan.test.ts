// How the outcome charts find their deliveries, pinned on both databases: Activity's window reads
// the rows in Delivery_outcome_time_idx from its start on and no others (it read every delivery in an
// outcome state before: 1 s at 200,000); a campaign's chart reads through (campaignId, state, dueAt).
import { describe, expect, it } from "vitest";
import { db } from "../../db";
import { plannerStatisticsSql, prismaProvider } from "../../db/dialect";
import { rawDb } from "../../db/raw";
import { mostRowsExamined, postgresPlan, queryPlan } from "../testing/query-plan";
import { createCampaign, createUsers } from "../testing/fixtures";
import { outcomeCountsStatement, outcomeRangeStatement, outcomeSeries } from "./outcome-series";

const DAY = 86_400_000;

describe("the outcome charts' plans", () => {
  it.runIf(prismaProvider() === "sqlite")("read Activity's window from the outcome-time index alone, a campaign's through its own", async () => {
    const since = new Date();
    for (const statement of [outcomeRangeStatement({ since }), outcomeCountsStatement({ since }, 3600)]) {
      const steps = (await queryPlan(statement)).steps.join("\n");
      // a range of the index per outcome state, nothing read from the table
      expect(steps).toMatch(/SEARCH d USING COVERING INDEX Delivery_outcome_time_idx \(state=\? AND <expr>>\?\)/);
      expect(steps).not.toMatch(/Delivery_state_dueAt_idx/);
    }
    for (const statement of [outcomeRangeStatement({ campaignId: "c" }), outcomeCountsStatement({ campaignId: "c" }, 3600)]) {
      expect((await queryPlan(statement)).steps.join("\n")).toMatch(/USING INDEX Delivery_campaignId_state_dueAt_idx \(campaignId=\? AND state=\?\)/);
    }
  });

  it.runIf(prismaProvider() === "postgresql")("read about as many deliveries as Activity's window holds, however many came before it", async () => {
    await createUsers(100, "osp");
    const c = await createCampaign({ url: "http://127.0.0.1:9/a", name: "Plans", status: "active" });
    const now = Date.now();
    const states = ["delivered", "failed", "retrying", "suppressed", "scheduled", "cancelled"];
    const row = (i: number, at: Date) => {
      const state = states[i % states.length]!;
      return {
        id: `osp_${i}`, webhookId: `msg_osp_${i}`, campaignId: c.id, actionId: c.actions[0].id, userId: `osp${String(i % 100).padStart(6, "0")}`,
        triggerKey: `osp:${i}`, plannedAt: at, dueAt: at, state, sentAt: state === "delivered" || state === "failed" ? at : null, updatedAt: at,
      };
    };
    // 20,000 from the month before the window, 60 in it (40 in an outcome state)
    const old = Array.from({ length: 20_000 }, (_, i) => row(i, new Date(now - 8 * DAY - (i % 30) * DAY / 30)));
    for (let i = 0; i < old.length; i += 5000) await db().delivery.createMany({ data: old.slice(i, i + 5000) });
    await db().delivery.createMany({ data: Array.from({ length: 60 }, (_, k) => row(20_000 + k, new Date(now - (k + 1) * 60_000))) });
    await rawDb(db()).query(plannerStatisticsSql("Delivery")!, []);
    const since = new Date(now - 7 * DAY);
    for (const statement of [outcomeRangeStatement({ since }), outcomeCountsStatement({ since }, 3600)]) {
      const plan = await postgresPlan(statement);
      expect(plan).toMatch(/Delivery_outcome_time_idx/);
      expect(mostRowsExamined(plan, "Delivery"), plan).toBeLessThanOrEqual(60);
    }
    const series = await outcomeSeries({ since });
    expect(series.points.reduce((s, p) => s + p.delivered + p.failed + p.retrying + p.suppressed, 0)).toBe(40);
  });
});
