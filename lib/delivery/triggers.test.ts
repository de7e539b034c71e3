import { describe, expect, it } from "vitest";
import { db } from "../db";
import { createDb } from "../db/client";
import { env } from "../env";
import { createCampaign, createUsers } from "./testing/fixtures";
import { activateCampaign, pauseCampaign, resumeCampaign } from "./store/lifecycle";
import { saveDeliverySettings } from "./forms/settings";
import { trackEvents } from "./triggers";

const URL = "http://127.0.0.1:9999/hook/{{user.id}}";

async function activeTriggered(options: Parameters<typeof createCampaign>[0]) {
  const campaign = await createCampaign(options);
  expect((await activateCampaign(campaign.id)).ok).toBe(true);
  return campaign;
}

const deliveriesOf = (campaignId: string) => db().delivery.findMany({ where: { campaignId }, orderBy: { userId: "asc" } });

describe("trackEvents", () => {
  it("plans for existing users by their stored attributes, the event's conditions and the sub-delivery", async () => {
    await createUsers(3, "seg");
    const campaign = await activeTriggered({
      url: URL,
      rule: { when: "triggered", event: "bought", conditions: [{ key: "amount", operator: "greater", value: 10 }] },
      audience: { match: "all", conditions: [{ key: "n", operator: "less", value: 2 }] },
      subDelivery: { kind: "delay", seconds: 60 },
    });
    const now = new Date("2026-03-01T12:00:00Z");
    const result = await trackEvents(
      [
        { userId: "seg000000", event: "bought", params: { amount: 20 }, time: "2026-03-01T11:00:00Z" },
        { userId: "seg000001", event: "bought", params: { amount: 5 } },
        { userId: "seg000002", event: "bought", params: { amount: 50 } },
        { userId: "seg000001", event: "viewed", params: { amount: 50 } },
      ],
      now,
    );
    expect(result).toEqual({ accepted: 4, duplicates: 0, usersCreated: 0, scheduled: 1, suppressed: 0 });
    const [delivery] = await deliveriesOf(campaign.id);
    expect(delivery).toMatchObject({ userId: "seg000000", state: "scheduled", eventData: { name: "bought", params: { amount: 20 } } });
    expect(delivery!.plannedAt.toISOString()).toBe("2026-03-01T11:01:00.000Z");
    const event = await db().event.findUniqueOrThrow({ where: { id: delivery!.eventId! } });
    expect(event).toMatchObject({ userId: "seg000000", name: "bought", params: { amount: 20 } });
    expect(event.time.toISOString()).toBe("2026-03-01T11:00:00.000Z");
    expect(delivery!.triggerKey).toBe(`event:${event.id}`);
  });

  it("compares dates with numbers as Unix seconds in the event's conditions and the audience alike", async () => {
    await db().user.createMany({ data: ["2026-10-31", "2026-11-02"].map((day, i) => ({ id: `signup-${i}`, attributes: { signupDate: `${day}T00:00:00Z` } })) });
    const campaign = await activeTriggered({
      url: URL,
      // events starting before 2026-11-03, from users who signed up after 2026-11-01 (both in Unix seconds)
      rule: { when: "triggered", event: "booked", conditions: [{ key: "startsAt", operator: "less", value: 1793664000 }] },
      audience: { match: "all", conditions: [{ key: "signupDate", operator: "greater", value: "1793491200" }] },
    });
    const result = await trackEvents([
      { userId: "signup-0", event: "booked", params: { startsAt: "2026-11-02T10:00:00Z" } },
      { userId: "signup-1", event: "booked", params: { startsAt: "2026-11-02T10:00:00Z" } },
      { userId: "signup-1", event: "booked", params: { startsAt: "2026-11-04T10:00:00Z" } },
    ]);
    expect(result).toMatchObject({ scheduled: 1 });
    expect((await deliveriesOf(campaign.id)).map((d) => [d.userId, (d.eventData as { params: { startsAt: string } }).params.startsAt])).toEqual([["signup-1", "2026-11-02T10:00:00Z"]]);
  });

  it("plans every action in order, each with its own sub-delivery, not before the campaign's start", async () => {
    const campaign = await createCampaign({ url: URL, rule: { when: "triggered", event: "two" } });
    const startAt = new Date(Date.now() + 3_600_000);
    await db().campaign.update({ where: { id: campaign.id }, data: { startAt } });
    await db().action.create({ data: { campaignId: campaign.id, position: 1, name: "Later", urlTemplate: URL, fields: [], headers: [], subDelivery: { kind: "delay", seconds: 7200 } } });
    expect((await activateCampaign(campaign.id)).ok).toBe(true);
    const result = await trackEvents([{ userId: "two-user", event: "two" }]);
    expect(result).toMatchObject({ usersCreated: 1, scheduled: 2 });
    const deliveries = await db().delivery.findMany({ where: { campaignId: campaign.id }, include: { action: true }, orderBy: { plannedAt: "asc" } });
    expect(deliveries.map((d) => d.action.name)).toEqual(["Hook", "Later"]);
    expect(deliveries[0]!.plannedAt.getTime()).toBe(startAt.getTime());
    expect(deliveries[1]!.plannedAt.getTime()).toBeGreaterThan(startAt.getTime());
  });

  it("sees a campaign paused, resumed, edited or activated since the last batch", async () => {
    const campaign = await activeTriggered({ url: URL, rule: { when: "triggered", event: "ping" } });
    const track = async (event: string) => (await trackEvents([{ userId: "edit-user", event }])).scheduled;
    expect(await track("ping")).toBe(1);
    expect(await pauseCampaign(campaign.id, "editor@example.com")).toBe(true);
    expect(await track("ping")).toBe(0);
    const saved = await saveDeliverySettings(campaign.id, { rule: { when: "triggered", event: "pong", conditions: [] }, actions: [{ id: campaign.actions[0]!.id, subDelivery: { kind: "immediate" } }] });
    expect(saved.ok).toBe(true);
    expect(await resumeCampaign(campaign.id, "editor@example.com")).toMatchObject({ ok: true });
    expect(await track("ping")).toBe(0);
    expect(await track("pong")).toBe(1);
    const other = await activeTriggered({ url: URL, rule: { when: "triggered", event: "ping" } });
    expect(await track("ping")).toBe(1);
    expect((await deliveriesOf(other.id)).length).toBe(1);
  });

  it("sees a change made by another process (another database client)", async () => {
    const campaign = await activeTriggered({ url: URL, rule: { when: "triggered", event: "remote" } });
    expect((await trackEvents([{ userId: "remote-user", event: "remote" }])).scheduled).toBe(1);
    const other = createDb(env().database);
    try {
      await other.campaign.updateMany({ where: { id: campaign.id }, data: { status: "paused" } });
      expect((await trackEvents([{ userId: "remote-user", event: "remote" }])).scheduled).toBe(0);
      await other.campaign.updateMany({ where: { id: campaign.id }, data: { status: "active", audience: { match: "all", conditions: [{ key: "vip", operator: "equals", value: true }] } } });
      expect((await trackEvents([{ userId: "remote-user", event: "remote" }])).scheduled).toBe(0);
    } finally {
      await other.$disconnect();
    }
  });

  it("creates an unknown user once when two batches name it at the same time", async () => {
    const results = await Promise.all([
      trackEvents([{ userId: "twice-new", event: "hello" }, { userId: "twice-new", event: "again" }]),
      trackEvents([{ userId: "twice-new", event: "hello" }]),
    ]);
    expect(results.map((r) => r.accepted)).toEqual([2, 1]);
    expect(results[0]!.usersCreated + results[1]!.usersCreated).toBe(1);
    expect(await db().user.findUniqueOrThrow({ where: { id: "twice-new" } })).toMatchObject({ email: null, timezone: null, attributes: {} });
    expect(await db().event.count({ where: { userId: "twice-new" } })).toBe(3);
  });
});
