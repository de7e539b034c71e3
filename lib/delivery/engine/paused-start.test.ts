// A start date saved while a campaign is paused applies to what waits: resumed before it, nothing is
// sent; the rows are held until it (decide.ts), whatever the campaign's rule.
import { describe, expect, it } from "vitest";
import { db } from "../../db";
import { activateCampaign, pauseCampaign, resumeCampaign } from "../store/lifecycle";
import { saveDeliverySettings, deliverySettingsSchema } from "../forms/settings";
import { createCampaign, createUsers } from "../testing/fixtures";
import { engineHarness } from "../testing/engine-harness";
import { waitFor } from "../testing/receiver";

const h = engineHarness();

describe("a start date moved while paused", () => {
  it("immediate campaign: start moved to tomorrow while paused; resumed, nothing is sent and both rows wait for the start", async () => {
    await createUsers(2, "pst");
    const campaign = await createCampaign({ url: `${h.receiver.url}/pst/{{user.id}}`, audience: { match: "all", conditions: [{ key: "id", operator: "contains", value: "pst" }] } });
    expect((await activateCampaign(campaign.id)).ok).toBe(true);
    expect(await pauseCampaign(campaign.id, "e@example.com")).toBe(true);
    const tomorrow = new Date(Date.now() + 86_400_000);
    tomorrow.setUTCSeconds(0, 0);
    const saved = await saveDeliverySettings(campaign.id, deliverySettingsSchema.parse({ rule: { when: "immediate" }, startAt: tomorrow.toISOString() }));
    expect(saved).toMatchObject({ ok: true });
    expect(await resumeCampaign(campaign.id, "e@example.com")).toMatchObject({ ok: true });
    await h.startEngine();
    await waitFor(async () => (await db().delivery.count({ where: { campaignId: campaign.id, state: "scheduled", dueAt: tomorrow } })) === 2, 10_000);
    const rows = await db().delivery.findMany({ where: { campaignId: campaign.id }, select: { state: true, dueAt: true, reason: true, attempts: true } });
    expect(rows).toHaveLength(2);
    for (const r of rows) expect(r).toMatchObject({ state: "scheduled", dueAt: tomorrow, attempts: 0, reason: expect.stringMatching(/^Held until the campaign's start: /) });
    expect(h.receiver.received.filter((r) => r.path.startsWith("/pst/"))).toHaveLength(0);
  }, 20_000);
});
