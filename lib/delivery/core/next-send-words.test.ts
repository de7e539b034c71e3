import { describe, expect, it } from "vitest";
import { userZoneSendWords } from "./next-send-words";

describe("userZoneSendWords", () => {
  it("names the day, the time and that it is each user's own", () => {
    expect(userZoneSendWords({ date: "2026-12-07", time: "09:00" })).toBe("Mon 7 Dec, 09:00 in each user's time zone");
  });
});
