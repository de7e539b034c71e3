import { describe, expect, it } from "vitest";
import { planDeliveries, planSteps, parseTimeValue, timeAfterEarlierStep } from "./plan";
import { assignVariant, CONTROL } from "../../campaigns/variants";
import { parseDeliveryRule } from "./rules";
import { nextOccurrence, quietHoursEnd, zoneOrFallback } from "./schedule-time";
import { applyFrequencyCap } from "./frequency-cap";

const now = new Date("2026-03-10T12:00:00Z");
const users = [
  { id: "paris", timezone: "Europe/Paris", attributes: { renewsAt: "2026-03-20T10:00:00Z" } },
  { id: "tokyo", timezone: "Asia/Tokyo", attributes: {} },
  { id: "nozone", timezone: null, attributes: { renewsAt: 1773914400 } },
];

describe("planDeliveries", () => {
  it("plans every action for every user at once on an immediate activation", () => {
    const plans = planDeliveries({
      rule: parseDeliveryRule({ when: "immediate" }),
      actions: [{ id: "a1", subDelivery: { kind: "immediate" } }, { id: "a2", subDelivery: { kind: "delay", seconds: 3600 } }],
      users,
      trigger: { kind: "activation" },
      now,
      campaign: {},
    });
    expect(plans).toHaveLength(6);
    expect(plans.filter((p) => p.actionId === "a1").every((p) => p.plannedAt.getTime() === now.getTime())).toBe(true);
    expect(plans.filter((p) => p.actionId === "a2").every((p) => p.plannedAt.getTime() === now.getTime() + 3_600_000)).toBe(true);
    expect(new Set(plans.map((p) => p.triggerKey))).toEqual(new Set(["activation"]));
  });

  it("schedules in each user's own time zone, falling back to the campaign's, and skips passed ones when asked", () => {
    const rule = parseDeliveryRule({ when: "scheduled", sendAt: "2026-03-10T20:00", timeZone: "America/New_York", inUserTimeZone: true, whenPassed: "skip" });
    const mars = { id: "mars", timezone: "Mars/Base", attributes: {} };
    const plans = planDeliveries({ rule, actions: [{ id: "a", subDelivery: { kind: "immediate" } }], users: [...users, mars], trigger: { kind: "activation" }, now, campaign: {} });
    const byUser = Object.fromEntries(plans.map((p) => [p.userId, p]));
    expect(byUser.paris.plannedAt.toISOString()).toBe("2026-03-10T19:00:00.000Z");
    expect(byUser.paris.suppressedReason).toBeNull();
    // 20:00 in Tokyo was 11:00 UTC, before "now": skipped, recorded with a reason
    expect(byUser.tokyo.suppressedReason).toMatch(/already passed in Asia\/Tokyo/);
    // no zone: the campaign's, New York (EDT since 8 March): 00:00 UTC next day
    expect(byUser.nozone.plannedAt.toISOString()).toBe("2026-03-11T00:00:00.000Z");
    // not a time zone (stored before it was checked): the campaign's too, and asked twice (cached) alike
    expect(byUser.mars.plannedAt.toISOString()).toBe("2026-03-11T00:00:00.000Z");
    expect(zoneOrFallback("Mars/Base", "UTC")).toBe("UTC");
    expect(zoneOrFallback("Asia/Tokyo", "UTC")).toBe("Asia/Tokyo");
  });

  it("sends passed users at once when the marketer chose so", () => {
    const rule = parseDeliveryRule({ when: "scheduled", sendAt: "2026-03-10T20:00", timeZone: "UTC", inUserTimeZone: true });
    const plans = planDeliveries({ rule, actions: [{ id: "a", subDelivery: { kind: "immediate" } }], users: [users[1]], trigger: { kind: "activation" }, now, campaign: {} });
    expect(plans[0].plannedAt).toEqual(now);
    expect(plans[0].suppressedReason).toBeNull();
  });

  it("measures delays from the event and times from parameters or attributes", () => {
    const rule = parseDeliveryRule({ when: "triggered", event: "purchase" });
    const eventTime = new Date(now.getTime() - 1000);
    const plans = planDeliveries({
      rule,
      actions: [
        { id: "later", subDelivery: { kind: "delay", seconds: 2 } },
        { id: "beforeRenewal", subDelivery: { kind: "relative", source: "user", key: "renewsAt", offsetSeconds: -86400 } },
        { id: "afterShip", subDelivery: { kind: "relative", source: "event", key: "shipAt", offsetSeconds: 3600 } },
      ],
      users: [users[0], users[2]],
      trigger: { kind: "event", eventId: "e1", name: "purchase", params: { shipAt: "2026-03-11T00:00:00Z" }, time: eventTime },
      now,
      campaign: {},
    });
    const get = (u: string, a: string) => plans.find((p) => p.userId === u && p.actionId === a)!;
    expect(get("paris", "later").plannedAt.getTime()).toBe(eventTime.getTime() + 2000);
    expect(get("paris", "beforeRenewal").plannedAt.toISOString()).toBe("2026-03-19T10:00:00.000Z");
    expect(get("nozone", "beforeRenewal").plannedAt.toISOString()).toBe("2026-03-18T10:00:00.000Z");
    expect(get("paris", "afterShip").plannedAt.toISOString()).toBe("2026-03-11T01:00:00.000Z");
    expect(get("paris", "later").triggerKey).toBe("event:e1");
    expect(get("paris", "later").eventData).toEqual({ name: "purchase", params: { shipAt: "2026-03-11T00:00:00Z" } });
  });

  it("suppresses a send with no usable time and respects start and end dates", () => {
    const plans = planDeliveries({
      rule: parseDeliveryRule({ when: "immediate" }),
      actions: [{ id: "a", subDelivery: { kind: "relative", source: "user", key: "missing", offsetSeconds: 0 } }, { id: "b", subDelivery: { kind: "delay", seconds: 86400 * 5 } }],
      users: [users[0]],
      trigger: { kind: "activation" },
      now,
      campaign: { startAt: new Date("2026-03-11T00:00:00Z"), endAt: new Date("2026-03-12T00:00:00Z") },
    });
    expect(plans[0].suppressedReason).toMatch(/No time in user attribute "missing"/);
    expect(plans[1].suppressedReason).toMatch(/end date/);
  });

  it("reads Unix seconds and ISO-8601", () => {
    expect(parseTimeValue(0)?.toISOString()).toBe("1970-01-01T00:00:00.000Z");
    expect(parseTimeValue("1773914400")?.toISOString()).toBe("2026-03-19T10:00:00.000Z");
    expect(parseTimeValue("soon")).toBeNull();
  });
});

