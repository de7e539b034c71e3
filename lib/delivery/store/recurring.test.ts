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

async function plannedAt(campaignId: string, triggerKey?: string) {
  const rows = await db().delivery.findMany({ where: { campaignId, triggerKey }, select: { userId: true, plannedAt: true, dueAt: true, state: true, triggerKey: true } });
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
      url: "http://127.0.0.1:9999/{{user.id}}",
      rule: { when: "recurring", frequency: "daily", time: "09:00", timeZone: "America/New_York", inUserTimeZone: true, maxOccurrences: 3 },
    });
    const activated = await activateCampaign(campaign.id, { now });
    if (!activated.ok) throw new Error(activated.problems.join("; "));
    // 09:00 on 8 March at UTC+14, the first zone to reach it
    const first = new Date("2026-03-07T19:00:00Z");
    expect(activated.waiting).toEqual({ nextRunAt: first, localTime: "09:00", firstDates: ["2026-03-07", "2026-03-08"] });
    expect(activationMessage(activated)).toBe("Active: each run sends at 09:00 in each user's time zone; the first: Sat 7 Mar for users whose 09:00 is still ahead, Sun 8 Mar for the others.");
    // 7 March is under way: sent now to the users whose 09:00 is still ahead (the others start on the 8th)
    expect(await plannedAt(campaign.id)).toEqual({
      "ruz-la": "scheduled 2026-03-07T17:00:00.000Z occurrence:2026-03-06T19:00:00.000Z",
      "ruz-nozone": "scheduled 2026-03-07T14:00:00.000Z occurrence:2026-03-06T19:00:00.000Z",
    });

    expect(await runDueOccurrences(db(), new Date(first.getTime() - 1000))).toEqual(new Set());
    expect(await db().delivery.count({ where: { campaignId: campaign.id } })).toBe(2);

    const dueTimes = await runDueOccurrences(db(), new Date(first.getTime() + 1000));
    const key = `occurrence:${first.toISOString()}`;
    expect(await plannedAt(campaign.id, key)).toEqual({
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
    expect(advanced).toMatchObject({ occurrences: 2, nextRunAt: new Date("2026-03-08T19:00:00Z") });

    // the third and last occurrence: 9 March, at 09:00 PDT in Los Angeles
    await runDueOccurrences(db(), new Date("2026-03-08T19:00:01Z"));
    const la = await db().delivery.findMany({ where: { campaignId: campaign.id, userId: "ruz-la" }, orderBy: { plannedAt: "asc" }, select: { plannedAt: true } });
    expect(la.map((d) => d.plannedAt.toISOString())).toEqual(["2026-03-07T17:00:00.000Z", "2026-03-08T16:00:00.000Z", "2026-03-09T16:00:00.000Z"]);
    expect(await db().campaign.findUniqueOrThrow({ where: { id: campaign.id } })).toMatchObject({ occurrences: 3, nextRunAt: null });
  });

  it("a paused campaign switched to each user's zone runs its next occurrence by the new rule, not the old one's time", async () => {
    await db().user.create({ data: { id: "ruz-switch-la", timezone: "America/Los_Angeles", attributes: {} } });
    const daily = { when: "recurring", frequency: "daily", time: "09:00", timeZone: "Europe/Paris" };
    const campaign = await createCampaign({ url: "http://127.0.0.1:9999/{{user.id}}", rule: daily, audience: { match: "all", conditions: [{ key: "id", operator: "equals", value: "ruz-switch-la" }] } });
    const activated = await activateCampaign(campaign.id, { now });
    if (!activated.ok) throw new Error(activated.problems.join("; "));
    // 09:00 in Paris on 8 March
    const inParis = new Date("2026-03-08T08:00:00Z");
    expect(activated.waiting).toEqual({ nextRunAt: inParis });
    expect(await pauseCampaign(campaign.id, "test", now)).toBe(true);
    const nextRunAt = async () => (await db().campaign.findUniqueOrThrow({ where: { id: campaign.id } })).nextRunAt?.toISOString();

    // saved unchanged: the pending occurrence stays
    expect(await saveDeliverySettings(campaign.id, deliverySettingsSchema.parse({ rule: { ...daily, inUserTimeZone: false } }))).toMatchObject({ ok: true });
    expect(await nextRunAt()).toBe(inParis.toISOString());
    // in each user's zone: the date it was due to send, 8 March, which UTC+14 reaches on the 7th at 19:00 UTC
    // (not the first date no zone has reached, the 9th: Los Angeles's 09:00 on the 8th is still ahead)
    expect(await saveDeliverySettings(campaign.id, deliverySettingsSchema.parse({ rule: { ...daily, inUserTimeZone: true } }))).toMatchObject({ ok: true });
    expect(await nextRunAt()).toBe("2026-03-07T19:00:00.000Z");

    expect((await resumeCampaign(campaign.id, "test", { now })).ok).toBe(true);
    await runDueOccurrences(db(), new Date("2026-03-07T19:00:01Z"));
    expect(await plannedAt(campaign.id)).toEqual({ "ruz-switch-la": "scheduled 2026-03-08T16:00:00.000Z occurrence:2026-03-07T19:00:00.000Z" });

    // another kind of rule is refused while paused (it was activated as a recurring one): the run stays
    expect(await pauseCampaign(campaign.id, "test")).toBe(true);
    const before = await nextRunAt();
    expect(await saveDeliverySettings(campaign.id, deliverySettingsSchema.parse({ rule: { when: "immediate" } }))).toMatchObject({ ok: false, problem: "paused" });
    expect(await nextRunAt()).toBe(before);
  });
});

