// Resume and catch up while one of the campaign's webhooks is deleted (the API's DELETE
// .../actions/{actionId}, the editor's delete): the missed events are planned without it. The
// resume's write is guarded by the campaign as it read it, which the delete changes: it refused
// ("changed while it was resuming: resume it again"). Real database, both kinds.
import { describe, expect, it, vi } from "vitest";
import { db } from "../db";
import { deleteAction } from "../campaigns/campaigns";
import { activateCampaign, pauseCampaign, resumeCampaign } from "./store/lifecycle";
import { trackEvents } from "./triggers";
import { createCampaign } from "./testing/fixtures";

// runs `afterPlanning` once a resume has planned its catch-up (before its transaction); nothing else changes
let afterPlanning: (() => Promise<void>) | null = null;
vi.mock("./triggers", async (original) => {
  const actual = await original<typeof import("./triggers")>();
  return {
    ...actual,
    planCatchUp: async (...args: Parameters<typeof actual.planCatchUp>) => {
      const plan = await actual.planCatchUp(...args);
      const hook = afterPlanning;
      afterPlanning = null;
      await hook?.();
      return plan;
    },
  };
});

describe("resume with catch up while a webhook is deleted", () => {
  it("plans the missed events without the deleted webhook, in the same resume", async () => {
    const campaign = await createCampaign({ url: "http://127.0.0.1:9999/{{user.id}}", rule: { when: "triggered", event: "rdw-bought" } });
    const kept = campaign.actions[0]!;
    const doomed = await db().action.create({
      data: { campaignId: campaign.id, name: "Second", urlTemplate: "http://127.0.0.1:9999/second", fields: [], headers: [], retryPolicy: "default", timeoutMs: 5000, position: 1 },
    });
    expect((await activateCampaign(campaign.id)).ok).toBe(true);
    expect(await pauseCampaign(campaign.id, "editor@example.com")).toBe(true);
    expect((await trackEvents([{ userId: "rdw-missed", event: "rdw-bought" }])).scheduled).toBe(0);
    const past = Date.now();
    while (Date.now() <= past);

    afterPlanning = async () => expect(await deleteAction(campaign.id, doomed.id, "other@example.com")).toEqual({ version: expect.any(Number) });
    const result = await resumeCampaign(campaign.id, "editor@example.com", { catchUp: true });
    expect(result).toEqual({ ok: true, caughtUp: { events: 1, scheduled: 1, suppressed: 0 } });
    expect(await db().action.count({ where: { id: doomed.id } })).toBe(0);
    expect(await db().delivery.findMany({ where: { campaignId: campaign.id }, select: { userId: true, actionId: true } })).toEqual([{ userId: "rdw-missed", actionId: kept.id }]);
    expect(await db().campaign.findUniqueOrThrow({ where: { id: campaign.id } })).toMatchObject({ status: "active", pausedAt: null });
  });
});