describe("recurring rules", () => {
  it("finds the next daily, weekly and cron occurrence in the rule's zone and stops at the end", () => {
    const daily = parseDeliveryRule({ when: "recurring", frequency: "daily", time: "09:30", timeZone: "Europe/Paris" });
    if (daily.when !== "recurring") throw new Error();
    expect(nextOccurrence(daily, now)?.toISOString()).toBe("2026-03-11T08:30:00.000Z");
    const weekly = parseDeliveryRule({ when: "recurring", frequency: "weekly", time: "08:00", weekdays: [1, 5], timeZone: "UTC", endsOn: "2026-03-16" });
    if (weekly.when !== "recurring") throw new Error();
    expect(nextOccurrence(weekly, now)?.toISOString()).toBe("2026-03-13T08:00:00.000Z");
    expect(nextOccurrence(weekly, new Date("2026-03-13T08:00:00Z"))?.toISOString()).toBe("2026-03-16T08:00:00.000Z");
    expect(nextOccurrence(weekly, new Date("2026-03-16T08:00:00Z"))).toBeNull();
    const cron = parseDeliveryRule({ when: "recurring", frequency: "cron", cron: "*/15 * * * *", timeZone: "UTC", maxOccurrences: 3 });
    if (cron.when !== "recurring") throw new Error();
    expect(nextOccurrence(cron, now, 2)?.toISOString()).toBe("2026-03-10T12:15:00.000Z");
    expect(nextOccurrence(cron, now, 3)).toBeNull();
  });

  it("refuses a weekly rule without days and a bad zone", () => {
    expect(() => parseDeliveryRule({ when: "recurring", frequency: "weekly", timeZone: "UTC" })).toThrow(/weekday/);
    expect(() => parseDeliveryRule({ when: "scheduled", sendAt: "2026-01-01T09:00", timeZone: "Mars/Base" })).toThrow(/time zone/);
  });
});

