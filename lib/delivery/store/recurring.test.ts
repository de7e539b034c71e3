// runDueOccurrences against the real database: a recurring campaign sent in each user's time zone
// fans out an occurrence once UTC+14 reaches it and plans each user's delivery at their local time.
import { describe, expect, it } from "vitest";
import { db } from "../../db";
import { activateCampaign, activationMessage, pauseCampaign, resumeCampaign } from "./lifecycle";
import { deliverySettingsSchema, saveDeliverySettings } from "../forms/settings";
import { runDueOccurrences } from "./recurring";
import { createCampaign } from "../testing/fixtures";

// Saturday 7 March 2026; Los Angeles moves to summer time (UTC-7) on Sunday 8 March
const now = new Date("2026-03-07T12:00:00Z");

async function plannedAt(campaignId: string) {
  const rows = await db().delivery.findMany({ where: { campaignId }, select: { userId: true, plannedAt: true, dueAt: true, state: true, triggerKey: true } });
  for (const r of rows) expect(r.dueAt.getTime()).toBe(r.plannedAt.getTime());
  return Object.fromEntries(rows.map((r) => [r.userId, `${r.state} ${r.plannedAt.toISOString()} ${r.triggerKey}`]));
}

describe("runDueOccurrences in each user's time zone", () => {
  // no segment: the fan-out then reads only the user fields the plan needs (the time zone here)
  it("fans out ahead and plans each user's delivery at 09:00 in their zone (the rule's without one)", async () => {
    await db().user.createMany({
      data: [
        { id: "ruz-kiritimati", timezone: "Pacific/Kiritimati", attributes: {} },
        { id: "ruz-paris", timezone: "Europe/Paris", attributes: {} },
        { id: "ruz-la", timezone: "America/Los_Angeles", attributes: {} },
        { id: "ruz-nozone", timezone: null, attributes: {} },
      ],
    });
    const campaign = await createCampaign({
      url: "http://127.0.0.1:9/{{user.id}}",
      rule: { when: "recurring", frequency: "daily", time: "09:00", timeZone: "America/New_York", inUserTimeZone: true, maxOccurrences: 2 },
    });
    const activated = await activateCampaign(campaign.id, { now });
    if (!activated.ok) throw new Error(activated.problems.join("; "));
    // 09:00 on 8 March at UTC+14, the first zone to reach it
    const first = new Date("2026-03-07T19:00:00Z");
    expect(activated.waiting).toEqual({ nextRunAt: first, localTime: "09:00" });
    expect(activationMessage(activated)).toBe("Active: each run sends at 09:00 in each user's time zone; the first starts at 2026-03-07 19:00 UTC, when the earliest zone reaches it.");

    expect(await runDueOccurrences(db(), new Date(first.getTime() - 1000))).toEqual(new Set());
    expect(await db().delivery.count({ where: { campaignId: campaign.id } })).toBe(0);

    const dueTimes = await runDueOccurrences(db(), new Date(first.getTime() + 1000));
    const key = `occurrence:${first.toISOString()}`;
    expect(await plannedAt(campaign.id)).toEqual({
      "ruz-kiritimati": `scheduled 2026-03-07T19:00:00.000Z ${key}`,
      "ruz-paris": `scheduled 2026-03-08T08:00:00.000Z ${key}`,
      // PDT from 02:00 that day: 09:00 is 16:00 UTC
      "ruz-la": `scheduled 2026-03-08T16:00:00.000Z ${key}`,
      // no zone: the rule's, America/New_York (EDT from that day)
      "ruz-nozone": `scheduled 2026-03-08T13:00:00.000Z ${key}`,
    });
    expect([...dueTimes].sort((a, b) => a - b).map((t) => new Date(t).toISOString())).toEqual([
      "2026-03-07T19:00:00.000Z",
      "2026-03-08T08:00:00.000Z",
      "2026-03-08T13:00:00.000Z",
      "2026-03-08T16:00:00.000Z",
    ]);
    const advanced = await db().campaign.findUniqueOrThrow({ where: { id: campaign.id } });
    expect(advanced).toMatchObject({ occurrences: 1, nextRunAt: new Date("2026-03-08T19:00:00Z") });

    // the second and last occurrence: 9 March, at 09:00 PDT in Los Angeles
    await runDueOccurrences(db(), new Date("2026-03-08T19:00:01Z"));
    const la = await db().delivery.findMany({ where: { campaignId: campaign.id, userId: "ruz-la" }, orderBy: { plannedAt: "asc" }, select: { plannedAt: true } });
    expect(la.map((d) => d.plannedAt.toISOString())).toEqual(["2026-03-08T16:00:00.000Z", "2026-03-09T16:00:00.000Z"]);
    expect(await db().campaign.findUniqueOrThrow({ where: { id: campaign.id } })).toMatchObject({ occurrences: 2, nextRunAt: null });
  });

  it("a paused campaign switched to each user's zone runs its next occurrence by the new rule, not the old one's time", async () => {
    await db().user.create({ data: { id: "ruz-switch-la", timezone: "America/Los_Angeles", attributes: {} } });
    const daily = { when: "recurring", frequency: "daily", time: "09:00", timeZone: "Europe/Paris" };
    const campaign = await createCampaign({ url: "http://127.0.0.1:9/{{user.id}}", rule: daily, audience: { match: "all", conditions: [{ key: "id", operator: "equals", value: "ruz-switch-la" }] } });
    const activated = await activateCampaign(campaign.id, { now });
    if (!activated.ok) throw new Error(activated.problems.join("; "));
    // 09:00 in Paris on 8 March
    const inParis = new Date("2026-03-08T08:00:00Z");
    expect(activated.waiting).toEqual({ nextRunAt: inParis });
    expect(await pauseCampaign(campaign.id, "test", now)).toBe(true);
    const nextRunAt = async () => (await db().campaign.findUniqueOrThrow({ where: { id: campaign.id } })).nextRunAt?.toISOString();

    // saved unchanged: the pending occurrence stays
    expect(await saveDeliverySettings(campaign.id, deliverySettingsSchema.parse({ rule: { ...daily, inUserTimeZone: false } }))).toEqual({ ok: true });
    expect(await nextRunAt()).toBe(inParis.toISOString());
    // in each user's zone: the first date at or after it whose 09:00 no zone has reached (9 March: 09:00 at UTC+14)
    expect(await saveDeliverySettings(campaign.id, deliverySettingsSchema.parse({ rule: { ...daily, inUserTimeZone: true } }))).toEqual({ ok: true });
    expect(await nextRunAt()).toBe("2026-03-08T19:00:00.000Z");

    expect((await resumeCampaign(campaign.id, "test")).ok).toBe(true);
    await runDueOccurrences(db(), new Date("2026-03-08T19:00:01Z"));
    expect(await plannedAt(campaign.id)).toEqual({ "ruz-switch-la": "scheduled 2026-03-09T16:00:00.000Z occurrence:2026-03-08T19:00:00.000Z" });

    // another kind of rule is refused while paused (it was activated as a recurring one): the run stays
    expect(await pauseCampaign(campaign.id, "test")).toBe(true);
    const before = await nextRunAt();
    expect(await saveDeliverySettings(campaign.id, deliverySettingsSchema.parse({ rule: { when: "immediate" } }))).toMatchObject({ ok: false, problem: "paused" });
    expect(await nextRunAt()).toBe(before);
  });
});
