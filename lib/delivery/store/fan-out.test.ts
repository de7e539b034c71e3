// The fan-out reads only the user fields its segment and plan read (no segment here: the time zone
// for a send in each user's zone, the attributes for a time taken from one), and sums up when the
// scheduled deliveries come due as the set of distinct due times the engine's wake-ups need.
import { describe, expect, it } from "vitest";
import { db } from "../../db";
import { activateCampaign } from "./lifecycle";
import { createCampaign } from "../testing/fixtures";

const now = new Date("2026-03-01T00:00:00Z");

async function plannedAt(campaignId: string) {
  const rows = await db().delivery.findMany({ where: { campaignId }, select: { userId: true, plannedAt: true, dueAt: true, state: true, reason: true } });
  for (const r of rows) expect(r.dueAt.getTime()).toBe(r.plannedAt.getTime());
  return Object.fromEntries(rows.map((r) => [r.userId, r.state === "scheduled" ? r.plannedAt.toISOString() : `${r.state}: ${r.reason}`]));
}

describe("fanOutToAudience (no segment: only the fields the plan reads)", () => {
  it("sends in each user's time zone and at a time from their attributes; the due times are summed up distinct", async () => {
    await db().user.createMany({
      data: [
        { id: "paris-1", timezone: "Europe/Paris", attributes: { renewsAt: "2026-03-20T10:00:00Z" } },
        { id: "paris-2", timezone: "Europe/Paris", attributes: { renewsAt: 1774000800 } },
        { id: "tokyo", timezone: "Asia/Tokyo", attributes: { renewsAt: "2026-03-20T10:00:00Z" } },
        { id: "nozone", timezone: null, attributes: {} },
      ],
    });
    const zoned = await createCampaign({ url: "http://127.0.0.1:9999/{{user.id}}", rule: { when: "scheduled", sendAt: "2026-03-10T09:00", timeZone: "America/New_York", inUserTimeZone: true } });
    const result = await activateCampaign(zoned.id, { now });
    expect(await plannedAt(zoned.id)).toEqual({
      "paris-1": "2026-03-10T08:00:00.000Z",
      "paris-2": "2026-03-10T08:00:00.000Z",
      tokyo: "2026-03-10T00:00:00.000Z",
      // no zone: the rule's own (EDT since 8 March)
      nozone: "2026-03-10T13:00:00.000Z",
    });
    if (!result.ok) throw new Error(result.problems.join("; "));
    expect(result.counts).toMatchObject({ scheduled: 4, suppressed: 0, control: 0, earliest: new Date("2026-03-10T00:00:00Z") });
    expect([...result.counts.dueTimes].sort((a, b) => a - b)).toEqual(["2026-03-10T00:00:00Z", "2026-03-10T08:00:00Z", "2026-03-10T13:00:00Z"].map((t) => Date.parse(t)));

    const relative = await createCampaign({
      url: "http://127.0.0.1:9999/{{user.id}}",
      subDelivery: { kind: "relative", source: "user", key: "renewsAt", offsetSeconds: -86400 },
    });
    const second = await activateCampaign(relative.id, { now });
    expect(await plannedAt(relative.id)).toEqual({
      "paris-1": "2026-03-19T10:00:00.000Z",
      "paris-2": "2026-03-19T10:00:00.000Z",
      tokyo: "2026-03-19T10:00:00.000Z",
      nozone: 'suppressed: No time in user attribute "renewsAt"',
    });
    if (!second.ok) throw new Error(second.problems.join("; "));
    expect(second.counts).toMatchObject({ scheduled: 3, suppressed: 1, earliest: new Date("2026-03-19T10:00:00Z") });
    expect([...second.counts.dueTimes]).toEqual([Date.parse("2026-03-19T10:00:00Z")]);
  });

  it("gives every delivery its own webhook id, across the statements of a large audience", async () => {
    const before = await db().user.count();
    const users = Array.from({ length: 12_000 }, (_, i) => ({ id: `big-${String(i).padStart(5, "0")}`, attributes: {} }));
    for (let i = 0; i < users.length; i += 2000) await db().user.createMany({ data: users.slice(i, i + 2000) });
    const campaign = await createCampaign({ url: "http://127.0.0.1:9999/{{user.id}}" });
    const result = await activateCampaign(campaign.id, { now });
    if (!result.ok) throw new Error(result.problems.join("; "));
    expect(result.counts.scheduled).toBe(before + users.length);
    expect([...result.counts.dueTimes]).toEqual([now.getTime()]);
    const rows = await db().delivery.findMany({ where: { campaignId: campaign.id }, select: { id: true, webhookId: true, userId: true, triggerKey: true, state: true } });
    expect(rows).toHaveLength(before + users.length);
    expect(new Set(rows.map((r) => r.webhookId)).size).toBe(rows.length);
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
    expect(new Set(rows.map((r) => r.userId)).size).toBe(rows.length);
    expect(rows.every((r) => /^msg_[0-9a-z]{8}[A-Za-z0-9_-]{16}$/.test(r.webhookId) && r.triggerKey === "activation" && r.state === "scheduled")).toBe(true);
  });
});
