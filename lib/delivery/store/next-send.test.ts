// What an active scheduled or recurring campaign says of its next send (the Delivery section and the
// campaign list): the times the engine really plans, read from the campaign as activation left it.
import { describe, expect, it, vi } from "vitest";
import { db } from "../../db";
import { activateCampaign } from "./lifecycle";
import { createCampaign } from "../testing/fixtures";
import { loadDeliverySettings } from "../forms/settings";
import { NEXT_SEND_FIELDS, nextSendOf as nextSendOfRow, nextSendsOf } from "./next-send";

const daily = { when: "recurring", frequency: "daily", time: "09:00", timeZone: "UTC", inUserTimeZone: true };
// Sunday 6 December 2026, 14:06 UTC: Sunday's 09:00 has passed in Paris and Tokyo, not yet in Los Angeles
const now = new Date("2026-12-06T14:06:00Z");

async function users(prefix: string, zones: string[]) {
  await db().user.createMany({ data: zones.map((timezone, i) => ({ id: `${prefix}-${i}`, timezone, attributes: { group: prefix } })) });
}
const nextSendOf = async (id: string) => nextSendOfRow((await db().campaign.findUnique({ where: { id }, select: NEXT_SEND_FIELDS }))!);
const audienceOf = (group: string) => ({ match: "all", conditions: [{ key: "group", operator: "equals", value: group }] });

