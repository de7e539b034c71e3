import { describe, expect, it } from "vitest";
import { utcFromInput, utcInputStep, utcInputValue } from "./utc-input";

describe("the Delivery section's UTC date inputs", () => {
  it.each([
    ["2027-03-01T09:00:00.000Z", "2027-03-01T09:00", undefined],
    ["2027-03-01T09:00:30.000Z", "2027-03-01T09:00:30", 1],
    ["2027-03-01T09:00:30.250Z", "2027-03-01T09:00:30.25", 0.001],
    ["2027-03-01T09:00:30.001Z", "2027-03-01T09:00:30.001", 0.001],
  ])("%s shows as %s and saves back as the same instant", (stored, shown, step) => {
    expect(utcInputValue(stored)).toBe(shown);
    expect(utcInputStep(shown)).toBe(step);
    expect(new Date(utcFromInput(shown)).toISOString()).toBe(stored);
  });

  it("no date is an empty input, and an empty input no date", () => {
    expect(utcInputValue(null)).toBe("");
    expect(utcInputValue("not a date")).toBe("");
    expect(utcFromInput("")).toBe("");
  });

  it("a time typed in the input (minutes only) is that minute in UTC", () => {
    expect(utcFromInput("2027-03-01T09:05")).toBe("2027-03-01T09:05:00Z");
  });
});
