import { describe, expect, it } from "vitest";
import { unreadableSample } from "./sample-problem";

describe("a preview sample that cannot be read", () => {
  it("is the only thing the preview says: the box and what is wrong with it", () => {
    const error = "Not valid JSON near `pro`: put text values in double quotes";
    expect(unreadableSample({ eventParams: error })).toBe(`Sample event parameters: ${error}`);
    expect(unreadableSample({ attributes: 'Write a JSON object, e.g. {"plan": "pro"}' })).toBe('Test user attributes: Write a JSON object, e.g. {"plan": "pro"}');
    // both broken: the first box first, one line
    expect(unreadableSample({ eventParams: "A", attributes: "B" })).toBe("Sample event parameters: A");
  });

  it("is nothing when both boxes read (an empty box is no sample, not an error)", () => {
    expect(unreadableSample({})).toBeNull();
    expect(unreadableSample({ eventParams: undefined, attributes: "" })).toBeNull();
  });
});