describe("quiet hours and caps", () => {
  it("holds a send inside quiet hours until they end, across midnight", () => {
    const quiet = { start: "22:00", end: "08:00" };
    expect(quietHoursEnd(new Date("2026-03-10T22:30:00Z"), quiet, "UTC")?.toISOString()).toBe("2026-03-11T08:00:00.000Z");
    expect(quietHoursEnd(new Date("2026-03-10T03:00:00Z"), quiet, "UTC")?.toISOString()).toBe("2026-03-10T08:00:00.000Z");
    expect(quietHoursEnd(new Date("2026-03-10T12:00:00Z"), quiet, "UTC")).toBeNull();
    // 07:30 the next morning in Tokyo: held until 08:00 there
    expect(quietHoursEnd(new Date("2026-03-10T22:30:00Z"), quiet, "Asia/Tokyo")?.toISOString()).toBe("2026-03-10T23:00:00.000Z");
  });

  it("stops sends beyond the daily or weekly cap, except exempt campaigns", () => {
    const counts = new Map([["u1", { day: 1, week: 1 }], ["u2", { day: 0, week: 5 }]]);
    const stopped = applyFrequencyCap({ perDay: 2, perWeek: 5 }, [
      { userId: "u1", exempt: false },
      { userId: "u1", exempt: false },
      { userId: "u1", exempt: true },
      { userId: "u2", exempt: false },
    ], counts);
    expect([...stopped.keys()]).toEqual([1, 3]);
    expect(stopped.get(1)).toMatch(/2 per day/);
    expect(stopped.get(3)).toMatch(/5 per week/);
  });

  it("lets a step follow its chain: counted, it is neither stopped nor counted; stopped, it is stopped naming the step that was; in the batch, the first of the chain decides", () => {
    const label = "Webhook 2 (Follow up)";
    const counts = new Map([["u1", { day: 0, week: 0 }], ["u2", { day: 1, week: 1 }]]);
    const stopped = applyFrequencyCap({ perDay: 1 }, [
      // the chain's first row in the batch (here step 2) decides; step 1 after it follows, and counts nothing
      { userId: "u1", exempt: false },
      { userId: "u1", exempt: false, chain: { inBatch: 0, label } },
      { userId: "u1", exempt: false, chain: { counted: true } },
      { userId: "u2", exempt: false },
      { userId: "u2", exempt: false, chain: { inBatch: 3, label } },
      { userId: "u2", exempt: false, chain: { stopped: { label, reason: "Frequency cap: 1 per day reached" } } },
      { userId: "u2", exempt: false, chain: { stopped: { label, reason: "Frequency cap: Webhook 3 (Thank) was stopped for this user (1 per day reached)" } } },
    ], counts);
    expect([...stopped.keys()].sort()).toEqual([3, 4, 5, 6]);
    expect(stopped.get(3)).toBe("Frequency cap: 1 per day reached");
    expect(stopped.get(4)).toBe("Frequency cap: Webhook 2 (Follow up) was stopped for this user (1 per day reached)");
    expect(stopped.get(5)).toBe(stopped.get(4));
    expect(stopped.get(6)).toBe("Frequency cap: Webhook 3 (Thank) was stopped for this user (1 per day reached)");
  });
});

