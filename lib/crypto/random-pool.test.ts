import { afterEach, describe, expect, it, vi } from "vitest";
import { orderedId, orderedIds } from "./random-pool";

describe("orderedIds", () => {
  afterEach(() => vi.useRealTimers());

  it("are unique, carry their own random characters and sort by the time they were made", () => {
    vi.useFakeTimers();
    const made: string[] = [];
    for (let ms = 0; ms < 1000; ms++) {
      vi.setSystemTime(Date.UTC(2026, 11, 4) + ms * 37);
      made.push(...orderedIds("msg_", 100, 12), orderedId("msg_", 12));
    }
    expect(new Set(made).size).toBe(made.length);
    for (const id of made) expect(id).toMatch(/^msg_[0-9a-z]{8}[A-Za-z0-9_-]{16}$/);
    // ids of later times sort after every id made earlier (within one time, in any order)
    const timeOf = (id: string) => id.slice(4, 12);
    const sorted = [...made].sort();
    expect(sorted.map(timeOf)).toEqual(made.map(timeOf));
  });

  it("slices whole base64 groups: no two ids of a batch share random characters", () => {
    const ids = orderedIds("c", 1000, 9);
    const tails = ids.map((id) => id.slice(-12));
    expect(tails.every((t) => t.length === 12)).toBe(true);
    expect(new Set(tails).size).toBe(1000);
  });
});
