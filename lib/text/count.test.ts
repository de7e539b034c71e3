import { describe, expect, it } from "vitest";
import { countOf } from "./count";

describe("countOf", () => {
  it("agrees the noun with the count and groups the digits", () => {
    expect(countOf(1, "delivery", "deliveries")).toBe("1 delivery");
    expect(countOf(0, "delivery", "deliveries")).toBe("0 deliveries");
    expect(countOf(2, "webhook")).toBe("2 webhooks");
    expect(countOf(12_000, "user")).toBe("12,000 users");
    expect(countOf(1.5, "hour")).toBe("1.5 hours");
  });
});
