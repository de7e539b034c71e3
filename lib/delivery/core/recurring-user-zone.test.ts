// A recurring rule sent in each user's own time zone: occurrence N is "date D at `time`"; it fans
// out when the first zone (UTC+14) reaches it and each user's delivery is due at D `time` in their zone.
import { describe, expect, it } from "vitest";
import { planDeliveries, userFieldsPlanned } from "./plan";
import { parseDeliveryRule, type DeliveryRule } from "./rules";
import { fannedOutOccurrenceAfterChange, firstOccurrences, nextOccurrence, occurrenceDate, occurrenceDueAt, pendingRunAfterChange, recurringRuns } from "./schedule-time";

type Recurring = Extract<DeliveryRule, { when: "recurring" }>;
function recurring(raw: object): Recurring {
  const rule = parseDeliveryRule({ when: "recurring", frequency: "daily", time: "09:00", timeZone: "Asia/Tokyo", inUserTimeZone: true, ...raw });
  if (rule.when !== "recurring") throw new Error("not recurring");
  return rule;
}

// Saturday 7 March 2026, noon UTC; the US changes to summer time on Sunday 8 March, Paris on Sunday 29 March
const now = new Date("2026-03-07T12:00:00Z");
const iso = (d: Date | null) => d?.toISOString() ?? null;

