// Which wake-ups a write asks for: rows due now are announced at once, rows due later get one
// delayed wake per 100 ms of due time, at the earliest due time in it.
import { describe, expect, it } from "vitest";
import { planWakes, wakeJobId, WAKE_BUCKET_MS } from "./signals";

const NOW = 1_800_000_000_000;
const at = (ms: number) => NOW + ms;

describe("planWakes", () => {
  it("announces rows due now, and a hint without times, at once", () => {
    expect(planWakes({ dueTimes: [at(0), at(-5000)] }, NOW)).toEqual({ now: true, later: [] });
    expect(planWakes({}, NOW)).toEqual({ now: true, later: [] });
    expect(planWakes({ campaignId: "c1", dueAt: new Date(NOW + 60_000) }, NOW)).toEqual({ now: true, later: [] });
    expect(planWakes({ deliveryIds: ["d1"] }, NOW)).toEqual({ now: true, later: [] });
  });

  it("delays one wake per bucket to its earliest due time", () => {
    const plan = planWakes({ dueAt: new Date(NOW + 2_010), dueTimes: [at(2_050), at(2_010), at(2_099), at(5_000), at(0)] }, NOW);
    expect(plan.now).toBe(true);
    expect(plan.later).toEqual([NOW + 2_010, NOW + 5_000]);
  });

  it("names a wake by its bucket, so every process adds the same job once", () => {
    expect(wakeJobId(NOW + 2_010)).toBe(wakeJobId(NOW + 2_099));
    expect(wakeJobId(NOW + 2_010)).not.toBe(wakeJobId(NOW + 2_010 + WAKE_BUCKET_MS));
    expect(wakeJobId(NOW)).not.toContain(":");
  });

  it("caps the wakes of one write at the earliest 500", () => {
    const due = Array.from({ length: 2000 }, (_, i) => at(1000 + i * WAKE_BUCKET_MS));
    const plan = planWakes({ dueTimes: due }, NOW);
    expect(plan.later).toHaveLength(500);
    expect(plan.later[0]).toBe(NOW + 1000);
  });
});