describe("a paused recurring campaign's deliveries planned before the pause", () => {
  it("follow a new rule in each user's zone: re-planned at the new time in each user's own zone, dropped on a date it no longer runs", async () => {
    await db().user.createMany({
      data: [
        { id: "rpz-kiritimati", timezone: "Pacific/Kiritimati", attributes: {} },
        { id: "rpz-paris", timezone: "Europe/Paris", attributes: {} },
        { id: "rpz-la", timezone: "America/Los_Angeles", attributes: {} },
        { id: "rpz-nozone", timezone: null, attributes: {} },
      ],
    });
    const daily = { when: "recurring", frequency: "daily", time: "09:00", timeZone: "America/New_York", inUserTimeZone: true };
    const campaign = await createCampaign({ url: "http://127.0.0.1:9999/{{user.id}}", rule: daily, audience: { match: "all", conditions: [{ key: "id", operator: "contains", value: "rpz-" }] } });
    expect((await activateCampaign(campaign.id, { now })).ok).toBe(true);
    // Sunday 8 March fans out at 09:00 UTC+14 (Saturday 19:00 UTC); paused before anyone's 09:00 on it but Kiritimati's
    await runDueOccurrences(db(), new Date("2026-03-07T19:00:01Z"));
    expect(await pauseCampaign(campaign.id, "test", new Date("2026-03-07T19:30:00Z"))).toBe(true);
    const sunday = "occurrence:2026-03-07T19:00:00.000Z";
    expect(await plannedAt(campaign.id)).toEqual({
      "rpz-kiritimati": `scheduled 2026-03-07T19:00:00.000Z ${sunday}`,
      "rpz-paris": `scheduled 2026-03-08T08:00:00.000Z ${sunday}`,
      "rpz-la": expect.any(String),
      "rpz-nozone": expect.any(String),
    });

    // 01:00 in each user's zone, London's for users without one: each run is planned again for that
    // time on its date in the user's own zone. Los Angeles moves to summer time at 02:00 on the 8th:
    // its 01:00 that day is 09:00 UTC (09:00 PDT less 8 hours would be 08:00); a user without a zone
    // follows the rule's new zone (01:00 London), not New York's 09:00 moved by 8 hours
    const early = { ...daily, time: "01:00", timeZone: "Europe/London" };
    expect(await saveDeliverySettings(campaign.id, deliverySettingsSchema.parse({ rule: early }))).toMatchObject({ ok: true });
    const rows = async () => {
      const all = await db().delivery.findMany({ where: { campaignId: campaign.id }, orderBy: [{ userId: "asc" }, { plannedAt: "asc" }], select: { userId: true, plannedAt: true, dueAt: true, state: true, triggerKey: true } });
      for (const r of all) expect(r.dueAt.getTime()).toBe(r.plannedAt.getTime());
      return all.map((r) => `${r.userId.slice(4)} ${r.state} ${r.plannedAt.toISOString()} ${r.triggerKey}`);
    };
    const saturdayAt1 = "occurrence:2026-03-06T11:00:00.000Z";
    const sundayAt1 = "occurrence:2026-03-07T11:00:00.000Z";
    expect(await rows()).toEqual([
      // Sunday 01:00 at UTC+14 passed while paused: sent at once on resume, as a late run
      `kiritimati scheduled 2026-03-07T11:00:00.000Z ${sundayAt1}`,
      // Saturday's, planned at the activation: 01:00 PST on the 7th; then Sunday's
      `la scheduled 2026-03-07T09:00:00.000Z ${saturdayAt1}`,
      `la scheduled 2026-03-08T09:00:00.000Z ${sundayAt1}`,
      `nozone scheduled 2026-03-07T01:00:00.000Z ${saturdayAt1}`,
      `nozone scheduled 2026-03-08T01:00:00.000Z ${sundayAt1}`,
      `paris scheduled 2026-03-08T00:00:00.000Z ${sundayAt1}`,
    ]);
    // the pending run: Monday 9 March, the first date not fanned out, at 01:00
    expect(await db().campaign.findUniqueOrThrow({ where: { id: campaign.id } })).toMatchObject({ occurrences: 2, nextRunAt: new Date("2026-03-08T11:00:00Z") });

    // weekly, Monday to Saturday: Sunday's run is no longer one of the rule's: dropped, and it no longer counts
    const weekdays = { ...early, frequency: "weekly", weekdays: [1, 2, 3, 4, 5, 6] };
    expect(await saveDeliverySettings(campaign.id, deliverySettingsSchema.parse({ rule: weekdays }))).toMatchObject({ ok: true });
    expect(await rows()).toEqual([
      `kiritimati cancelled 2026-03-07T11:00:00.000Z ${sundayAt1}`,
      `la scheduled 2026-03-07T09:00:00.000Z ${saturdayAt1}`,
      `la cancelled 2026-03-08T09:00:00.000Z ${sundayAt1}`,
      `nozone scheduled 2026-03-07T01:00:00.000Z ${saturdayAt1}`,
      `nozone cancelled 2026-03-08T01:00:00.000Z ${sundayAt1}`,
      `paris cancelled 2026-03-08T00:00:00.000Z ${sundayAt1}`,
    ]);
    expect(await db().delivery.findFirst({ where: { campaignId: campaign.id, state: "cancelled" }, select: { reason: true } })).toEqual({
      reason: "Not sent: the campaign's schedule, changed while it was paused, has no run on 2026-03-08",
    });
    expect(await db().campaign.findUniqueOrThrow({ where: { id: campaign.id } })).toMatchObject({ occurrences: 1, nextRunAt: new Date("2026-03-08T11:00:00Z") });
  });
});

