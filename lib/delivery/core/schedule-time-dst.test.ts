// Local times at the two DST boundaries: a time that happens twice (clocks go back) and one that does
// not happen (clocks go forward), for quiet hours, one-off sends and recurring runs, rule zone and
// each user's zone alike.
import { afterEach, describe, expect, it, vi } from "vitest";
import { planDeliveries } from "./plan";
import { parseDeliveryRule, type DeliveryRule } from "./rules";
import { localToInstant, nextOccurrence, occurrenceDueAt, quietHoursEnd, scheduledTimeHasPassed } from "./schedule-time";

type Recurring = Extract<DeliveryRule, { when: "recurring" }>;
const iso = (d: Date | null) => d?.toISOString() ?? null;

afterEach(() => {
  vi.useRealTimers();
});

// New York goes back from 02:00 EDT (UTC-4) to 01:00 EST (UTC-5) on Sunday 1 November 2026:
// 01:00-01:59 happens at 05:xx UTC and again at 06:xx UTC. Paris goes back on Sunday 25 October
// (02:00-02:59 at 00:xx and 01:xx UTC) and forward on Sunday 29 March (02:00-02:59 does not happen).
describe("quiet hours where the clock goes back", () => {
  const quiet = { start: "00:00", end: "01:30" };

  it("ends at the first 01:30 when held during the first 01:15", () => {
    expect(iso(quietHoursEnd(new Date("2026-11-01T05:15:00Z"), quiet, "America/New_York"))).toBe("2026-11-01T05:30:00.000Z");
  });

  it("ends at the second 01:30 when held during the second 01:15, never at an end already past", () => {
    // 06:15 UTC is 01:15 EST: the first 01:30 (05:30 UTC) is behind; a hold until it would be claimed again at once, each tick
    expect(iso(quietHoursEnd(new Date("2026-11-01T06:15:00Z"), quiet, "America/New_York"))).toBe("2026-11-01T06:30:00.000Z");
    // across midnight too (22:00-01:30)
    expect(iso(quietHoursEnd(new Date("2026-11-01T06:15:00Z"), { start: "22:00", end: "01:30" }, "America/New_York"))).toBe("2026-11-01T06:30:00.000Z");
  });

  it("ends after the moment it holds from, every minute of both DST days, in zones either side of UTC", () => {
    const cases: [string, string][] = [
      ["America/New_York", "2026-11-01"],
      ["America/New_York", "2026-03-08"],
      ["Europe/Paris", "2026-10-25"],
      ["Europe/Paris", "2026-03-29"],
      ["Australia/Lord_Howe", "2026-04-05"], // back by half an hour
      ["Pacific/Chatham", "2026-04-05"],
    ];
    const hours = [{ start: "00:00", end: "01:30" }, { start: "22:00", end: "02:30" }, { start: "01:15", end: "02:45" }, { start: "02:00", end: "03:00" }];
    for (const [zone, day] of cases) {
      const from = new Date(`${day}T00:00:00Z`).getTime() - 36 * 3600_000;
      for (let t = from; t < from + 72 * 3600_000; t += 5 * 60_000) {
        for (const q of hours) {
          const end = quietHoursEnd(new Date(t), q, zone);
          if (end && end.getTime() <= t) throw new Error(`${zone} ${q.start}-${q.end} at ${new Date(t).toISOString()}: ends at ${end.toISOString()}`);
        }
      }
    }
  });
});

describe("a local time that happens twice is its first, whatever the server's date", () => {
  // 02:30 on 25 October happens in Paris at 00:30 UTC (CEST) and again at 01:30 UTC (CET)
  const twice = "2026-10-25T02:30";

  it("localToInstant", () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-07-01T12:00:00Z"));
    expect(iso(localToInstant(twice, "Europe/Paris"))).toBe("2026-10-25T00:30:00.000Z");
    vi.setSystemTime(new Date("2026-12-05T12:00:00Z"));
    expect(iso(localToInstant(twice, "Europe/Paris"))).toBe("2026-10-25T00:30:00.000Z");
    // a time that does not happen (02:30 on 29 March) is the same length after the change: 03:30 CEST
    expect(iso(localToInstant("2026-03-29T02:30", "Europe/Paris"))).toBe("2026-03-29T01:30:00.000Z");
  });

  it("a one-off send at a date and time, activated in winter, goes at the first 02:30 (as the summer's activation)", () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-01-10T12:00:00Z"));
    const plans = planDeliveries({
      rule: parseDeliveryRule({ when: "scheduled", sendAt: twice, timeZone: "Europe/Paris", inUserTimeZone: true }),
      actions: [{ id: "a1", subDelivery: { kind: "immediate" } }],
      users: [{ id: "paris", timezone: "Europe/Paris", attributes: {} }, { id: "rule-zone", timezone: null, attributes: {} }],
      trigger: { kind: "activation" },
      now: new Date("2026-01-10T12:00:00Z"),
      campaign: {},
    });
    expect(plans.map((p) => iso(p.plannedAt))).toEqual(["2026-10-25T00:30:00.000Z", "2026-10-25T00:30:00.000Z"]);
    // passed at the first one, not an hour later
    expect(scheduledTimeHasPassed({ sendAt: twice, timeZone: "Europe/Paris" }, new Date("2026-10-25T00:45:00Z"))).toBe(true);
  });

  it("a daily run at 02:30 goes once on the day, at the same instant in the rule's zone and in each user's zone", () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-12-05T12:00:00Z"));
    const raw = { when: "recurring", frequency: "daily", time: "02:30", timeZone: "Europe/Paris" };
    const inZone = parseDeliveryRule(raw) as Recurring;
    const inUsers = parseDeliveryRule({ ...raw, inUserTimeZone: true }) as Recurring;
    const ruleZoneRun = nextOccurrence(inZone, new Date("2026-10-24T12:00:00Z"), 0);
    expect(iso(ruleZoneRun)).toBe("2026-10-25T00:30:00.000Z");
    expect(iso(nextOccurrence(inZone, ruleZoneRun!, 1))).toBe("2026-10-26T01:30:00.000Z");
    const fannedOut = nextOccurrence(inUsers, new Date("2026-10-24T00:00:00Z"), 0)!; // 25 October at UTC+14
    expect(iso(occurrenceDueAt(inUsers, fannedOut, "Europe/Paris"))).toBe("2026-10-25T00:30:00.000Z");
    // the day it does not happen: 03:30 CEST in both
    expect(iso(nextOccurrence(inZone, new Date("2026-03-28T12:00:00Z"), 0))).toBe("2026-03-29T01:30:00.000Z");
    const spring = nextOccurrence(inUsers, new Date("2026-03-28T00:00:00Z"), 0)!;
    expect(iso(occurrenceDueAt(inUsers, spring, "Europe/Paris"))).toBe("2026-03-29T01:30:00.000Z");
  });
});
