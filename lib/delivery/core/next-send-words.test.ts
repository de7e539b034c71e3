import { describe, expect, it } from "vitest";
import { nextSendWords, userZoneSendWords } from "./next-send-words";

/** The words with each instant written as [iso] (the screen shows it in the reader's zone). */
const read = (parts: ReturnType<typeof nextSendWords>) => parts.map((p) => (typeof p === "string" ? p : `[${p.instant}]`)).join("");

describe("userZoneSendWords", () => {
  it("names the day, the time and that it is each user's own", () => {
    expect(userZoneSendWords({ date: "2026-12-07", time: "09:00" })).toBe("Mon 7 Dec, 09:00 in each user's time zone");
  });
});

describe("nextSendWords: the campaign page's and the list's words for a next send", () => {
  const local = { date: "2026-12-06", time: "09:00" };

  it("a send in each user's zone already planned says when its first users get it: 'Sun 6 Dec, 09:00' at 17:55 in Paris is not a past time", () => {
    expect(read(nextSendWords({ iso: "2026-12-06T17:00:00.000Z", local, exact: true, begun: false }))).toBe("Sun 6 Dec, 09:00 in each user's time zone (first users at [2026-12-06T17:00:00.000Z])");
  });

  it("a send in each user's zone whose earlier zones were sent already names its next users, not its first", () => {
    expect(read(nextSendWords({ iso: "2026-12-06T17:00:00.000Z", local, exact: true, begun: true }))).toBe("Sun 6 Dec, 09:00 in each user's time zone (next users at [2026-12-06T17:00:00.000Z])");
  });

  it("a run not planned yet says from when the earliest zone reaches it (no users are read for it)", () => {
    expect(read(nextSendWords({ iso: "2026-12-05T19:00:00.000Z", local, exact: false, begun: false }))).toBe("Sun 6 Dec, 09:00 in each user's time zone (from [2026-12-05T19:00:00.000Z], as the earliest time zones reach it)");
  });

  it("a send in one zone is its instant", () => {
    expect(read(nextSendWords({ iso: "2026-12-06T08:00:00.000Z", local: null, exact: true, begun: false }))).toBe("[2026-12-06T08:00:00.000Z]");
  });
});
