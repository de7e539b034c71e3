import { describe, expect, it, vi } from "vitest";
import { instantFromZonedInput, rezonedInputValue, utcInputStep, zonedInputValue } from "./utc-input";
import { localToInstant } from "../core/schedule-time";

describe("the Delivery section's start and end inputs, in UTC", () => {
  it.each([
    ["2027-03-01T09:00:00.000Z", "2027-03-01T09:00", undefined],
    ["2027-03-01T09:00:30.000Z", "2027-03-01T09:00:30", 1],
    ["2027-03-01T09:00:30.250Z", "2027-03-01T09:00:30.25", 0.001],
    ["2027-03-01T09:00:30.001Z", "2027-03-01T09:00:30.001", 0.001],
  ])("%s shows as %s and saves back as the same instant", (stored, shown, step) => {
    expect(zonedInputValue(stored)).toBe(shown);
    expect(utcInputStep(shown)).toBe(step);
    expect(new Date(instantFromZonedInput(shown)).toISOString()).toBe(stored);
  });

  it("no date is an empty input, and an empty input no date", () => {
    expect(zonedInputValue(null)).toBe("");
    expect(zonedInputValue("not a date")).toBe("");
    expect(instantFromZonedInput("")).toBe("");
  });

  it("a time typed in the input (minutes only) is that minute in UTC", () => {
    expect(instantFromZonedInput("2027-03-01T09:05")).toBe("2027-03-01T09:05:00Z");
  });
});

describe("in a zone chosen on the form (a marketer in Paris types Paris time)", () => {
  it("a Paris wall-clock time is stored as its UTC instant, winter and summer, and shows back the same", () => {
    expect(instantFromZonedInput("2027-01-15T09:00", "Europe/Paris")).toBe("2027-01-15T08:00:00Z");
    expect(instantFromZonedInput("2027-07-15T09:00:30", "Europe/Paris")).toBe("2027-07-15T07:00:30Z");
    expect(instantFromZonedInput("2027-07-15T09:00:30.25", "Europe/Paris")).toBe("2027-07-15T07:00:30.250Z");
    expect(zonedInputValue("2027-07-15T07:00:30.250Z", "Europe/Paris")).toBe("2027-07-15T09:00:30.25");
    expect(zonedInputValue("2027-01-15T08:00:00Z", "America/New_York")).toBe("2027-01-15T03:00");
  });

  it("a time the clocks skip is the same time after the change; one they repeat, the first (summer time), as Send at reads it", () => {
    // 28 March 2027, Paris: 02:00 -> 03:00; 31 October 2027: 03:00 -> 02:00
    expect(instantFromZonedInput("2027-03-28T02:30", "Europe/Paris")).toBe("2027-03-28T01:30:00Z");
    expect(instantFromZonedInput("2027-10-31T02:30", "Europe/Paris")).toBe("2027-10-31T00:30:00Z");
  });

  it("one the clocks repeat is the first whatever the date the page runs on (luxon alone picks by today's offset)", () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      vi.setSystemTime(new Date("2027-07-01T12:00:00Z"));
      expect(instantFromZonedInput("2027-10-31T02:30", "Europe/Paris")).toBe("2027-10-31T00:30:00Z");
      expect(rezonedInputValue("2027-10-31T02:30", "Europe/Paris", "UTC")).toBe("2027-10-31T00:30");
      vi.setSystemTime(new Date("2027-12-01T12:00:00Z"));
      expect(instantFromZonedInput("2027-10-31T02:30", "Europe/Paris")).toBe("2027-10-31T00:30:00Z");
    } finally {
      vi.useRealTimers();
    }
  });

  // America/New_York, 1 November 2026: 02:00 EDT -> 01:00 EST, so 01:30 happens at 05:30Z and again at 06:30Z
  it("Start and End read a repeated time as Send at does, through the one lib function (localToInstant)", () => {
    const zone = "America/New_York";
    for (const local of ["2026-11-01T00:59", "2026-11-01T01:00", "2026-11-01T01:30", "2026-11-01T01:59", "2026-11-01T02:00", "2026-03-08T02:30", "2026-07-01T09:00"]) {
      expect(instantFromZonedInput(local, zone)).toBe(localToInstant(local, zone).toISOString().replace(".000Z", "Z"));
    }
    expect(instantFromZonedInput("2026-11-01T01:30", zone)).toBe("2026-11-01T05:30:00Z");
    expect(instantFromZonedInput("2026-11-01T00:30", zone)).toBe("2026-11-01T04:30:00Z");
    expect(instantFromZonedInput("2026-11-01T02:30", zone)).toBe("2026-11-01T07:30:00Z");
    // a Send at of 01:30 and a Start of 01:30 that night are the same instant: nothing is held an hour past its Send at
    expect(new Date(instantFromZonedInput("2026-11-01T01:30", zone))).toEqual(localToInstant("2026-11-01T01:30", zone));
    // a value with seconds keeps them
    expect(instantFromZonedInput("2026-11-01T01:30:15.5", zone)).toBe("2026-11-01T05:30:15.500Z");
  });

  it("changing the zone keeps the instant: the input shows it in the new zone", () => {
    expect(rezonedInputValue("2027-03-01T09:00:30", "UTC", "Europe/Paris")).toBe("2027-03-01T10:00:30");
    expect(rezonedInputValue("2027-03-01T10:00", "Europe/Paris", "Asia/Tokyo")).toBe("2027-03-01T18:00");
    expect(rezonedInputValue("", "UTC", "Europe/Paris")).toBe("");
  });

  it("a zone name in any case is the zone; an unknown one is UTC rather than the server's zone", () => {
    expect(instantFromZonedInput("2027-01-15T09:00", "europe/paris")).toBe("2027-01-15T08:00:00Z");
    expect(instantFromZonedInput("2027-01-15T09:00", "Mars/Olympus")).toBe("2027-01-15T09:00:00Z");
  });
});
