// A paused recurring campaign whose runs were used up (its maximum number of runs reached, or its
// end date) and whose rule is then given more: the next run is scheduled as it would have been had
// the rule said so from the start, against the real database.
import { describe, expect, it } from "vitest";
import { db } from "../../db";
import { activateCampaign, pauseCampaign, resumeCampaign } from "./lifecycle";
import { deliverySettingsSchema, saveDeliverySettings } from "../forms/settings";
import { runDueOccurrences } from "./recurring";
import { createCampaign } from "../testing/fixtures";

// Saturday 7 March 2026
const now = new Date("2026-03-07T12:00:00Z");

async function runs(campaignId: string) {
  const rows = await db().delivery.findMany({ where: { campaignId }, orderBy: { plannedAt: "asc" }, select: { userId: true, plannedAt: true, state: true } });
  return rows.map((r) => `${r.userId} ${r.state} ${r.plannedAt.toISOString()}`);
}
const row = async (id: string) => {
  const c = await db().campaign.findUniqueOrThrow({ where: { id } });
  return { occurrences: c.occurrences, nextRunAt: c.nextRunAt?.toISOString() ?? null };
};

describe("a paused recurring campaign whose runs were used up", () => {
  it("given a higher maximum number of runs, schedules its next run and sends it once resumed", async () => {
    await db().user.create({ data: { id: "rrx-paris", timezone: "Europe/Paris", attributes: {} } });
    const rule = { when: "recurring", frequency: "daily", time: "09:00", timeZone: "Europe/Paris", maxOccurrences: 1 };
    const campaign = await createCampaign({ url: "http://127.0.0.1:9999/{{user.id}}", rule, audience: { match: "all", conditions: [{ key: "id", operator: "equals", value: "rrx-paris" }] } });
    expect((await activateCampaign(campaign.id, { now })).ok).toBe(true);
    // Sunday 8 March 09:00 Paris: its one run, the last
    await runDueOccurrences(db(), new Date("2026-03-08T08:00:01Z"));
    expect(await row(campaign.id)).toEqual({ occurrences: 1, nextRunAt: null });
    expect(await pauseCampaign(campaign.id, "test", new Date("2026-03-08T09:00:00Z"))).toBe(true);

    // three runs: Monday's is next, as it would have been with three from the start
    expect(await saveDeliverySettings(campaign.id, deliverySettingsSchema.parse({ rule: { ...rule, maxOccurrences: 3 } }))).toMatchObject({ ok: true });
    expect(await row(campaign.id)).toEqual({ occurrences: 1, nextRunAt: "2026-03-09T08:00:00.000Z" });
    expect((await resumeCampaign(campaign.id, "test", { now: new Date("2026-03-08T10:00:00Z") })).ok).toBe(true);
    for (const tick of ["2026-03-09T08:00:01Z", "2026-03-10T08:00:01Z", "2026-03-11T08:00:01Z"]) await runDueOccurrences(db(), new Date(tick));
    expect(await runs(campaign.id)).toEqual([
      "rrx-paris scheduled 2026-03-08T08:00:00.000Z",
      "rrx-paris scheduled 2026-03-09T08:00:00.000Z",
      "rrx-paris scheduled 2026-03-10T08:00:00.000Z",
    ]);
    expect(await row(campaign.id)).toEqual({ occurrences: 3, nextRunAt: null });
  });

  it("given a later end date, schedules the run after its last", async () => {
    await db().user.create({ data: { id: "rre-paris", timezone: "Europe/Paris", attributes: {} } });
    const rule = { when: "recurring", frequency: "daily", time: "09:00", timeZone: "Europe/Paris", endsOn: "2026-03-08" };
    const campaign = await createCampaign({ url: "http://127.0.0.1:9999/{{user.id}}", rule, audience: { match: "all", conditions: [{ key: "id", operator: "equals", value: "rre-paris" }] } });
    expect((await activateCampaign(campaign.id, { now })).ok).toBe(true);
    await runDueOccurrences(db(), new Date("2026-03-08T08:00:01Z"));
    expect(await row(campaign.id)).toEqual({ occurrences: 1, nextRunAt: null });
    expect(await pauseCampaign(campaign.id, "test", new Date("2026-03-08T09:00:00Z"))).toBe(true);
    expect(await saveDeliverySettings(campaign.id, deliverySettingsSchema.parse({ rule: { ...rule, endsOn: "2026-03-09" } }))).toMatchObject({ ok: true });
    expect(await row(campaign.id)).toEqual({ occurrences: 1, nextRunAt: "2026-03-09T08:00:00.000Z" });
  });

  it("in each user's zone, the next date after the last one fanned out; a maximum still reached schedules nothing", async () => {
    await db().user.create({ data: { id: "rrz-ny", timezone: "America/New_York", attributes: {} } });
    const rule = { when: "recurring", frequency: "daily", time: "09:00", timeZone: "Europe/Paris", inUserTimeZone: true, maxOccurrences: 2 };
    const campaign = await createCampaign({ url: "http://127.0.0.1:9999/{{user.id}}", rule, audience: { match: "all", conditions: [{ key: "id", operator: "equals", value: "rrz-ny" }] } });
    // the 7th under way (New York's 09:00 ahead), the 8th fanned out at 09:00 UTC+14: both used
    expect((await activateCampaign(campaign.id, { now })).ok).toBe(true);
    await runDueOccurrences(db(), new Date("2026-03-07T19:00:01Z"));
    expect(await row(campaign.id)).toEqual({ occurrences: 2, nextRunAt: null });
    expect(await pauseCampaign(campaign.id, "test", new Date("2026-03-07T19:30:00Z"))).toBe(true);

    // another time, still two runs: none left, none scheduled
    expect(await saveDeliverySettings(campaign.id, deliverySettingsSchema.parse({ rule: { ...rule, time: "10:00" } }))).toMatchObject({ ok: true });
    expect(await row(campaign.id)).toEqual({ occurrences: 2, nextRunAt: null });
    // three: the 9th, which UTC+14 reaches at 20:00 UTC on the 8th (10:00 there)
    expect(await saveDeliverySettings(campaign.id, deliverySettingsSchema.parse({ rule: { ...rule, time: "10:00", maxOccurrences: 3 } }))).toMatchObject({ ok: true });
    expect(await row(campaign.id)).toEqual({ occurrences: 2, nextRunAt: "2026-03-08T20:00:00.000Z" });
    expect((await resumeCampaign(campaign.id, "test", { now: new Date("2026-03-07T20:00:00Z") })).ok).toBe(true);
    await runDueOccurrences(db(), new Date("2026-03-08T20:00:01Z"));
    expect(await runs(campaign.id)).toEqual([
      "rrz-ny scheduled 2026-03-07T15:00:00.000Z",
      "rrz-ny scheduled 2026-03-08T14:00:00.000Z",
      "rrz-ny scheduled 2026-03-09T14:00:00.000Z",
    ]);
    expect(await row(campaign.id)).toEqual({ occurrences: 3, nextRunAt: null });
  });
});
