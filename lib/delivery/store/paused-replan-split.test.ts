// A paused recurring campaign re-planned after a change (replanWaitingOccurrences) whose webhook's
// split changed meanwhile: who of a run fanned out before the pause is held out was decided then.
// Its sent rows stay as they are, and its waiting ones follow the new rule's time, not the new split
// (they were cancelled as "before the campaign's start date", and the run no longer counted).
import { describe, expect, it } from "vitest";
import { db } from "../../db";
import { activateCampaign, pauseCampaign } from "./lifecycle";
import { deliverySettingsSchema, saveDeliverySettings } from "../forms/settings";
import { runDueOccurrences } from "./recurring";
import { listDeliveries } from "./log-queries";
import { createCampaign } from "../testing/fixtures";

// Saturday 7 March 2026, 12:00 UTC
const now = new Date("2026-03-07T12:00:00Z");
const saturday = "occurrence:2026-03-06T19:00:00.000Z";

describe("a paused recurring campaign re-planned after its split changed", () => {
  it("keeps a sent delivery as it is and moves the waiting ones of users now in the control group, who stay in their run", async () => {
    await db().user.createMany({
      data: [
        { id: "rps-paris", timezone: "Europe/Paris", attributes: {} },
        { id: "rps-ny", timezone: "America/New_York", attributes: {} },
      ],
    });
    const rule = { when: "recurring", frequency: "daily", time: "09:00", timeZone: "Europe/Paris", inUserTimeZone: true };
    const campaign = await createCampaign({ url: "http://127.0.0.1:9999/{{user.id}}", rule, audience: { match: "all", conditions: [{ key: "id", operator: "contains", value: "rps-" }] } });
    // Saturday under way for New York (its 09:00 ahead), Sunday fanned out to both at 09:00 UTC+14
    expect((await activateCampaign(campaign.id, { now })).ok).toBe(true);
    await runDueOccurrences(db(), new Date("2026-03-07T19:00:01Z"));
    // New York's Saturday went out (09:00 EST, 14:00 UTC)
    const sent = await db().delivery.findFirstOrThrow({ where: { campaignId: campaign.id, userId: "rps-ny", triggerKey: saturday } });
    await db().delivery.update({ where: { id: sent.id }, data: { state: "delivered", attempts: 1, lastStatus: 200, sentAt: new Date("2026-03-07T14:00:01Z") } });
    expect(await pauseCampaign(campaign.id, "test", new Date("2026-03-07T19:30:00Z"))).toBe(true);

    // every user now falls in the control group (as a new split would put some), then 10:00
    await db().action.update({ where: { id: campaign.actions[0]!.id }, data: { controlPercent: 100 } });
    expect(await saveDeliverySettings(campaign.id, deliverySettingsSchema.parse({ rule: { ...rule, time: "10:00" } }))).toMatchObject({ ok: true });

    const rows = await db().delivery.findMany({ where: { campaignId: campaign.id }, orderBy: [{ userId: "asc" }, { plannedAt: "asc" }], select: { userId: true, state: true, reason: true, plannedAt: true, triggerKey: true, attempts: true } });
    expect(rows.map((r) => `${r.userId} ${r.state} ${r.reason} ${r.plannedAt.toISOString()} ${r.triggerKey} ${r.attempts}`)).toEqual([
      // sent: as it was, under its own run
      `rps-ny delivered null 2026-03-07T14:00:00.000Z ${saturday} 1`,
      // Sunday at 10:00 in each user's zone (EDT from that day), still to be sent
      "rps-ny scheduled null 2026-03-08T14:00:00.000Z occurrence:2026-03-07T20:00:00.000Z 0",
      "rps-paris scheduled null 2026-03-08T09:00:00.000Z occurrence:2026-03-07T20:00:00.000Z 0",
    ]);
    expect(await db().controlGroupMember.count({ where: { campaignId: campaign.id } })).toBe(0);
    // the log: nothing cancelled, the sent one delivered without a reason
    const log = (await listDeliveries({ campaignId: campaign.id })).items.map((i) => `${i.userId} ${i.state} ${i.reason}`).sort();
    expect(log).toEqual(["rps-ny delivered null", "rps-ny scheduled null", "rps-paris scheduled null"]);
    // both runs still count: the next is Monday's, at 10:00 UTC+14
    expect(await db().campaign.findUniqueOrThrow({ where: { id: campaign.id }, select: { occurrences: true, nextRunAt: true } })).toEqual({ occurrences: 2, nextRunAt: new Date("2026-03-08T20:00:00Z") });
  });
});
