// The results table's counts from rows written by hand (no planner): reached, delivered and converted
// per step, variant and control group, on SQLite and (DATABASE_URL) PostgreSQL.
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "../db";
import { createUsers } from "../delivery/testing/fixtures";
import { campaignResults, conversionCounts } from "./conversion-results";

const T0 = Date.parse("2026-06-01T00:00:00.000Z");
const at = (hours: number) => new Date(T0 + hours * 3_600_000);
const NOW = at(24 * 10);

let campaignId = "";
let step1 = "";
let variantB = "";
let step2 = "";
let seq = 0;

const action = (campaignId: string, position: number, name: string, extra: object = {}) =>
  db().action.create({ data: { campaignId, position, name, urlTemplate: "https://example.com/hook", fields: [], headers: [], ...extra } });

async function delivery(actionId: string, userId: string, state: string, sentAtHours: number | null, extra: { variant?: string; variantActionId?: string; triggerKey?: string; campaignId?: string } = {}) {
  const planned = at(sentAtHours ?? 0);
  await db().delivery.create({
    data: {
      webhookId: `msg_conv_${seq++}`,
      campaignId: extra.campaignId ?? campaignId,
      actionId,
      userId,
      triggerKey: extra.triggerKey ?? "activation",
      plannedAt: planned,
      dueAt: planned,
      state,
      sentAt: sentAtHours === null ? null : at(sentAtHours),
      variant: extra.variant ?? null,
      variantActionId: extra.variantActionId ?? null,
    },
  });
}

const event = (userId: string, name: string, hours: number) => db().event.create({ data: { userId, name, params: {}, time: at(hours) } });

beforeAll(async () => {
  await createUsers(10, "cv");
  const u = (i: number) => `cv00000${i}`;
  const campaign = await db().campaign.create({ data: { name: "Goal test", status: "active", deliveryRule: { when: "immediate" }, goalEvent: "purchase", goalWindowHours: 24 } });
  campaignId = campaign.id;
  step1 = (await action(campaignId, 0, "Offer", { controlPercent: 20, splitPercent: 50 })).id;
  variantB = (await action(campaignId, 1, "Shorter offer", { variantOfId: step1, splitPercent: 50 })).id;
  step2 = (await action(campaignId, 2, "Reminder")).id;

  // Step 1, variant A
  await delivery(step1, u(1), "delivered", 0, { variant: "A" });
  await event(u(1), "purchase", 1); // +1 h after delivery: converts
  await delivery(step1, u(2), "delivered", 0, { variant: "A" });
  await event(u(2), "purchase", 25); // +25 h: outside the 24 h window for step 1
  await event(u(2), "browse", 1); // not the goal
  await delivery(step1, u(3), "failed", 0, { variant: "A" }); // reached, never delivered
  await event(u(3), "purchase", 1); // does not count: nothing was delivered
  // u4: two deliveries (two triggers); the window starts at the FIRST delivered one (t0), so +30 h misses
  // it although it is within 24 h of the second (+10 h)
  await delivery(step1, u(4), "delivered", 10, { variant: "A", triggerKey: "event:2" });
  await delivery(step1, u(4), "delivered", 0, { variant: "A", triggerKey: "event:1" });
  await event(u(4), "purchase", 30);
  // Step 1, variant B
  await delivery(step1, u(5), "delivered", 0, { variant: "B", variantActionId: variantB });
  await event(u(5), "purchase", -1); // before the delivery: does not count
  await delivery(step1, u(6), "delivered", 2, { variant: "B", variantActionId: variantB });
  await event(u(6), "purchase", 26); // exactly at the end of the window (2 h + 24 h): counts
  // Step 1, control group
  await db().controlGroupMember.create({ data: { campaignId, actionId: step1, userId: u(7), triggerKey: "activation", assignedAt: at(0) } });
  await event(u(7), "purchase", 5); // converts
  await db().controlGroupMember.create({ data: { campaignId, actionId: step1, userId: u(8), triggerKey: "activation", assignedAt: at(0) } });
  // would be sent after NOW: reached, not yet counted
  await db().controlGroupMember.create({ data: { campaignId, actionId: step1, userId: u(9), triggerKey: "activation", assignedAt: at(24 * 20) } });
  await event(u(9), "purchase", 24 * 20 + 1);
  // failed before anything was sent (its request never built: waiting for an earlier step's answer):
  // not reached, whatever the goal event says
  await delivery(step1, u(0), "failed", null, { variant: "A" });
  await event(u(0), "purchase", 1);
  // Step 2 (no variants): u1 bought before it, u2 within 24 h after it
  await delivery(step2, u(1), "delivered", 3);
  await delivery(step2, u(2), "delivered", 2);
  // not reached either: failed unsent, suppressed, still waiting
  await delivery(step2, u(3), "failed", null);
  await delivery(step2, u(4), "suppressed", null);
  await delivery(step2, u(5), "scheduled", null);
  // Step 2's control group: step 1's held out, held out of it too (core/plan.ts), at its time (+3 h)
  await db().controlGroupMember.create({ data: { campaignId, actionId: step2, userId: u(7), triggerKey: "activation", assignedAt: at(3) } });
  await db().controlGroupMember.create({ data: { campaignId, actionId: step2, userId: u(8), triggerKey: "activation", assignedAt: at(3) } });
  await db().controlGroupMember.create({ data: { campaignId, actionId: step2, userId: u(9), triggerKey: "activation", assignedAt: at(24 * 20) } });

  // another campaign's deliveries to the same users count only there
  const other = await db().campaign.create({ data: { name: "Other", deliveryRule: { when: "immediate" }, goalEvent: "purchase" } });
  const otherStep = (await action(other.id, 0, "Other hook")).id;
  await delivery(otherStep, u(5), "delivered", 0, { campaignId: other.id });
});