describe("recurring in each user's time zone: occurrences", () => {
  it("fans out when UTC+14 reaches the date's time, each date once", () => {
    const rule = recurring({});
    // 09:00 on 8 March at UTC+14 is 19:00 UTC on 7 March
    const first = nextOccurrence(rule, now, 0);
    expect(iso(first)).toBe("2026-03-07T19:00:00.000Z");
    expect(iso(nextOccurrence(rule, first!, 1))).toBe("2026-03-08T19:00:00.000Z");
  });

  it("is due at 09:00 in each user's zone, across a DST change, falling back to the rule's zone", () => {
    const rule = recurring({});
    const first = nextOccurrence(rule, now, 0)!; // the date 8 March
    expect(iso(occurrenceDueAt(rule, first, "Pacific/Kiritimati"))).toBe("2026-03-07T19:00:00.000Z");
    expect(iso(occurrenceDueAt(rule, first, "Europe/Paris"))).toBe("2026-03-08T08:00:00.000Z");
    // 8 March is the day Los Angeles moves to PDT (UTC-7): 09:00 is 16:00 UTC, not 17:00 as the day before
    expect(iso(occurrenceDueAt(rule, first, "America/Los_Angeles"))).toBe("2026-03-08T16:00:00.000Z");
    expect(iso(occurrenceDueAt(rule, new Date("2026-03-06T19:00:00Z"), "America/Los_Angeles"))).toBe("2026-03-07T17:00:00.000Z");
    // Paris moves to CEST (UTC+2) on 29 March: 09:00 is 07:00 UTC that day, 08:00 UTC the day before
    const parisChange = nextOccurrence(rule, new Date("2026-03-28T00:00:00Z"), 0)!;
    expect(iso(occurrenceDueAt(rule, parisChange, "Europe/Paris"))).toBe("2026-03-29T07:00:00.000Z");
    expect(iso(occurrenceDueAt(rule, nextOccurrence(rule, new Date("2026-03-27T00:00:00Z"), 0)!, "Europe/Paris"))).toBe("2026-03-28T08:00:00.000Z");
    // no zone, or not a zone: the rule's (Asia/Tokyo, UTC+9)
    expect(iso(occurrenceDueAt(rule, first, null))).toBe("2026-03-08T00:00:00.000Z");
    expect(iso(occurrenceDueAt(rule, first, "Mars/Base"))).toBe("2026-03-08T00:00:00.000Z");
  });

  it("reads weekdays and the end date as local dates, and counts occurrences as before", () => {
    const monday = recurring({ frequency: "weekly", weekdays: [1], endsOn: "2026-03-16" });
    // Monday 9 March at 09:00 UTC+14 is still Sunday in UTC
    const first = nextOccurrence(monday, now, 0)!;
    expect(iso(first)).toBe("2026-03-08T19:00:00.000Z");
    expect(iso(occurrenceDueAt(monday, first, "America/Los_Angeles"))).toBe("2026-03-09T16:00:00.000Z");
    const second = nextOccurrence(monday, first, 1)!;
    expect(iso(occurrenceDueAt(monday, second, "Europe/Paris"))).toBe("2026-03-16T08:00:00.000Z");
    // 16 March was the last date
    expect(nextOccurrence(monday, second, 2)).toBeNull();
    const twice = recurring({ maxOccurrences: 2 });
    expect(nextOccurrence(twice, now, 1)).not.toBeNull();
    expect(nextOccurrence(twice, now, 2)).toBeNull();
  });

  it("starts, when activated, with the dates under way somewhere (UTC+14 has reached their time, UTC-12 not)", () => {
    const iso = (dates: Date[]) => dates.map((d) => d.toISOString());
    // Monday 7 December 2026, 05:00 UTC: Monday fanned out at Sunday 19:00 UTC, Tuesday's run is at Monday 19:00
    const monday = new Date("2026-12-07T05:00:00Z");
    const daily = recurring({});
    const started = firstOccurrences(daily, monday);
    expect(iso(started.underway)).toEqual(["2026-12-06T19:00:00.000Z"]);
    expect(occurrenceDate(daily, started.underway[0]!)).toBe("2026-12-07");
    expect(started.next?.toISOString()).toBe("2026-12-07T19:00:00.000Z");
    // 19:30 UTC: Monday still ahead at UTC-11 and -12, Tuesday begun: both, each counted
    const both = firstOccurrences(daily, new Date("2026-12-07T19:30:00Z"));
    expect(iso(both.underway)).toEqual(["2026-12-06T19:00:00.000Z", "2026-12-07T19:00:00.000Z"]);
    expect(both.next?.toISOString()).toBe("2026-12-08T19:00:00.000Z");
    // Monday's 09:00 reaches UTC-12 at 21:00 UTC: from then only Tuesday
    expect(iso(firstOccurrences(daily, new Date("2026-12-07T21:00:01Z")).underway)).toEqual(["2026-12-07T19:00:00.000Z"]);
    // the end date and the number of occurrences count the dates under way
    expect(firstOccurrences(recurring({ endsOn: "2026-12-07" }), monday)).toEqual({ underway: started.underway, next: null });
    expect(firstOccurrences(recurring({ maxOccurrences: 1 }), monday)).toEqual({ underway: started.underway, next: null });
    // a weekly rule reads the weekday on the date: on Tuesdays, nothing is under way on Monday
    expect(firstOccurrences(recurring({ frequency: "weekly", weekdays: [2] }), monday)).toEqual({ underway: [], next: new Date("2026-12-07T19:00:00Z") });
    // in the rule's zone nothing is ever under way
    expect(firstOccurrences(recurring({ inUserTimeZone: false }), monday)).toEqual({ underway: [], next: new Date("2026-12-08T00:00:00Z") });
  });

  it("leaves a rule in the campaign's zone as it was", () => {
    const rule = recurring({ inUserTimeZone: false, timeZone: "Europe/Paris" });
    const first = nextOccurrence(rule, now, 0)!;
    expect(iso(first)).toBe("2026-03-08T08:00:00.000Z");
    expect(occurrenceDueAt(rule, first, "America/Los_Angeles")).toBe(first);
    expect(parseDeliveryRule({ when: "recurring", frequency: "daily", timeZone: "UTC" })).toMatchObject({ inUserTimeZone: false });
  });

  it("refuses a cron expression in each user's zone, on the checkbox's field", () => {
    expect(() => recurring({ frequency: "cron", cron: "0 9 * * *" })).toThrow(/^Delivery rule: inUserTimeZone: .*daily or weekly/);
  });
});