describe("runDueOccurrences when late", () => {
  it("sends the latest of the occurrences it missed (paused or down for days), once, and goes on from there", async () => {
    await db().user.create({ data: { id: "late-1", attributes: {} } });
    const daily = { when: "recurring", frequency: "daily", time: "09:00", timeZone: "UTC" };
    const campaign = await createCampaign({ url: "http://127.0.0.1:9999/{{user.id}}", rule: daily, audience: { match: "all", conditions: [{ key: "id", operator: "equals", value: "late-1" }] } });
    expect((await activateCampaign(campaign.id, { now })).ok).toBe(true);
    // due 8 March 09:00; first looked at on 11 March 10:00 (the 8th, 9th, 10th and 11th have passed)
    const late = new Date("2026-03-11T10:00:00Z");
    await runDueOccurrences(db(), late);
    expect(await plannedAt(campaign.id)).toEqual({ "late-1": "scheduled 2026-03-11T09:00:00.000Z occurrence:2026-03-11T09:00:00.000Z" });
    const row = await db().campaign.findUniqueOrThrow({ where: { id: campaign.id } });
    expect([row.nextRunAt?.toISOString(), row.occurrences]).toEqual(["2026-03-12T09:00:00.000Z", 1]);
    // the next tick sends nothing more
    await runDueOccurrences(db(), new Date(late.getTime() + 1000));
    expect(await db().delivery.count({ where: { campaignId: campaign.id } })).toBe(1);
  });

  it("a late run past the rule's end date sends the one that was due, not one after the end", async () => {
    await db().user.create({ data: { id: "late-2", attributes: {} } });
    const rule = { when: "recurring", frequency: "daily", time: "09:00", timeZone: "UTC", endsOn: "2026-03-09" };
    const campaign = await createCampaign({ url: "http://127.0.0.1:9999/{{user.id}}", rule, audience: { match: "all", conditions: [{ key: "id", operator: "equals", value: "late-2" }] } });
    expect((await activateCampaign(campaign.id, { now })).ok).toBe(true);
    await runDueOccurrences(db(), new Date("2026-03-20T10:00:00Z"));
    expect(await plannedAt(campaign.id)).toEqual({ "late-2": "scheduled 2026-03-09T09:00:00.000Z occurrence:2026-03-09T09:00:00.000Z" });
  });

  it("a campaign whose rule is not recurring gives up its run instead of holding one of the 20 due places at every tick", async () => {
    await db().user.create({ data: { id: "late-3", attributes: {} } });
    const stuck = [];
    for (let i = 0; i < 25; i++) {
      const c = await createCampaign({ url: "http://127.0.0.1:9999/{{user.id}}", rule: { when: "immediate" }, status: "active" });
      await db().campaign.update({ where: { id: c.id }, data: { nextRunAt: new Date("2026-03-01T00:00:00Z") } });
      stuck.push(c.id);
    }
    const daily = { when: "recurring", frequency: "daily", time: "09:00", timeZone: "UTC" };
    const campaign = await createCampaign({ url: "http://127.0.0.1:9999/{{user.id}}", rule: daily, audience: { match: "all", conditions: [{ key: "id", operator: "equals", value: "late-3" }] } });
    expect((await activateCampaign(campaign.id, { now })).ok).toBe(true);
    const at = new Date("2026-03-08T09:00:01Z");
    await runDueOccurrences(db(), at);
    await runDueOccurrences(db(), at);
    expect(await db().delivery.count({ where: { campaignId: campaign.id } })).toBe(1);
    expect(await db().campaign.count({ where: { id: { in: stuck }, nextRunAt: { not: null } } })).toBe(0);
  });
});

