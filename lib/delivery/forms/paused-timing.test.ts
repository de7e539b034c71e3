// A webhook's timing changed while its campaign is paused: a campaign sent at once or at a date planned
// every delivery when it was activated, so a new delay would move none of them and is refused (saying
// so), as a new send time or audience is; a recurring one's waiting runs follow it, as they follow a
// new rule. Before, both were saved ({ ok: true }) and what waited kept its old time.
import { describe, expect, it } from "vitest";
import { db } from "../../db";
import { activateCampaign, pauseCampaign } from "../store/lifecycle";
import { deliverySettingsSchema, saveDeliverySettings } from "./settings";
import { runDueOccurrences } from "../store/recurring";
import { createCampaign, createUsers } from "../testing/fixtures";

describe("a webhook's timing changed while paused", () => {
  it("sent at once: a new delay is refused and what waits keeps its time; the same timing, or a new retry policy, still saves", async () => {
    await createUsers(1, "ptm");
    const campaign = await createCampaign({ url: "http://127.0.0.1:9999/ptm/{{user.id}}", subDelivery: { kind: "delay", seconds: 86400 }, audience: { match: "all", conditions: [{ key: "id", operator: "contains", value: "ptm" }] } });
    const activated = await activateCampaign(campaign.id);
    expect(activated).toMatchObject({ ok: true });
    expect(await pauseCampaign(campaign.id, "e@example.com")).toBe(true);
    const before = await db().delivery.findFirstOrThrow({ where: { campaignId: campaign.id } });
    const id = campaign.actions[0]!.id;
    const saved = await saveDeliverySettings(campaign.id, deliverySettingsSchema.parse({ rule: { when: "immediate" }, actions: [{ id, subDelivery: { kind: "delay", seconds: 60 } }] }));
    expect(saved).toEqual({ ok: false, problem: "paused", path: "actions.0.subDelivery", message: expect.stringMatching(/^Its deliveries were planned with each webhook's timing when it was activated/) });
    expect((await db().action.findUniqueOrThrow({ where: { id } })).subDelivery).toEqual({ kind: "delay", seconds: 86400 });
    expect((await db().delivery.findFirstOrThrow({ where: { campaignId: campaign.id } })).dueAt).toEqual(before.dueAt);
    // unchanged timing with another retry policy: saved
    expect(await saveDeliverySettings(campaign.id, deliverySettingsSchema.parse({ rule: { when: "immediate" }, actions: [{ id, subDelivery: { kind: "delay", seconds: 86400 }, retryPolicy: "none" }] }))).toMatchObject({ ok: true });
    expect((await db().action.findUniqueOrThrow({ where: { id } })).retryPolicy).toBe("none");
    // a delay of 0 stored (the API) is "at once" as the editor sends it back: not a new timing
    await db().action.update({ where: { id }, data: { subDelivery: { kind: "delay", seconds: 0 } } });
    expect(await saveDeliverySettings(campaign.id, deliverySettingsSchema.parse({ rule: { when: "immediate" }, actions: [{ id, subDelivery: { kind: "immediate" } }] }))).toMatchObject({ ok: true });
  });

  it("at a date: a new send time beside a new rate limit is refused at rule.sendAt and neither is saved (the rate alone saves)", async () => {
    await createUsers(1, "pts");
    const rule = { when: "scheduled", sendAt: "2099-01-01T12:13", timeZone: "Europe/Paris", inUserTimeZone: true };
    const campaign = await createCampaign({ url: "http://127.0.0.1:9999/pts/{{user.id}}", rule, audience: { match: "all", conditions: [{ key: "id", operator: "contains", value: "pts" }] } });
    const id = campaign.actions[0]!.id;
    await db().action.update({ where: { id }, data: { rateLimitPerSecond: 5 } });
    expect((await activateCampaign(campaign.id)).ok).toBe(true);
    expect(await pauseCampaign(campaign.id, "e@example.com")).toBe(true);
    const both = deliverySettingsSchema.parse({ rule: { ...rule, sendAt: "2099-01-01T12:45" }, actions: [{ id, subDelivery: { kind: "immediate" }, rateLimitPerSecond: 9 }] });
    expect(await saveDeliverySettings(campaign.id, both)).toEqual({ ok: false, problem: "paused", path: "rule.sendAt", message: expect.stringMatching(/^Its deliveries were planned when it was activated/) });
    expect((await db().action.findUniqueOrThrow({ where: { id } })).rateLimitPerSecond).toBe(5);
    expect((await db().campaign.findUniqueOrThrow({ where: { id: campaign.id } })).deliveryRule).toMatchObject({ sendAt: "2099-01-01T12:13" });
    // each refused part of the rule names its own field
    const zone = deliverySettingsSchema.parse({ rule: { ...rule, inUserTimeZone: false }, actions: [] });
    expect(await saveDeliverySettings(campaign.id, zone)).toMatchObject({ ok: false, path: "rule.inUserTimeZone" });
    const kind = deliverySettingsSchema.parse({ rule: { when: "immediate" }, actions: [] });
    expect(await saveDeliverySettings(campaign.id, kind)).toMatchObject({ ok: false, path: "rule.when" });
    const rateOnly = deliverySettingsSchema.parse({ rule, actions: [{ id, subDelivery: { kind: "immediate" }, rateLimitPerSecond: 9 }] });
    expect(await saveDeliverySettings(campaign.id, rateOnly)).toMatchObject({ ok: true });
    expect((await db().action.findUniqueOrThrow({ where: { id } })).rateLimitPerSecond).toBe(9);
  });

  it("recurring: what its runs planned and still waits moves to the new delay", async () => {
    await db().user.create({ data: { id: "ptr-1", timezone: "UTC", attributes: {} } });
    const now = new Date("2026-03-07T08:00:00Z");
    const rule = { when: "recurring", frequency: "daily", time: "09:00", timeZone: "UTC" };
    const campaign = await createCampaign({ url: "http://127.0.0.1:9999/ptr/{{user.id}}", rule, subDelivery: { kind: "delay", seconds: 86400 }, audience: { match: "all", conditions: [{ key: "id", operator: "contains", value: "ptr-" }] } });
    expect((await activateCampaign(campaign.id, { now })).ok).toBe(true);
    await runDueOccurrences(db(), new Date("2026-03-07T09:00:01Z"));
    const before = await db().delivery.findFirstOrThrow({ where: { campaignId: campaign.id } });
    expect(before.dueAt).toEqual(new Date("2026-03-08T09:00:00Z"));
    expect(await pauseCampaign(campaign.id, "test", new Date("2026-03-07T09:30:00Z"))).toBe(true);
    const id = campaign.actions[0]!.id;
    expect(await saveDeliverySettings(campaign.id, deliverySettingsSchema.parse({ rule, actions: [{ id, subDelivery: { kind: "delay", seconds: 60 } }] }))).toMatchObject({ ok: true });
    const after = await db().delivery.findFirstOrThrow({ where: { campaignId: campaign.id, state: "scheduled" } });
    expect(after.dueAt).toEqual(new Date("2026-03-07T09:01:00Z"));
  });
});