describe("conversionCounts: one aggregate query", () => {
  it("counts users reached, delivered and converted per step and group", async () => {
    const counts = await conversionCounts(campaignId, { event: "purchase", windowHours: 24 }, NOW);
    expect(Object.fromEntries(counts.get(step1)!)).toEqual({
      A: { reached: 4, delivered: 3, converted: 1 },
      B: { reached: 2, delivered: 2, converted: 1 },
      control: { reached: 3, delivered: 2, converted: 1 },
    });
    // u7 bought at +5 h, within 24 h of the time step 2 would have been sent (+3 h)
    expect(Object.fromEntries(counts.get(step2)!)).toEqual({ A: { reached: 2, delivered: 2, converted: 1 }, control: { reached: 3, delivered: 2, converted: 1 } });
    expect(counts.size).toBe(2);
  });

  it("follows the window: 48 hours also counts u2 (+25 h) and u4 (+30 h)", async () => {
    const counts = await conversionCounts(campaignId, { event: "purchase", windowHours: 48 }, NOW);
    expect(counts.get(step1)!.get("A")).toEqual({ reached: 4, delivered: 3, converted: 3 });
    // step 2: u1's only purchase (+1 h) came before it (+3 h)
    expect(counts.get(step2)!.get("A")).toEqual({ reached: 2, delivered: 2, converted: 1 });
  });

  it("counts no conversions without a goal, and another event name only for its own events", async () => {
    const none = await conversionCounts(campaignId, { event: null, windowHours: 24 }, NOW);
    expect(none.get(step1)!.get("A")).toEqual({ reached: 4, delivered: 3, converted: 0 });
    const browse = await conversionCounts(campaignId, { event: "browse", windowHours: 24 }, NOW);
    expect(browse.get(step1)!.get("A")!.converted).toBe(1);
  });

  it("counts a control user once their send time has passed", async () => {
    const later = await conversionCounts(campaignId, { event: "purchase", windowHours: 24 }, at(24 * 30));
    expect(later.get(step1)!.get("control")).toEqual({ reached: 3, delivered: 3, converted: 2 });
  });
});