describe("activating a rule in each user's time zone while a date is under way", () => {
  // Monday 7 December 2026, 05:00 UTC: 09:00 has passed at UTC+14 (Sunday 19:00 UTC) and in Tokyo
  // (00:00 UTC), and is still ahead in London (09:00 UTC), Paris (08:00), New York (14:00), Pago Pago (20:00)
  const monday = new Date("2026-12-07T05:00:00Z");
  const mondayKey = "occurrence:2026-12-06T19:00:00.000Z";
  const tuesdayRun = new Date("2026-12-07T19:00:00Z");
  const tuesdayKey = `occurrence:${tuesdayRun.toISOString()}`;
  const zones = { kiritimati: "Pacific/Kiritimati", tokyo: "Asia/Tokyo", paris: "Europe/Paris", ny: "America/New_York", pagopago: "Pacific/Pago_Pago", nozone: null };

  /** Users `<prefix>-<zone>` and a draft sending to them daily (or by `rule`) at 09:00 in each user's zone, Europe/London without one. */
  async function campaignFor(prefix: string, rule: object = {}) {
    await db().user.createMany({ data: Object.entries(zones).map(([name, timezone]) => ({ id: `${prefix}-${name}`, timezone, attributes: {} })) });
    return createCampaign({
      url: "http://127.0.0.1:9999/{{user.id}}",
      rule: { when: "recurring", frequency: "daily", time: "09:00", timeZone: "Europe/London", inUserTimeZone: true, ...rule },
      audience: { match: "all", conditions: [{ key: "id", operator: "contains", value: `${prefix}-` }] },
    });
  }
  async function activated(campaignId: string, now = monday) {
    const result = await activateCampaign(campaignId, { now });
    if (!result.ok) throw new Error(result.problems.join("; "));
    return result;
  }
  /** each user's deliveries, "<state> <plannedAt> <triggerKey>", in order */
  async function byUser(campaignId: string, prefix: string) {
    const rows = await db().delivery.findMany({ where: { campaignId }, orderBy: { plannedAt: "asc" }, select: { userId: true, plannedAt: true, state: true, triggerKey: true } });
    const out: Record<string, string[]> = {};
    for (const r of rows) (out[r.userId.slice(prefix.length + 1)] ??= []).push(`${r.state} ${r.plannedAt.toISOString()} ${r.triggerKey}`);
    return out;
  }
  const row = async (id: string) => {
    const c = await db().campaign.findUniqueOrThrow({ where: { id } });
    return { occurrences: c.occurrences, nextRunAt: c.nextRunAt?.toISOString() ?? null };
  };
  const mondays = {
    paris: [`scheduled 2026-12-07T08:00:00.000Z ${mondayKey}`],
    nozone: [`scheduled 2026-12-07T09:00:00.000Z ${mondayKey}`],
    ny: [`scheduled 2026-12-07T14:00:00.000Z ${mondayKey}`],
    pagopago: [`scheduled 2026-12-07T20:00:00.000Z ${mondayKey}`],
  };

  it("sends today's 09:00 to the users for whom it is still ahead, tomorrow's to everyone, each date once", async () => {
    const campaign = await campaignFor("zf-daily");
    const result = await activated(campaign.id);
    expect(result.counts.scheduled).toBe(4);
    expect(result.waiting).toEqual({ nextRunAt: tuesdayRun, localTime: "09:00", firstDates: ["2026-12-07", "2026-12-08"] });
    expect(activationMessage(result)).toBe("Active: each run sends at 09:00 in each user's time zone; the first: Mon 7 Dec for users whose 09:00 is still ahead, Tue 8 Dec for the others.");
    // Kiritimati and Tokyo start on Tuesday: their Monday 09:00 passed before the activation
    expect(await byUser(campaign.id, "zf-daily")).toEqual(mondays);
    expect(await row(campaign.id)).toEqual({ occurrences: 1, nextRunAt: tuesdayRun.toISOString() });

    // the ticks through Monday fan out nothing more; Tuesday's run sends Tuesday to everyone, once
    for (const at of ["2026-12-07T05:00:01Z", "2026-12-07T14:00:00Z", "2026-12-07T18:59:59Z"]) await runDueOccurrences(db(), new Date(at));
    expect(await db().delivery.count({ where: { campaignId: campaign.id } })).toBe(4);
    await runDueOccurrences(db(), new Date("2026-12-07T19:00:01Z"));
    await runDueOccurrences(db(), new Date("2026-12-07T19:00:02Z"));
    const tuesday = (utc: string) => `scheduled ${utc} ${tuesdayKey}`;
    expect(await byUser(campaign.id, "zf-daily")).toEqual({
      kiritimati: [tuesday("2026-12-07T19:00:00.000Z")],
      tokyo: [tuesday("2026-12-08T00:00:00.000Z")],
      paris: [...mondays.paris, tuesday("2026-12-08T08:00:00.000Z")],
      nozone: [...mondays.nozone, tuesday("2026-12-08T09:00:00.000Z")],
      ny: [...mondays.ny, tuesday("2026-12-08T14:00:00.000Z")],
      pagopago: [...mondays.pagopago, tuesday("2026-12-08T20:00:00.000Z")],
    });
    expect(await row(campaign.id)).toEqual({ occurrences: 2, nextRunAt: "2026-12-08T19:00:00.000Z" });
  });

  it("a weekly rule on Mondays sends Monday's to the users for whom it is still ahead, the others next Monday", async () => {
    const campaign = await campaignFor("zf-weekly", { frequency: "weekly", weekdays: [1] });
    const result = await activated(campaign.id);
    expect(result.waiting).toMatchObject({ nextRunAt: new Date("2026-12-13T19:00:00Z"), firstDates: ["2026-12-07", "2026-12-14"] });
    expect(activationMessage(result)).toBe("Active: each run sends at 09:00 in each user's time zone; the first: Mon 7 Dec for users whose 09:00 is still ahead, Mon 14 Dec for the others.");
    expect(await byUser(campaign.id, "zf-weekly")).toEqual(mondays);
    // Tuesday is no run of it
    await runDueOccurrences(db(), new Date("2026-12-07T19:00:01Z"));
    expect(await db().delivery.count({ where: { campaignId: campaign.id } })).toBe(4);
    expect(await row(campaign.id)).toEqual({ occurrences: 1, nextRunAt: "2026-12-13T19:00:00.000Z" });
  });

  it("an end date of that Monday, or one occurrence, sends Monday's to the users for whom it is still ahead and nothing after", async () => {
    for (const [prefix, limit] of [["zf-ends", { endsOn: "2026-12-07" }], ["zf-once", { maxOccurrences: 1 }]] as const) {
      const campaign = await campaignFor(prefix, limit);
      const result = await activated(campaign.id);
      expect(result.waiting).toMatchObject({ nextRunAt: null, firstDates: ["2026-12-07"] });
      expect(activationMessage(result)).toBe("Active: its only run sends at 09:00 in each user's time zone on Mon 7 Dec, to the users whose 09:00 is still ahead.");
      expect(await byUser(campaign.id, prefix)).toEqual(mondays);
      expect(await row(campaign.id)).toEqual({ occurrences: 1, nextRunAt: null });
      await runDueOccurrences(db(), new Date("2026-12-07T19:00:01Z"));
      expect(await db().delivery.count({ where: { campaignId: campaign.id } })).toBe(4);
    }
  });

  it("a resume does not skip the date either: the run missed while paused fans out late, those past their time sent at once", async () => {
    const campaign = await campaignFor("zf-resume");
    await activated(campaign.id, new Date("2026-12-06T05:00:00Z"));
    expect(await pauseCampaign(campaign.id, "test", new Date("2026-12-06T06:00:00Z"))).toBe(true);
    // paused across Monday's run (Sunday 19:00 UTC), resumed on Monday at 05:00 UTC
    expect((await resumeCampaign(campaign.id, "test", { now: monday })).ok).toBe(true);
    await runDueOccurrences(db(), new Date("2026-12-07T05:00:01Z"));
    const rows = await db().delivery.findMany({ where: { campaignId: campaign.id, triggerKey: mondayKey }, select: { userId: true, plannedAt: true } });
    expect(Object.fromEntries(rows.map((r) => [r.userId.slice("zf-resume-".length), r.plannedAt.toISOString()]))).toEqual({
      kiritimati: "2026-12-06T19:00:00.000Z",
      tokyo: "2026-12-07T00:00:00.000Z",
      paris: "2026-12-07T08:00:00.000Z",
      nozone: "2026-12-07T09:00:00.000Z",
      ny: "2026-12-07T14:00:00.000Z",
      pagopago: "2026-12-07T20:00:00.000Z",
    });
    expect(await row(campaign.id)).toEqual({ occurrences: 2, nextRunAt: tuesdayRun.toISOString() });
  });

  it("a resume between 19:00 and 21:00 UTC sends the earlier date still under way to the users whose 09:00 on it is ahead, the latest to everyone", async () => {
    const campaign = await campaignFor("zf-resume-overlap");
    await activated(campaign.id, new Date("2026-12-06T05:00:00Z"));
    expect(await pauseCampaign(campaign.id, "test", new Date("2026-12-06T06:00:00Z"))).toBe(true);
    // paused across Monday's run (Sunday 19:00 UTC) and Tuesday's (Monday 19:00 UTC); Pago Pago's
    // Monday 09:00 (20:00 UTC) is still ahead at the resume
    const resumedAt = new Date("2026-12-07T19:30:00Z");
    expect((await resumeCampaign(campaign.id, "test", { now: resumedAt })).ok).toBe(true);
    await runDueOccurrences(db(), new Date(resumedAt.getTime() + 1000));
    await runDueOccurrences(db(), new Date(resumedAt.getTime() + 2000));
    const tuesday = (utc: string) => `scheduled ${utc} ${tuesdayKey}`;
    const runs = await byUser(campaign.id, "zf-resume-overlap");
    const fromResume = Object.fromEntries(Object.entries(runs).map(([user, rows]) => [user, rows.filter((r) => !r.endsWith("occurrence:2026-12-05T19:00:00.000Z"))]));
    expect(fromResume).toEqual({
      // the latest run missed is sent to everyone, at once where its time has passed (as in the campaign's zone)
      kiritimati: [tuesday("2026-12-07T19:00:00.000Z")],
      tokyo: [tuesday("2026-12-08T00:00:00.000Z")],
      paris: [tuesday("2026-12-08T08:00:00.000Z")],
      nozone: [tuesday("2026-12-08T09:00:00.000Z")],
      ny: [tuesday("2026-12-08T14:00:00.000Z")],
      pagopago: [...mondays.pagopago, tuesday("2026-12-08T20:00:00.000Z")],
    });
    // Sunday (activation), Monday and Tuesday: three occurrences
    expect(await row(campaign.id)).toEqual({ occurrences: 3, nextRunAt: "2026-12-08T19:00:00.000Z" });
  });

  it("a resume never sends a date again: one fanned out before the pause keeps its deliveries, and is not planned twice", async () => {
    const campaign = await campaignFor("zf-resume-once");
    await activated(campaign.id, new Date("2026-12-06T05:00:00Z"));
    await runDueOccurrences(db(), new Date("2026-12-06T19:00:01Z")); // Monday, to everyone
    expect(await pauseCampaign(campaign.id, "test", new Date("2026-12-07T18:00:00Z"))).toBe(true);
    const resumedAt = new Date("2026-12-07T19:30:00Z");
    expect((await resumeCampaign(campaign.id, "test", { now: resumedAt })).ok).toBe(true);
    await runDueOccurrences(db(), new Date(resumedAt.getTime() + 1000));
    const perDate = await db().delivery.groupBy({ by: ["userId", "triggerKey"], where: { campaignId: campaign.id, triggerKey: { in: [mondayKey, tuesdayKey] } }, _count: true });
    expect(perDate.every((d) => d._count === 1)).toBe(true);
    expect(perDate.length).toBe(2 * Object.keys(zones).length);
    expect(await row(campaign.id)).toEqual({ occurrences: 3, nextRunAt: "2026-12-08T19:00:00.000Z" });
  });

  it("a paused campaign switched to each user's zone keeps the date it was due to send: those whose 09:00 on it is ahead get it then", async () => {
    // in London's zone (UTC in December): Sunday's 09:00 sent, Monday's pending at 09:00 UTC
    const campaign = await campaignFor("zf-switch", { inUserTimeZone: false });
    await activated(campaign.id, new Date("2026-12-06T05:00:00Z"));
    await runDueOccurrences(db(), new Date("2026-12-06T09:00:01Z"));
    const pausedAt = new Date("2026-12-07T05:00:00Z");
    expect(await pauseCampaign(campaign.id, "test", pausedAt)).toBe(true);
    const rule = { when: "recurring", frequency: "daily", time: "09:00", timeZone: "Europe/London", inUserTimeZone: true };
    expect(await saveDeliverySettings(campaign.id, deliverySettingsSchema.parse({ rule }))).toMatchObject({ ok: true });
    // Monday in each user's zone: it fanned out at UTC+14 on Sunday 19:00 UTC
    expect(await row(campaign.id)).toEqual({ occurrences: 1, nextRunAt: "2026-12-06T19:00:00.000Z" });
    expect((await resumeCampaign(campaign.id, "test", { now: pausedAt })).ok).toBe(true);
    await runDueOccurrences(db(), new Date(pausedAt.getTime() + 1000));
    const rows = await db().delivery.findMany({ where: { campaignId: campaign.id, triggerKey: mondayKey }, select: { userId: true, plannedAt: true } });
    // Monday for everyone, once: at 09:00 where it is ahead, at once where it passed (Sunday's went at 09:00 UTC)
    expect(Object.fromEntries(rows.map((r) => [r.userId.slice("zf-switch-".length), r.plannedAt.toISOString()]))).toEqual({
      kiritimati: "2026-12-06T19:00:00.000Z",
      tokyo: "2026-12-07T00:00:00.000Z",
      paris: "2026-12-07T08:00:00.000Z",
      nozone: "2026-12-07T09:00:00.000Z",
      ny: "2026-12-07T14:00:00.000Z",
      pagopago: "2026-12-07T20:00:00.000Z",
    });
    expect(await row(campaign.id)).toEqual({ occurrences: 2, nextRunAt: tuesdayRun.toISOString() });
  });

  it("between 19:00 and 21:00 UTC two dates are under way: each user gets the first whose 09:00 is still ahead, then every date once", async () => {
    const campaign = await campaignFor("zf-overlap");
    // Monday 19:30 UTC: Tuesday's run has begun (UTC+14), and Pago Pago's Monday 09:00 is at 20:00 UTC
    const result = await activated(campaign.id, new Date("2026-12-07T19:30:00Z"));
    expect(result.waiting).toMatchObject({ nextRunAt: new Date("2026-12-08T19:00:00Z"), firstDates: ["2026-12-07", "2026-12-08", "2026-12-09"] });
    expect(activationMessage(result)).toBe("Active: each run sends at 09:00 in each user's time zone; the first: Mon 7 Dec for users whose 09:00 is still ahead, Tue 8 Dec for the others (Wed 9 Dec where it has passed too).");
    const tuesday = (utc: string) => `scheduled ${utc} ${tuesdayKey}`;
    expect(await byUser(campaign.id, "zf-overlap")).toEqual({
      tokyo: [tuesday("2026-12-08T00:00:00.000Z")],
      paris: [tuesday("2026-12-08T08:00:00.000Z")],
      nozone: [tuesday("2026-12-08T09:00:00.000Z")],
      ny: [tuesday("2026-12-08T14:00:00.000Z")],
      pagopago: [...mondays.pagopago, tuesday("2026-12-08T20:00:00.000Z")],
    });
    expect(await row(campaign.id)).toEqual({ occurrences: 2, nextRunAt: "2026-12-08T19:00:00.000Z" });
    await runDueOccurrences(db(), new Date("2026-12-08T19:00:01Z"));
    const wednesdays = await db().delivery.groupBy({ by: ["userId"], where: { campaignId: campaign.id, triggerKey: "occurrence:2026-12-08T19:00:00.000Z" }, _count: true });
    expect(wednesdays.map((w) => [w.userId, w._count]).sort()).toEqual(Object.keys(zones).map((z) => [`zf-overlap-${z}`, 1]).sort());
  });
});