describe("a recurring campaign's runs from now (recurringRuns): activation, a run due, a late one", () => {
  const daily = recurring({});
  const runs = (r: ReturnType<typeof recurringRuns>) => ({ runs: r.runs.map((x) => `${x.at.toISOString()}${x.leaveOutBefore ? ` ahead of ${x.leaveOutBefore.toISOString()}` : ""}`), next: iso(r.next) });
  // Monday 7 December 2026: Monday's run fans out on Sunday at 19:00 UTC, Tuesday's on Monday at 19:00
  const sunday = "2026-12-06T19:00:00.000Z";
  const monday = "2026-12-07T19:00:00.000Z";

  it("starting, sends the dates under way to the users whose time on them is ahead, as firstOccurrences finds them", () => {
    const at = new Date("2026-12-07T19:30:00Z");
    expect(runs(recurringRuns(daily, at, null))).toEqual({ runs: [`${sunday} ahead of ${at.toISOString()}`, `${monday} ahead of ${at.toISOString()}`], next: "2026-12-08T19:00:00.000Z" });
  });

  it("a run due on time sends it to everyone and nothing else (the date before it fanned out already)", () => {
    expect(runs(recurringRuns(daily, new Date("2026-12-07T19:00:01Z"), new Date(monday), 5))).toEqual({ runs: [monday], next: "2026-12-08T19:00:00.000Z" });
  });

  it("resumed (or the engine back) at 19:30 UTC with Monday's run pending: Monday to those whose 09:00 is ahead, Tuesday to everyone", () => {
    const at = new Date("2026-12-07T19:30:00Z");
    expect(runs(recurringRuns(daily, at, new Date(sunday), 1))).toEqual({ runs: [`${sunday} ahead of ${at.toISOString()}`, monday], next: "2026-12-08T19:00:00.000Z" });
    // from a week back too: the dates no zone still has ahead are skipped
    expect(runs(recurringRuns(daily, at, new Date("2026-11-30T19:00:00Z"), 1))).toEqual({ runs: [`${sunday} ahead of ${at.toISOString()}`, monday], next: "2026-12-08T19:00:00.000Z" });
    // after 21:00 UTC Monday's 09:00 has passed everywhere: only Tuesday, as before
    expect(runs(recurringRuns(daily, new Date("2026-12-07T21:00:01Z"), new Date(sunday), 1))).toEqual({ runs: [monday], next: "2026-12-08T19:00:00.000Z" });
    // one occurrence left: the latest
    expect(runs(recurringRuns(recurring({ maxOccurrences: 2 }), at, new Date(sunday), 1))).toEqual({ runs: [monday], next: null });
    // in the rule's zone nothing is under way: the latest missed, once
    const inTokyo = recurring({ inUserTimeZone: false });
    expect(runs(recurringRuns(inTokyo, at, new Date("2026-12-05T00:00:00Z"), 1))).toEqual({ runs: ["2026-12-07T00:00:00.000Z"], next: "2026-12-08T00:00:00.000Z" });
  });
});

