import { beforeAll, describe, expect, it } from "vitest";
import { db } from "../../db";
import { newWebhookId } from "../core/ids";
import { deliveryStats } from "./log-queries";
import { createCampaign, createUsers } from "../testing/fixtures";

const NOW = new Date("2026-06-01T12:00:00Z");

describe("deliveryStats counts deliveries, not attempts", () => {
  let campaignId = "";
  beforeAll(async () => {
    await createUsers(4, "lq");
    const campaign = await createCampaign({ url: "http://127.0.0.1:9/x", status: "active" });
    campaignId = campaign.id;
    // 3 delivered (one after two retryable attempts), 1 failed: 75 %, whatever the attempts say.
    const plan: { state: string; outcomes: string[] }[] = [
      { state: "delivered", outcomes: ["retryable", "retryable", "delivered"] },
      { state: "delivered", outcomes: ["delivered"] },
      { state: "delivered", outcomes: ["delivered"] },
      { state: "failed", outcomes: ["failed"] },
    ];
    for (const [i, p] of plan.entries()) {
      await db().delivery.create({
        data: {
          webhookId: newWebhookId(), campaignId, actionId: campaign.actions[0]!.id, userId: `lq00000${i}`,
          triggerKey: `lq:${i}`, plannedAt: NOW, dueAt: NOW, state: p.state, attempts: p.outcomes.length,
          attemptLog: {
            create: p.outcomes.map((outcome, n) => ({
              number: n + 1, startedAt: new Date(NOW.getTime() - 60_000 + n * 1000), durationMs: 10, outcome, request: {},
            })),
          },
        },
      });
    }
  });

  it("success rate is delivered of finished deliveries; the rate per minute counts deliveries", async () => {
    const stats = await deliveryStats(campaignId, NOW);
    expect(stats.successRate).toBe(0.75);
    // 4 deliveries (6 attempts) in the last 5 minutes
    expect(stats.deliveriesPerMinute).toBe(0.8);
  });

  it("no finished delivery: no rate", async () => {
    const empty = await createCampaign({ url: "http://127.0.0.1:9/y" });
    expect((await deliveryStats(empty.id, NOW)).successRate).toBeNull();
  });
});
