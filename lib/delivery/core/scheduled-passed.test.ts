import { describe, expect, it } from "vitest";
import { scheduledTimeHasPassed } from "./schedule-time";

const now = new Date("2026-12-03T10:00:00Z");

describe("scheduledTimeHasPassed", () => {
  it("reads the send time in the rule's zone", () => {
    // 11:30 in Paris is 10:30 UTC: still ahead; 10:30 in London is 10:30 UTC: ahead too
    expect(scheduledTimeHasPassed({ sendAt: "2026-12-03T11:30", timeZone: "Europe/Paris" }, now)).toBe(false);
    // 10:30 in Paris is 09:30 UTC: passed
    expect(scheduledTimeHasPassed({ sendAt: "2026-12-03T10:30", timeZone: "Europe/Paris" }, now)).toBe(true);
    expect(scheduledTimeHasPassed({ sendAt: "2025-01-01T09:00", timeZone: "UTC" }, now)).toBe(true);
    expect(scheduledTimeHasPassed({ sendAt: "2027-01-01T09:00", timeZone: "UTC" }, now)).toBe(false);
  });

  it("in each user's own zone, counts as passed only once it passed in the last zone", () => {
    expect(scheduledTimeHasPassed({ sendAt: "2026-12-03T09:00", timeZone: "UTC", inUserTimeZone: true }, now)).toBe(false);
    expect(scheduledTimeHasPassed({ sendAt: "2026-12-02T09:00", timeZone: "UTC", inUserTimeZone: true }, now)).toBe(true);
  });

  it("is false for an unreadable time (the form says why elsewhere)", () => {
    expect(scheduledTimeHasPassed({ sendAt: "", timeZone: "UTC" }, now)).toBe(false);
    expect(scheduledTimeHasPassed({ sendAt: "2025-01-01T09:00", timeZone: "Not/AZone" }, now)).toBe(false);
  });
});