describe("a paused recurring campaign's pending run when its settings change (pendingRunAfterChange)", () => {
  const inParis = recurring({ inUserTimeZone: false, timeZone: "Europe/Paris" });
  const inUserZones = recurring({ timeZone: "Europe/Paris" });
  // Monday 7 December 2026's 09:00 in Paris, pending
  const mondayParis = new Date("2026-12-07T08:00:00Z");

  it("keeps it when the rule is unchanged", () => {
    expect(iso(pendingRunAfterChange(inParis, inParis, mondayParis, 3, null))).toBe(mondayParis.toISOString());
    const mondayEverywhere = new Date("2026-12-06T19:00:00Z");
    expect(iso(pendingRunAfterChange(inUserZones, inUserZones, mondayEverywhere, 3, null))).toBe(mondayEverywhere.toISOString());
  });

  it("switched to each user's zone, keeps the date it was due to send (UTC+14 reached it first), not the first date no zone has reached", () => {
    expect(iso(pendingRunAfterChange(inParis, inUserZones, mondayParis, 3, null))).toBe("2026-12-06T19:00:00.000Z");
    // and back: Monday in Paris
    expect(iso(pendingRunAfterChange(inUserZones, inParis, new Date("2026-12-06T19:00:00Z"), 3, null))).toBe(mondayParis.toISOString());
    // an earlier time of day on the same date is that date's, not the next one's
    expect(iso(pendingRunAfterChange(inUserZones, recurring({ time: "07:00" }), new Date("2026-12-06T19:00:00Z"), 3, null))).toBe("2026-12-06T17:00:00.000Z");
    // a cron expression that ran on Monday already (06:00 Paris) starts the new rule on Tuesday
    const sixHourly = recurring({ inUserTimeZone: false, timeZone: "Europe/Paris", frequency: "cron", cron: "0 */6 * * *" });
    expect(iso(pendingRunAfterChange(sixHourly, inUserZones, new Date("2026-12-07T11:00:00Z"), 3, null))).toBe("2026-12-07T19:00:00.000Z");
  });

  it("with a start date later than it, the first run an activation would make for that start; the end and count as ever", () => {
    // 10 December 08:30 UTC: Paris's 09:00 that day has passed, the 11th is the first
    const start = new Date("2026-12-10T08:30:00Z");
    expect(iso(pendingRunAfterChange(inParis, inParis, mondayParis, 0, start))).toBe("2026-12-11T08:00:00.000Z");
    // in each user's zone the 10th is still ahead west of Paris: its run (UTC+14, 9 December 19:00 UTC)
    expect(iso(pendingRunAfterChange(inUserZones, inUserZones, new Date("2026-12-06T19:00:00Z"), 0, start))).toBe("2026-12-09T19:00:00.000Z");
    // a start date before it changes nothing
    expect(iso(pendingRunAfterChange(inParis, inParis, mondayParis, 0, new Date("2026-12-01T00:00:00Z")))).toBe(mondayParis.toISOString());
    // the rule ends before the start, or has sent all its occurrences: none
    expect(pendingRunAfterChange(inParis, recurring({ inUserTimeZone: false, timeZone: "Europe/Paris", endsOn: "2026-12-09" }), mondayParis, 0, start)).toBeNull();
    expect(pendingRunAfterChange(inParis, recurring({ inUserTimeZone: false, timeZone: "Europe/Paris", maxOccurrences: 3 }), mondayParis, 3, null)).toBeNull();
  });
});

describe("recurring in each user's time zone: planning an occurrence", () => {
  const rule = recurring({});
  const at = new Date("2026-03-07T19:00:00Z");
  const users = [
    { id: "kiritimati", timezone: "Pacific/Kiritimati" },
    { id: "paris", timezone: "Europe/Paris" },
    { id: "la", timezone: "America/Los_Angeles" },
    { id: "nozone", timezone: null },
  ];

  it("needs the users' zones, and plans each user's delivery at their local 09:00 (sub-delivery on top)", () => {
    const trigger = { kind: "occurrence" as const, at };
    expect(userFieldsPlanned(rule, [], trigger).timezone).toBe(true);
    expect(userFieldsPlanned({ ...rule, inUserTimeZone: false }, [], trigger).timezone).toBe(false);
    const plans = planDeliveries({
      rule,
      actions: [{ id: "a1", subDelivery: { kind: "immediate" } }, { id: "a2", subDelivery: { kind: "delay", seconds: 600 } }],
      users,
      trigger,
      now: at,
      campaign: {},
    });
    const a1 = Object.fromEntries(plans.filter((p) => p.actionId === "a1").map((p) => [p.userId, p.plannedAt.toISOString()]));
    expect(a1).toEqual({
      kiritimati: "2026-03-07T19:00:00.000Z",
      paris: "2026-03-08T08:00:00.000Z",
      la: "2026-03-08T16:00:00.000Z",
      nozone: "2026-03-08T00:00:00.000Z",
    });
    expect(plans.find((p) => p.actionId === "a2" && p.userId === "la")?.plannedAt.toISOString()).toBe("2026-03-08T16:10:00.000Z");
    // one occurrence, one trigger key for everyone
    expect(new Set(plans.map((p) => p.triggerKey))).toEqual(new Set([`occurrence:${at.toISOString()}`]));
  });

  it("leaves out of a date under way at activation the users whose time on it had passed (not late: they start with the next)", () => {
    const activatedAt = new Date("2026-03-08T12:00:00Z");
    const plans = planDeliveries({ rule, actions: [{ id: "a1", subDelivery: { kind: "delay", seconds: 600 } }], users, trigger: { kind: "occurrence", at, leaveOutBefore: activatedAt }, now: activatedAt, campaign: {} });
    // Kiritimati (19:00 UTC on the 7th), Tokyo (the rule's zone, midnight UTC) and Paris (08:00 UTC) have passed: no row at all
    expect(plans.map((p) => [p.userId, p.plannedAt.toISOString(), p.suppressedReason])).toEqual([["la", "2026-03-08T16:10:00.000Z", null]]);
  });

  it("sends at once to a user whose local time passed before a late fan-out, keeping the time it was meant for", () => {
    const late = new Date("2026-03-08T12:00:00Z");
    const plans = planDeliveries({ rule, actions: [{ id: "a1", subDelivery: { kind: "immediate" } }], users, trigger: { kind: "occurrence", at }, now: late, campaign: {} });
    const paris = plans.find((p) => p.userId === "paris")!;
    expect(paris.suppressedReason).toBeNull();
    expect(paris.plannedAt.toISOString()).toBe("2026-03-08T08:00:00.000Z");
  });
});

