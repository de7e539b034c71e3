// The batch context reuses a campaign's action and campaign rows between batches only while they are
// unchanged: an edit or a pause shows in the very next batch.
import { describe, expect, it } from "vitest";
import { db } from "../../db";
import { BatchContextLoader } from "./batch-context";
import type { ClaimedDelivery } from "./claim";
import { createCampaign, createUsers } from "../testing/fixtures";
import { testDeliveryDeps } from "../testing/deps";

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