describe("a recurring campaign with a start date ahead", () => {
  // each user's deliveries: when they are due, in order
  async function dueTimes(campaignId: string) {
    const rows = await db().delivery.findMany({ where: { campaignId }, orderBy: { plannedAt: "asc" }, select: { userId: true, plannedAt: true, state: true } });
    const out: Record<string, string[]> = {};
    for (const r of rows) (out[r.userId] ??= []).push(`${r.state} ${r.plannedAt.toISOString()}`);
    return out;
  }

  it("in the campaign's zone, runs from the start date: the runs before it neither pile up at the start nor count", async () => {
    await db().user.create({ data: { id: "rsa-paris", timezone: "Europe/Paris", attributes: {} } });
    const campaign = await createCampaign({
      url: "http://127.0.0.1:9999/{{user.id}}",
      rule: { when: "recurring", frequency: "daily", time: "09:00", timeZone: "Europe/Paris", maxOccurrences: 2 },
      audience: { match: "all", conditions: [{ key: "id", operator: "equals", value: "rsa-paris" }] },
    });
    // three days ahead, at 09:00 Paris exactly: that run is the first
    await db().campaign.update({ where: { id: campaign.id }, data: { startAt: new Date("2026-03-10T08:00:00Z") } });
    const activated = await activateCampaign(campaign.id, { now });
    if (!activated.ok) throw new Error(activated.problems.join("; "));
    expect(activated.waiting).toEqual({ nextRunAt: new Date("2026-03-10T08:00:00Z") });
    for (const tick of ["2026-03-08T08:00:01Z", "2026-03-09T08:00:01Z", "2026-03-10T08:00:01Z", "2026-03-11T08:00:01Z"]) await runDueOccurrences(db(), new Date(tick));
    expect(await dueTimes(campaign.id)).toEqual({ "rsa-paris": ["scheduled 2026-03-10T08:00:00.000Z", "scheduled 2026-03-11T08:00:00.000Z"] });
    expect(await db().campaign.findUniqueOrThrow({ where: { id: campaign.id } })).toMatchObject({ occurrences: 2, nextRunAt: null });
  });

  it("a start date moved later while paused moves the pending run to the first occurrence at or after it: none before it counts", async () => {
    await db().user.create({ data: { id: "rsa-moved", timezone: "Europe/Paris", attributes: {} } });
    const rule = { when: "recurring", frequency: "daily", time: "09:00", timeZone: "Europe/Paris", maxOccurrences: 2 };
    const campaign = await createCampaign({ url: "http://127.0.0.1:9999/{{user.id}}", rule, audience: { match: "all", conditions: [{ key: "id", operator: "equals", value: "rsa-moved" }] } });
    const activated = await activateCampaign(campaign.id, { now });
    if (!activated.ok) throw new Error(activated.problems.join("; "));
    expect(activated.waiting).toEqual({ nextRunAt: new Date("2026-03-08T08:00:00Z") });
    expect(await pauseCampaign(campaign.id, "test", now)).toBe(true);
    // 10 March 08:30 UTC: after that day's 09:00 in Paris; the first run is the 11th
    expect(await saveDeliverySettings(campaign.id, deliverySettingsSchema.parse({ rule, startAt: "2026-03-10T08:30:00Z" }))).toMatchObject({ ok: true });
    expect(await db().campaign.findUniqueOrThrow({ where: { id: campaign.id } })).toMatchObject({ occurrences: 0, nextRunAt: new Date("2026-03-11T08:00:00Z") });
    expect((await resumeCampaign(campaign.id, "test", { now })).ok).toBe(true);
    for (const tick of ["2026-03-08T08:00:01Z", "2026-03-09T08:00:01Z", "2026-03-10T08:00:01Z", "2026-03-11T08:00:01Z", "2026-03-12T08:00:01Z", "2026-03-13T08:00:01Z"]) await runDueOccurrences(db(), new Date(tick));
    expect(await dueTimes(campaign.id)).toEqual({ "rsa-moved": ["scheduled 2026-03-11T08:00:00.000Z", "scheduled 2026-03-12T08:00:00.000Z"] });
    expect(await db().campaign.findUniqueOrThrow({ where: { id: campaign.id } })).toMatchObject({ occurrences: 2, nextRunAt: null });
  });

  it("in each user's zone, a start date moved later while paused starts each user at their first time at or after it, as an activation does", async () => {
    await db().user.createMany({
      data: [
        { id: "rsa-mz-paris", timezone: "Europe/Paris", attributes: {} },
        { id: "rsa-mz-ny", timezone: "America/New_York", attributes: {} },
      ],
    });
    const rule = { when: "recurring", frequency: "daily", time: "09:00", timeZone: "Europe/Paris", inUserTimeZone: true, maxOccurrences: 3 };
    const campaign = await createCampaign({
      url: "http://127.0.0.1:9999/{{user.id}}",
      rule,
      audience: { match: "any", conditions: [{ key: "id", operator: "equals", value: "rsa-mz-paris" }, { key: "id", operator: "equals", value: "rsa-mz-ny" }] },
    });
    const activated = await activateCampaign(campaign.id, { now });
    if (!activated.ok) throw new Error(activated.problems.join("; "));
    expect(await pauseCampaign(campaign.id, "test", now)).toBe(true);
    // 10 March 10:00 UTC: after Paris's 09:00 that day (08:00 UTC), before New York's (13:00 UTC, EDT)
    expect(await saveDeliverySettings(campaign.id, deliverySettingsSchema.parse({ rule, startAt: "2026-03-10T10:00:00Z" }))).toMatchObject({ ok: true });
    // the 10th, which UTC+14 reaches on the 9th at 19:00 UTC
    expect((await db().campaign.findUniqueOrThrow({ where: { id: campaign.id } })).nextRunAt?.toISOString()).toBe("2026-03-09T19:00:00.000Z");
    expect((await resumeCampaign(campaign.id, "test", { now })).ok).toBe(true);
    for (const tick of ["2026-03-07T19:00:01Z", "2026-03-08T19:00:01Z", "2026-03-09T19:00:01Z", "2026-03-10T19:00:01Z", "2026-03-11T19:00:01Z"]) await runDueOccurrences(db(), new Date(tick));
    // 7 March was under way at the activation (New York's 09:00 ahead) and planned then, before the
    // pause: before the new start, it is not sent (cancelled, with the reason) and no longer counts; the
    // 8th and 9th neither run nor count: three occurrences from the start, New York first on the 10th
    expect(await dueTimes(campaign.id)).toEqual({
      "rsa-mz-ny": ["cancelled 2026-03-07T14:00:00.000Z", "scheduled 2026-03-10T13:00:00.000Z", "scheduled 2026-03-11T13:00:00.000Z", "scheduled 2026-03-12T13:00:00.000Z"],
      "rsa-mz-paris": ["scheduled 2026-03-11T08:00:00.000Z", "scheduled 2026-03-12T08:00:00.000Z"],
    });
    expect(await db().delivery.findFirst({ where: { campaignId: campaign.id, state: "cancelled" }, select: { reason: true } })).toEqual({ reason: "Not sent: before the campaign's start date, moved while it was paused" });
    expect(await db().campaign.findUniqueOrThrow({ where: { id: campaign.id } })).toMatchObject({ occurrences: 3, nextRunAt: null });
  });

  it("in each user's zone, a user's first run is their first time at or after the start", async () => {
    await db().user.createMany({
      data: [
        { id: "rsa-z-paris", timezone: "Europe/Paris", attributes: {} },
        { id: "rsa-z-ny", timezone: "America/New_York", attributes: {} },
      ],
    });
    const campaign = await createCampaign({
      url: "http://127.0.0.1:9999/{{user.id}}",
      rule: { when: "recurring", frequency: "daily", time: "09:00", timeZone: "Europe/Paris", inUserTimeZone: true },
      audience: { match: "any", conditions: [{ key: "id", operator: "equals", value: "rsa-z-paris" }, { key: "id", operator: "equals", value: "rsa-z-ny" }] },
    });
    // 10 March 10:00 UTC: after Paris's 09:00 that day (08:00 UTC), before New York's (13:00 UTC, EDT)
    await db().campaign.update({ where: { id: campaign.id }, data: { startAt: new Date("2026-03-10T10:00:00Z") } });
    const activated = await activateCampaign(campaign.id, { now });
    if (!activated.ok) throw new Error(activated.problems.join("; "));
    for (const tick of ["2026-03-07T19:00:01Z", "2026-03-08T19:00:01Z", "2026-03-09T19:00:01Z", "2026-03-10T19:00:01Z"]) await runDueOccurrences(db(), new Date(tick));
    expect(await dueTimes(campaign.id)).toEqual({
      "rsa-z-ny": ["scheduled 2026-03-10T13:00:00.000Z", "scheduled 2026-03-11T13:00:00.000Z"],
      "rsa-z-paris": ["scheduled 2026-03-11T08:00:00.000Z"],
    });
  });
});