describe("a step's control group holds its users out of the later steps too", () => {
  const steps = (controls: number[]) =>
    planSteps(controls.map((controlPercent, i) => ({ id: `s${i + 1}`, position: i, subDelivery: i ? { kind: "delay", seconds: 15 } : null, controlPercent })));
  const many = Array.from({ length: 400 }, (_, i) => ({ id: `user${i}` }));
  const campaign = { id: "camp-held" };
  const plan = (actions: ReturnType<typeof steps>) => planDeliveries({ rule: parseDeliveryRule({ when: "immediate" }), actions, users: many, trigger: { kind: "activation" }, now, campaign });
  const heldAt = (stepId: string, percent: number) =>
    new Set(many.filter((u) => assignVariant({ campaignId: campaign.id, actionId: stepId, userId: u.id }, { controlPercent: percent, variants: [] }) === CONTROL).map((u) => u.id));
  const controlOf = (plans: ReturnType<typeof plan>, stepId: string) => new Set(plans.filter((p) => p.actionId === stepId && p.control).map((p) => p.userId));

  it("step 1's control users are planned as control of step 2 (sent nothing), the others as before", () => {
    const plans = plan(steps([20, 0]));
    const held = heldAt("s1", 20);
    expect(held.size).toBeGreaterThan(40);
    expect(controlOf(plans, "s1")).toEqual(held);
    expect(controlOf(plans, "s2")).toEqual(held);
    // every user has one row per step: a delivery or a control row, never both
    expect(plans).toHaveLength(many.length * 2);
    const sent2 = plans.filter((p) => p.actionId === "s2" && !p.control);
    expect(sent2.every((p) => !held.has(p.userId))).toBe(true);
    expect(sent2).toHaveLength(many.length - held.size);
  });

  it("a later step's own control group adds to it; an earlier step keeps only its own", () => {
    const plans = plan(steps([0, 10, 20]));
    const at2 = heldAt("s2", 10);
    const at3 = heldAt("s3", 20);
    expect(controlOf(plans, "s1")).toEqual(new Set());
    expect(controlOf(plans, "s2")).toEqual(at2);
    expect(controlOf(plans, "s3")).toEqual(new Set([...at2, ...at3]));
  });

  it("the same whatever part of the steps is planned, and whatever order the rows come in (a pure function of campaign, step and user)", () => {
    const all = steps([20, 0, 0]);
    const alone = plan([all[2]!]);
    expect(controlOf(alone, "s3")).toEqual(heldAt("s1", 20));
    const reversed = planSteps([...all].reverse().map((a, i) => ({ id: a.id, position: 2 - i, subDelivery: a.subDelivery, controlPercent: a.id === "s1" ? 20 : 0 })));
    expect(controlOf(plan(reversed), "s2")).toEqual(heldAt("s1", 20));
  });

  it("a step whose variants are split keeps its users' variants; only the held-out ones change", () => {
    const rows = [
      { id: "s1", position: 0, subDelivery: null, controlPercent: 20 },
      { id: "s2", position: 1, subDelivery: null, splitPercent: 50 },
      { id: "s2b", position: 1, subDelivery: null, splitPercent: 50, variantOfId: "s2" },
    ];
    const plans = plan(planSteps(rows));
    const held = heldAt("s1", 20);
    for (const p of plans.filter((x) => x.actionId === "s2")) {
      if (held.has(p.userId)) expect(p).toMatchObject({ control: true, variant: null });
      else expect(p.variant).toBe(assignVariant({ campaignId: campaign.id, actionId: "s2", userId: p.userId }, { controlPercent: 0, variants: [{ key: "A", splitPercent: 50 }, { key: "B", splitPercent: 50 }] }));
    }
  });
});

describe("a step timed from what an earlier step saves from its response", () => {
  const now = new Date("2026-12-07T22:00:00Z");
  const sub = { kind: "relative" as const, source: "user" as const, key: "dueAt", offsetSeconds: -36000 };
  const steps = planSteps([
    { id: "s1", position: 0, subDelivery: null, responseMapping: [{ path: "$.due", attribute: "dueAt" }] },
    { id: "s2", position: 1, subDelivery: sub },
  ]);

  it("is planned due at once, whatever the user has before (even none): its time comes with that step's answer", () => {
    expect(steps[1]).toMatchObject({ id: "s2", timedByEarlierStep: true });
    const users = [{ id: "none" }, { id: "old", attributes: { dueAt: "2027-01-10T10:00:00Z" } }];
    const plans = planDeliveries({ rule: { when: "immediate" }, actions: steps, users, trigger: { kind: "activation" }, now, campaign: {} });
    expect(plans.filter((p) => p.actionId === "s2").map((p) => [p.userId, p.plannedAt.toISOString(), p.suppressedReason])).toEqual([
      ["none", now.toISOString(), null],
      ["old", now.toISOString(), null],
    ]);
  });

  it("once it has answered, is timed from the value saved as planning times it: a time past sent now, none or after the end suppressed", () => {
    const at = (dueAt: unknown, campaign = {}) => timeAfterEarlierStep(sub, { id: "u", attributes: { dueAt } }, campaign, now);
    expect(at("2026-12-08T10:00:00Z")).toEqual({ plannedAt: new Date("2026-12-08T00:00:00Z"), suppressedReason: null });
    expect(at("2026-12-08T02:00:00Z").plannedAt).toEqual(new Date("2026-12-07T16:00:00Z"));
    expect(at(undefined)).toMatchObject({ suppressedReason: 'No time in user attribute "dueAt"' });
    expect(at("2026-12-20T10:00:00Z", { endAt: new Date("2026-12-10T00:00:00Z") })).toMatchObject({ suppressedReason: "Planned after the campaign's end date" });
    expect(at("2026-12-08T10:00:00Z", { startAt: new Date("2026-12-09T00:00:00Z") }).plannedAt).toEqual(new Date("2026-12-09T00:00:00Z"));
  });
});
