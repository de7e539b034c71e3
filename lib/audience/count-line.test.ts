import { describe, expect, it } from "vitest";
import { audienceCountLine, COMPLETE_TO_COUNT, countableAudience, immediateRuleLine } from "./count-line";

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

describe("the audience count's line once the campaign has sent", () => {
  it("counts the audience now, and does not read as who it sent to (39 matched, it had sent to 37)", () => {
    const audience = { match: "all" as const, conditions: [plan] };
    expect(audienceCountLine(audience, { data: { matching: 39, total: 39 }, error: null }, { sent: true })).toBe(
      "39 of 39 users match now; who it sent to was fixed when it was activated (the delivery log lists them)",
    );
  });

  it("says in the past tense what an immediate rule did once the campaign is finished", () => {
    expect(immediateRuleLine("draft")).toBe("Every user in the audience gets each webhook as soon as the campaign is activated.");
    expect(immediateRuleLine("active")).toBe("Every user in the audience when the campaign was activated is sent each webhook.");
    expect(immediateRuleLine("finished")).toBe("Sent: every user in the audience when the campaign was activated was sent each webhook.");
  });
});