describe("campaignResults", () => {
  it("lists every step with its groups (A, B, control), labels, rates, intervals and the baseline", async () => {
    const results = (await campaignResults(campaignId, NOW))!;
    expect(results.goal).toEqual({ event: "purchase", windowHours: 24 });
    expect(results.minUsersPerGroup).toBe(100);
    expect(results.method).toMatch(/Wilson score interval/);
    // the columns said in the table's one line: what reached counts (sent, not planned or failed unsent)
    expect(results.method).toMatch(/^Reached = users the step's request was sent to \(control: held out\); delivered = of those, answered 2xx/);
    expect(results.steps.map((s) => s.name)).toEqual(["Offer", "Reminder"]);
    const [offer, reminder] = results.steps;
    expect(offer!.baseline).toBe("control");
    expect(offer!.groups.map((g) => [g.key, g.label, g.reached, g.delivered, g.converted])).toEqual([
      ["A", "A · Offer", 4, 3, 1],
      ["B", "B · Shorter offer", 2, 2, 1],
      ["control", "Control", 3, 2, 1],
    ]);
    const [a, b, control] = offer!.groups;
    expect(a!.rate).toBeCloseTo(1 / 3, 10);
    expect(b!.rate).toBe(0.5);
    expect(control!.baseline).toBe(true);
    // (1/3 - 1/2) / (1/2) = -1/3
    expect(a!.lift).toBeCloseTo(-1 / 3, 10);
    expect(b!.lift).toBe(0);
    expect(a!.interval!.low).toBeGreaterThan(0);
    expect(offer!.verdict).toEqual({ kind: "too_small", minUsers: 100, minConversions: 10 });
    // step 2 has no control group of its own: step 1's held-out users are its control, and its baseline
    expect(reminder!.groups.map((g) => [g.key, g.label, g.reached, g.delivered, g.converted])).toEqual([
      ["A", "Reminder", 2, 2, 1],
      ["control", "Control (held out at Offer)", 3, 2, 1],
    ]);
    expect(reminder!.baseline).toBe("control");
    expect(reminder!.groups[0]!.lift).toBe(0);
    expect(reminder!.verdict).toEqual({ kind: "too_small", minUsers: 100, minConversions: 10 });
  });

  it("names where a later step's control users were held out, before anyone is reached", async () => {
    const campaign = await db().campaign.create({ data: { name: "Labels", status: "active", deliveryRule: { when: "immediate" }, goalEvent: "purchase" } });
    await action(campaign.id, 0, "Welcome", { controlPercent: 20 });
    await action(campaign.id, 1, "Nudge");
    await action(campaign.id, 2, "Offer", { controlPercent: 10 });
    await action(campaign.id, 3, "Last call");
    const results = (await campaignResults(campaign.id, NOW))!;
    const controls = results.steps.map((s) => [s.name, s.baseline, s.groups.find((g) => g.key === "control")?.label]);
    expect(controls).toEqual([
      ["Welcome", "control", "Control"],
      ["Nudge", "control", "Control (held out at Welcome)"],
      ["Offer", "control", "Control (held out here or at Welcome)"],
      ["Last call", "control", "Control (held out at Welcome or Offer)"],
    ]);
  });

  it("says until when conversions may still arrive: the window after the last user reached (u9's control assignment at +480 h)", async () => {
    expect((await campaignResults(campaignId, NOW))!.goalOpenUntil).toBe(at(24 * 20 + 24).toISOString());
    await db().controlGroupMember.deleteMany({ where: { campaignId, userId: "cv000009" } });
    const delivered = (await campaignResults(campaignId, NOW))!.goalOpenUntil;
    await db().controlGroupMember.create({ data: { campaignId, actionId: step1, userId: "cv000009", triggerKey: "activation", assignedAt: at(24 * 20) } });
    await db().controlGroupMember.create({ data: { campaignId, actionId: step2, userId: "cv000009", triggerKey: "activation", assignedAt: at(24 * 20) } });
    // the last delivered webhook: u4's second at +10 h (its window started at +0 h: never an early stop, at worst a late one)
    expect(delivered).toBe(at(10 + 24).toISOString());
  });

  it("is null for an unknown campaign; without a goal, shows counts without rates", async () => {
    expect(await campaignResults("nope", NOW)).toBeNull();
    await db().campaign.update({ where: { id: campaignId }, data: { goalEvent: null } });
    const results = (await campaignResults(campaignId, NOW))!;
    await db().campaign.update({ where: { id: campaignId }, data: { goalEvent: "purchase" } });
    expect(results.steps[0]!.groups[0]).toMatchObject({ reached: 4, delivered: 3, converted: 0, rate: null, interval: null, lift: null });
    expect(results.steps[0]!.verdict).toEqual({ kind: "single" });
    // no goal: no conversion to wait for
    expect(results.goalOpenUntil).toBeNull();
  });

  it("requests arriving while a campaign's table is computed share that one computation (a viewer cannot pile up aggregates)", async () => {
    const burst = Array.from({ length: 50 }, () => campaignResults(campaignId));
    expect(new Set(burst).size).toBe(1);
    const [first] = await Promise.all(burst);
    expect(first!.steps.map((s) => s.name)).toEqual(["Offer", "Reminder"]);
    // once done, the next request computes afresh (never an older table)
    const next = campaignResults(campaignId);
    expect(next).not.toBe(burst[0]);
    expect((await next)!.computedAt >= first!.computedAt).toBe(true);
  });
});
