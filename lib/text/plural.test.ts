import { describe, expect, it } from "vitest";
import { plural, pluralWord } from "./plural";

describe("plural", () => {
  it("words a count with its singular or plural noun", () => {
    expect(plural(0, "delivery", "deliveries")).toBe("0 deliveries");
    expect(plural(1, "delivery", "deliveries")).toBe("1 delivery");
    expect(plural(2, "delivery", "deliveries")).toBe("2 deliveries");
    expect(plural(1200, "user", "users")).toBe("1,200 users");
    expect(pluralWord(1, "send", "sends")).toBe("send");
  });
});