describe("a paused recurring campaign's held-out users and its count, when its settings change", () => {
  it("its control group follows the sent rows: moved to the new run's key and time, removed with a dropped run", async () => {
    await db().user.createMany({
      data: [
        { id: "rcg-paris", timezone: "Europe/Paris", attributes: {} },
        { id: "rcg-la", timezone: "America/Los_Angeles", attributes: {} },
      ],
    });
    const daily = { when: "recurring", frequency: "daily", time: "09:00", timeZone: "America/New_York", inUserTimeZone: true };
    const campaign = await createCampaign({ url: "http://127.0.0.1:9999/{{user.id}}", rule: daily, audience: { match: "all", conditions: [{ key: "id", operator: "contains", value: "rcg-" }] } });
    // a second webhook, whose every user is held out from Sunday's run on (activation refuses 100%):
    // its control rows are planned as the first webhook's deliveries are
    const held = await db().action.create({
      data: { campaignId: campaign.id, name: "Held", urlTemplate: "http://127.0.0.1:9999/held", fields: [], headers: [], retryPolicy: "default", timeoutMs: 5000, position: 1 },
    });
    expect(await activateCampaign(campaign.id, { now })).toMatchObject({ ok: true });
    await db().action.update({ where: { id: held.id }, data: { controlPercent: 100 } });
    await runDueOccurrences(db(), new Date("2026-03-07T19:00:01Z"));
    expect(await pauseCampaign(campaign.id, "test", new Date("2026-03-07T19:30:00Z"))).toBe(true);
    // the first webhook's rows of Sunday's run (Saturday's, planned at the activation, had no control group)
    const sent = async () =>
      (await db().delivery.findMany({ where: { campaignId: campaign.id, state: { not: "cancelled" } }, select: { userId: true, plannedAt: true, triggerKey: true } }))
        .filter((r) => !r.triggerKey.startsWith("occurrence:2026-03-06"))
        .map((r) => `${r.userId} ${r.plannedAt.toISOString()} ${r.triggerKey}`)
        .sort();
    const control = async () =>
      (await db().controlGroupMember.findMany({ where: { actionId: held.id }, select: { userId: true, assignedAt: true, triggerKey: true } }))
        .map((r) => `${r.userId} ${r.assignedAt.toISOString()} ${r.triggerKey}`)
        .sort();
    expect((await sent()).length).toBe(2);
    expect(await control()).toEqual(await sent());

    // 01:00 in London: the runs move to 01:00 in each user's zone under new keys, the held-out users with them
    const early = { ...daily, time: "01:00", timeZone: "Europe/London" };
    expect(await saveDeliverySettings(campaign.id, deliverySettingsSchema.parse({ rule: early }))).toMatchObject({ ok: true });
    expect(await sent()).toContain("rcg-paris 2026-03-08T00:00:00.000Z occurrence:2026-03-07T11:00:00.000Z");
    expect(await control()).toEqual(await sent());

    // Monday to Saturday: Sunday's run is dropped, for the held-out users too (they are no longer in it)
    const weekdays = { ...early, frequency: "weekly", weekdays: [1, 2, 3, 4, 5, 6] };
    expect(await saveDeliverySettings(campaign.id, deliverySettingsSchema.parse({ rule: weekdays }))).toMatchObject({ ok: true });
    expect(await sent()).toEqual([]);
    expect(await control()).toEqual([]);
  });

  it("a run dropped after the last of its occurrences fanned out frees a place: the next run is scheduled again", async () => {
    await db().user.createMany({
      data: [
        { id: "rmx-paris", timezone: "Europe/Paris", attributes: {} },
        { id: "rmx-ny", timezone: "America/New_York", attributes: {} },
      ],
    });
    const rule = { when: "recurring", frequency: "daily", time: "09:00", timeZone: "Europe/Paris", inUserTimeZone: true, maxOccurrences: 2 };
    const campaign = await createCampaign({ url: "http://127.0.0.1:9999/{{user.id}}", rule, audience: { match: "all", conditions: [{ key: "id", operator: "contains", value: "rmx-" }] } });
    // the 7th under way at the activation (New York's 09:00 ahead), the 8th fanned out at 09:00 UTC+14: both used
    expect((await activateCampaign(campaign.id, { now })).ok).toBe(true);
    await runDueOccurrences(db(), new Date("2026-03-07T19:00:01Z"));
    expect(await pauseCampaign(campaign.id, "test", new Date("2026-03-07T19:30:00Z"))).toBe(true);
    expect(await db().campaign.findUniqueOrThrow({ where: { id: campaign.id } })).toMatchObject({ occurrences: 2, nextRunAt: null });

    // Monday to Saturday: Sunday the 8th is dropped and no longer counts; one run is left, Monday the 9th
    const weekdays = { ...rule, frequency: "weekly", weekdays: [1, 2, 3, 4, 5, 6] };
    expect(await saveDeliverySettings(campaign.id, deliverySettingsSchema.parse({ rule: weekdays }))).toMatchObject({ ok: true });
    expect(await db().campaign.findUniqueOrThrow({ where: { id: campaign.id } })).toMatchObject({ occurrences: 1, nextRunAt: new Date("2026-03-08T19:00:00Z") });
    // resumed, Monday runs to both users at 09:00 in their zone, and is the last
    expect((await resumeCampaign(campaign.id, "test", { now: new Date("2026-03-07T20:00:00Z") })).ok).toBe(true);
    await runDueOccurrences(db(), new Date("2026-03-08T19:00:01Z"));
    expect(await plannedAt(campaign.id, "occurrence:2026-03-08T19:00:00.000Z")).toEqual({
      "rmx-paris": "scheduled 2026-03-09T08:00:00.000Z occurrence:2026-03-08T19:00:00.000Z",
      "rmx-ny": "scheduled 2026-03-09T13:00:00.000Z occurrence:2026-03-08T19:00:00.000Z",
    });
    expect(await db().campaign.findUniqueOrThrow({ where: { id: campaign.id } })).toMatchObject({ occurrences: 2, nextRunAt: null });
  });});