describe("an occurrence fanned out before a pause, once the rule changes (fannedOutOccurrenceAfterChange)", () => {
  // Monday 7 December 2026 at 09:00 in each user's zone fans out on Sunday at 19:00 UTC
  const mondayAt9 = new Date("2026-12-06T19:00:00Z");
  const inUserZones = recurring({ timeZone: "Europe/Paris" });

  it("in each user's zone, becomes the new rule's run on the same date, or none", () => {
    expect(iso(fannedOutOccurrenceAfterChange(inUserZones, inUserZones, mondayAt9))).toBe(mondayAt9.toISOString());
    // 11:00: Monday's run at 11:00, which UTC+14 reaches on Sunday at 21:00 UTC
    expect(iso(fannedOutOccurrenceAfterChange(inUserZones, recurring({ time: "11:00", timeZone: "Europe/Paris" }), mondayAt9))).toBe("2026-12-06T21:00:00.000Z");
    // weekly on Tuesdays: no run on Monday
    expect(fannedOutOccurrenceAfterChange(inUserZones, recurring({ frequency: "weekly", weekdays: [2], timeZone: "Europe/Paris" }), mondayAt9)).toBeNull();
    // ended the day before
    expect(fannedOutOccurrenceAfterChange(inUserZones, recurring({ endsOn: "2026-12-06", timeZone: "Europe/Paris" }), mondayAt9)).toBeNull();
    // its number of occurrences was counted already: it stays
    expect(iso(fannedOutOccurrenceAfterChange(inUserZones, recurring({ maxOccurrences: 1, timeZone: "Europe/Paris" }), mondayAt9))).toBe(mondayAt9.toISOString());
    // switched to the rule's zone: Monday's 09:00 in Paris
    expect(iso(fannedOutOccurrenceAfterChange(inUserZones, recurring({ inUserTimeZone: false, timeZone: "Europe/Paris" }), mondayAt9))).toBe("2026-12-07T08:00:00.000Z");
  });

  it("in the rule's zone on both sides, stays where it ran", () => {
    const inParis = recurring({ inUserTimeZone: false, timeZone: "Europe/Paris" });
    const ran = new Date("2026-12-07T08:00:00Z");
    expect(fannedOutOccurrenceAfterChange(inParis, recurring({ inUserTimeZone: false, time: "11:00", timeZone: "Europe/Paris" }), ran)).toBe(ran);
    expect(fannedOutOccurrenceAfterChange(null, inUserZones, ran)).toBe(ran);
  });
});

