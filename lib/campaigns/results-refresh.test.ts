// How often the campaign page's results table refreshes: while the campaign can still change its numbers.
import { describe, expect, it } from "vitest";
import { RESULTS_SENDING_MS, RESULTS_WINDOW_OPEN_MS, resultsRefetchMs } from "./results-refresh";

const NOW = Date.parse("2026-06-01T12:00:00.000Z");
const hours = (h: number) => new Date(NOW + h * 3_600_000).toISOString();

describe("resultsRefetchMs", () => {
  it("refreshes on the sending beat while the campaign is active or has deliveries waiting", () => {
    expect(resultsRefetchMs({ status: "active", waiting: false, goalOpenUntil: null }, NOW)).toBe(RESULTS_SENDING_MS);
    expect(resultsRefetchMs({ status: "finished", waiting: true, goalOpenUntil: null }, NOW)).toBe(RESULTS_SENDING_MS);
  });

  it("keeps refreshing, slower, a finished or paused campaign whose goal window is still open: conversions still arrive", () => {
    expect(resultsRefetchMs({ status: "finished", waiting: false, goalOpenUntil: hours(1) }, NOW)).toBe(RESULTS_WINDOW_OPEN_MS);
    expect(resultsRefetchMs({ status: "paused", waiting: false, goalOpenUntil: hours(100) }, NOW)).toBe(RESULTS_WINDOW_OPEN_MS);
    // a paused campaign's waiting deliveries are held: the slower beat, not the sending one
    expect(resultsRefetchMs({ status: "paused", waiting: true, goalOpenUntil: hours(100) }, NOW)).toBe(RESULTS_WINDOW_OPEN_MS);
    expect(resultsRefetchMs({ status: "paused", waiting: true, goalOpenUntil: null }, NOW)).toBe(false);
  });

  it("stops once nothing can change by itself: a draft, no goal, or the window closed", () => {
    expect(resultsRefetchMs({ status: "draft", waiting: false, goalOpenUntil: null }, NOW)).toBe(false);
    expect(resultsRefetchMs({ status: "finished", waiting: false, goalOpenUntil: null }, NOW)).toBe(false);
    expect(resultsRefetchMs({ status: "finished", waiting: false, goalOpenUntil: hours(-1) }, NOW)).toBe(false);
    expect(resultsRefetchMs({ status: "paused", waiting: false, goalOpenUntil: hours(0) }, NOW)).toBe(false);
  });

  it("is a sane beat: no faster than the outcome chart's 3 s, and the open window's slower still", () => {
    expect(RESULTS_SENDING_MS).toBeGreaterThanOrEqual(3000);
    expect(RESULTS_WINDOW_OPEN_MS).toBeGreaterThan(RESULTS_SENDING_MS);
  });
});
