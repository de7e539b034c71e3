import { describe, expect, it } from "vitest";
import { audienceCountLine, COMPLETE_TO_COUNT, countableAudience } from "./count-line";

const blank = { key: "", operator: "equals" as const, value: "" };
const plan = { key: "plan", operator: "equals" as const, value: "pro" };

describe("the audience count's line", () => {
  it("asks for the condition to be completed rather than showing the count of the audience before it", () => {
    const audience = { match: "all" as const, conditions: [plan, blank] };
    expect(countableAudience(audience)).toBe(false);
    // the count of the earlier audience, still held while the new one is refused, is not shown
    expect(audienceCountLine(audience, { data: { matching: 9, total: 9 }, error: null })).toBe(COMPLETE_TO_COUNT);
    expect(audienceCountLine({ match: "all", conditions: [{ ...blank, key: "   " }] }, { data: undefined, error: null })).toBe(COMPLETE_TO_COUNT);
  });

  it("says the count's refusal rather than an earlier count", () => {
    const audience = { match: "all" as const, conditions: [plan] };
    expect(countableAudience(audience)).toBe(true);
    expect(audienceCountLine(audience, { data: { matching: 9, total: 9 }, error: new Error("A value can be at most 100,000 characters") })).toBe(
      "A value can be at most 100,000 characters",
    );
  });

  it("counts a complete audience, and says it is counting before the first answer", () => {
    const audience = { match: "any" as const, conditions: [plan] };
    expect(audienceCountLine(audience, { data: { matching: 1, total: 1 }, error: null })).toBe("1 of 1 user match");
    expect(audienceCountLine(audience, { data: { matching: 3, total: 9 }, error: null })).toBe("3 of 9 users match");
    expect(audienceCountLine({ match: "all", conditions: [] }, { data: undefined, error: null })).toBe("Counting users…");
  });
});
