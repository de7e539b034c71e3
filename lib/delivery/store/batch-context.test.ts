// The batch context reuses a campaign's action and campaign rows between batches only while they are
// unchanged: an edit or a pause shows in the very next batch.
import { describe, expect, it } from "vitest";
import { db } from "../../db";
import { BatchContextLoader } from "./batch-context";
import type { ClaimedDelivery } from "./claim";
import { createCampaign, createUsers } from "../testing/fixtures";
import { testDeliveryDeps } from "../testing/deps";
import { capCounts } from "./frequency-cap-holds";
import { rawDb } from "../../db/raw";

describe("batch context", () => {
  it("sees an edited action and a paused campaign in the next batch", async () => {
    await createUsers(2, "bc");
    const campaign = await createCampaign({ url: "http://127.0.0.1:9/one/{{user.id}}", status: "active" });
    const action = campaign.actions[0];
    const loader = new BatchContextLoader(db(), await testDeliveryDeps());
    const batch: ClaimedDelivery[] = [
      { id: "d1", webhookId: "msg_1", campaignId: campaign.id, actionId: action.id, userId: "bc000000", eventData: null, plannedAt: new Date(), attempts: 0, variantActionId: null },
    ];
    const first = await loader.load(batch, new Date());
    expect(first.actions.get(action.id)?.template?.url).toBe("http://127.0.0.1:9/one/{{user.id}}");
    expect(first.campaigns.get(campaign.id)?.status).toBe("active");
    // unchanged: the same rows again
    expect((await loader.load(batch, new Date())).actions.get(action.id)?.action).toBe(first.actions.get(action.id)?.action);

    await db().action.update({ where: { id: action.id }, data: { urlTemplate: "http://127.0.0.1:9/two/{{user.id}}" } });
    expect((await loader.load(batch, new Date())).actions.get(action.id)?.template?.url).toBe("http://127.0.0.1:9/two/{{user.id}}");

    await db().campaign.updateMany({ where: { id: campaign.id }, data: { status: "paused" } });
    expect((await loader.load(batch, new Date())).campaigns.get(campaign.id)?.status).toBe("paused");

    await db().campaign.update({ where: { id: campaign.id }, data: { status: "active" } });
    expect((await loader.load(batch, new Date())).campaigns.get(campaign.id)?.status).toBe("active");
  });
});

describe("the frequency cap's counts", () => {
  it("are rolling: a send 23:59:59 ago counts for the day, one 24:00:01 ago only for the week, none older than 7 days, whatever midnight lies between", async () => {
    const { setFrequencyCap } = await import("./frequency-cap-setting");
    await setFrequencyCap({ perDay: 5, perWeek: 10 }, { role: "admin" });
    try {
      await createUsers(1, "roll");
      const campaign = await createCampaign({ url: "http://127.0.0.1:9/roll/{{user.id}}", status: "active" });
      const action = campaign.actions[0];
      // 00:00:30 UTC: the sends of "yesterday" (by the calendar) 23:59:59 and 24:00:01 ago
      const now = new Date("2026-12-05T00:00:30Z");
      const ago = (ms: number) => new Date(now.getTime() - ms);
      const DAY = 86_400_000;
      const sentAts = [ago(DAY - 1000), ago(DAY + 1000), ago(7 * DAY - 1000), ago(7 * DAY + 1000)];
      for (const [i, sentAt] of sentAts.entries()) {
        await db().delivery.create({
          data: { webhookId: `msg_roll_${i}`, campaignId: campaign.id, actionId: action.id, userId: "roll000000", triggerKey: `t${i}`, plannedAt: sentAt, dueAt: sentAt, sentAt, state: "delivered" },
        });
      }
      expect((await capCounts(rawDb(db()), ["roll000000"], now)).get("roll000000")).toEqual({ day: 1, week: 3 });
    } finally {
      await setFrequencyCap(null, { role: "admin" });
    }
  });
});