describe("nextSendOf", () => {
  it("a daily run in each user's zone whose users' time passed today: Monday's 09:00 in each zone, no user read for it", async () => {
    await users("ns-eu", ["Europe/Paris", "Europe/Paris", "Europe/London"]);
    const campaign = await createCampaign({ url: "http://127.0.0.1:9999/hook", rule: daily, audience: audienceOf("ns-eu") });
    const activated = await activateCampaign(campaign.id, { now });
    expect(activated.ok).toBe(true);
    expect(await db().delivery.count({ where: { campaignId: campaign.id } })).toBe(0);
    const next = await nextSendOf(campaign.id);
    // the engine fans out when UTC+14 reaches Monday 09:00 (Sunday 19:00 UTC): the earliest any user's is
    expect(next).toEqual({ at: new Date("2026-12-06T19:00:00Z"), local: { date: "2026-12-07", time: "09:00" }, exact: false, begun: false });
  });

  it("a daily run with users whose time today is still ahead: their delivery already planned is the next send", async () => {
    await users("ns-us", ["Europe/Paris", "America/Los_Angeles"]);
    const campaign = await createCampaign({ url: "http://127.0.0.1:9999/hook", rule: daily, audience: audienceOf("ns-us") });
    expect((await activateCampaign(campaign.id, { now })).ok).toBe(true);
    // Los Angeles's Sunday 09:00 is 17:00 UTC
    expect(await nextSendOf(campaign.id)).toEqual({ at: new Date("2026-12-06T17:00:00Z"), local: { date: "2026-12-06", time: "09:00" }, exact: true, begun: false });
  });

  it("once earlier zones of the occurrence were sent, the earliest still waiting are its next users, not its first", async () => {
    // Chicago's Sunday 09:00 is 15:00 UTC, Los Angeles's 17:00: both still ahead at 14:06
    await users("ns-nx", ["America/Chicago", "America/Los_Angeles"]);
    const campaign = await createCampaign({ url: "http://127.0.0.1:9999/hook", rule: daily, audience: audienceOf("ns-nx") });
    expect((await activateCampaign(campaign.id, { now })).ok).toBe(true);
    const rows = await db().delivery.findMany({ where: { campaignId: campaign.id }, orderBy: { dueAt: "asc" } });
    expect(rows.map((r) => r.dueAt)).toEqual([new Date("2026-12-06T15:00:00Z"), new Date("2026-12-06T17:00:00Z")]);
    expect(rows[0]!.triggerKey).toBe(rows[1]!.triggerKey);
    expect(await nextSendOf(campaign.id)).toEqual({ at: new Date("2026-12-06T15:00:00Z"), local: { date: "2026-12-06", time: "09:00" }, exact: true, begun: false });
    // Chicago's user is sent its delivery: Los Angeles's are the next users of the same run
    await db().delivery.update({ where: { id: rows[0]!.id }, data: { state: "delivered", attempts: 1, sentAt: new Date("2026-12-06T15:00:01Z") } });
    expect(await nextSendOf(campaign.id)).toEqual({ at: new Date("2026-12-06T17:00:00Z"), local: { date: "2026-12-06", time: "09:00" }, exact: true, begun: true });
  });

  it("a run in the campaign's zone is its next run; a draft, a triggered campaign and a finished one have none", async () => {
    const rule = { when: "recurring", frequency: "daily", time: "09:00", timeZone: "Europe/Paris" };
    const recurring = await createCampaign({ url: "http://127.0.0.1:9999/hook", rule, audience: audienceOf("nobody") });
    expect(await nextSendOf(recurring.id)).toBeNull();
    expect((await activateCampaign(recurring.id, { now })).ok).toBe(true);
    expect(await nextSendOf(recurring.id)).toEqual({ at: new Date("2026-12-07T08:00:00Z"), local: null, exact: true, begun: false });
    const triggered = await createCampaign({ url: "http://127.0.0.1:9999/hook", rule: { when: "triggered", event: "signup" }, status: "active" });
    expect(await nextSendOf(triggered.id)).toBeNull();
    await db().campaign.update({ where: { id: recurring.id }, data: { status: "finished" } });
    expect(await nextSendOf(recurring.id)).toBeNull();
  });

  it("a triggered (or immediate) campaign with sends planned: its earliest planned send (the list said \"Never sent\" of one with 5 scheduled)", async () => {
    await users("ns-tr", ["Europe/Paris"]);
    const triggered = await createCampaign({ url: "http://127.0.0.1:9999/hook", rule: { when: "triggered", event: "signup" }, status: "active", audience: audienceOf("ns-tr") });
    const action = triggered.actions[0]!;
    for (const [i, dueAt] of [new Date("2026-12-09T10:00:00Z"), new Date("2026-12-08T10:00:00Z")].entries()) {
      await db().delivery.create({ data: { webhookId: `msg_ns_tr_${i}`, campaignId: triggered.id, actionId: action.id, userId: "ns-tr-0", triggerKey: `event:${i}`, plannedAt: dueAt, dueAt, state: "scheduled" } });
    }
    expect(await nextSendOf(triggered.id)).toEqual({ at: new Date("2026-12-08T10:00:00Z"), local: null, exact: true, begun: false });
    expect((await nextSendsOf([triggered.id])).get(triggered.id)?.at).toEqual(new Date("2026-12-08T10:00:00Z"));
  });

  it("a scheduled send in each user's zone: the earliest planned delivery", async () => {
    await users("ns-sc", ["Asia/Tokyo", "Europe/Paris"]);
    const rule = { when: "scheduled", sendAt: "2026-12-08T15:07", timeZone: "UTC", inUserTimeZone: true, whenPassed: "sendNow" };
    const campaign = await createCampaign({ url: "http://127.0.0.1:9999/hook", rule, audience: audienceOf("ns-sc") });
    expect((await activateCampaign(campaign.id, { now })).ok).toBe(true);
    // Tokyo's 15:07 is 06:07 UTC
    expect(await nextSendOf(campaign.id)).toEqual({ at: new Date("2026-12-08T06:07:00Z"), local: { date: "2026-12-08", time: "15:07" }, exact: true, begun: false });
  });

  it("a scheduled send in each user's zone whose passed users were sent at once: the later ones are its next users, from the claim on", async () => {
    // Tokyo's 15:07 passed at 14:06 UTC (sent at once); Paris's is 14:07 UTC, Los Angeles's 23:07 UTC
    await users("ns-so", ["Asia/Tokyo", "Europe/Paris", "America/Los_Angeles"]);
    const rule = { when: "scheduled", sendAt: "2026-12-06T15:07", timeZone: "UTC", inUserTimeZone: true, whenPassed: "sendNow" };
    const campaign = await createCampaign({ url: "http://127.0.0.1:9999/hook", rule, audience: audienceOf("ns-so") });
    expect((await activateCampaign(campaign.id, { now })).ok).toBe(true);
    const tokyo = await db().delivery.findFirstOrThrow({ where: { campaignId: campaign.id, userId: "ns-so-0" } });
    expect(tokyo.dueAt.getTime()).toBeLessThan(new Date("2026-12-06T14:07:00Z").getTime());
    // claimed, not yet attempted (the page read right after Activate): Paris's are no longer the first users
    await db().delivery.update({ where: { id: tokyo.id }, data: { state: "sending" } });
    const paris = { at: new Date("2026-12-06T14:07:00Z"), local: { date: "2026-12-06", time: "15:07" }, exact: true };
    expect(await nextSendOf(campaign.id)).toEqual({ ...paris, begun: true });
    await db().delivery.update({ where: { id: tokyo.id }, data: { state: "delivered", attempts: 1, sentAt: now } });
    expect(await nextSendOf(campaign.id)).toEqual({ ...paris, begun: true });
    // a cancelled row was never sent: it begins nothing
    await db().delivery.update({ where: { id: tokyo.id }, data: { state: "cancelled", attempts: 0, sentAt: null } });
    expect(await nextSendOf(campaign.id)).toEqual({ ...paris, begun: false });
  });

  it("the list's: one per active scheduled or recurring campaign of the page, by id", async () => {
    await users("ns-ls", ["Europe/Paris"]);
    const a = await createCampaign({ url: "http://127.0.0.1:9999/hook", rule: daily, audience: audienceOf("ns-ls") });
    const b = await createCampaign({ url: "http://127.0.0.1:9999/hook", rule: daily, audience: audienceOf("ns-ls") });
    expect((await activateCampaign(a.id, { now })).ok).toBe(true);
    const all = await nextSendsOf([a.id, b.id]);
    // no users read: the run's date and time, and when it fans out
    expect(all.get(a.id)).toEqual({ at: new Date("2026-12-06T19:00:00Z"), local: { date: "2026-12-07", time: "09:00" }, exact: false, begun: false });
    expect(all.has(b.id)).toBe(false);
  });

  it("the campaign page's: read from the row its delivery settings came from (one read of the campaign)", async () => {
    await users("ns-pg", ["Europe/Paris"]);
    const campaign = await createCampaign({ url: "http://127.0.0.1:9999/hook", rule: daily, audience: audienceOf("ns-pg") });
    expect((await activateCampaign(campaign.id, { now })).ok).toBe(true);
    const reads = vi.spyOn(db().campaign, "findUnique");
    try {
      const settings = await loadDeliverySettings(campaign.id);
      expect(settings?.nextSend).toEqual({ iso: "2026-12-06T19:00:00.000Z", local: { date: "2026-12-07", time: "09:00" }, exact: false, begun: false });
      expect(reads).toHaveBeenCalledTimes(1);
    } finally {
      reads.mockRestore();
    }
  });
});
