// The render-time share of the live preview (preview-rate.ts) against what rendering costs on a loaded
// two-core machine (measured 2026-12-07 with the CPU busy: an ordinary preview 4 ms at the median,
// 12 ms on average, 30 ms at p90, 90 ms at p99, 250 ms for a server's first). Charged as wall-clock
// time with a 1 s burst, a fast typist sat on the 200 ms/s line and was held after a minute or two.
// Simulated on the buckets' own clock: no sleeping.
import { describe, expect, it } from "vitest";
import { TokenBuckets } from "../api/rate-limit";
import { chargedRenderTime, PREVIEW_DEBOUNCE_MS, PREVIEW_RATE, PREVIEW_RENDER_TIME } from "./preview-rate";

// a hundred previews as the loaded machine rendered them (mean 12.5 ms)
const loaded = [...Array(50).fill(4), ...Array(35).fill(12), ...Array(10).fill(30), ...Array(4).fill(60), 93];

/** Previews every `everyMs` for `seconds`, each taking the next of `durations`; the first 429's index, or null. */
function firstRefused(durations: number[], everyMs: number, seconds: number, coldMs = 0): number | null {
  const buckets = new TokenBuckets(PREVIEW_RENDER_TIME.perSecond, PREVIEW_RENDER_TIME.burst);
  for (let i = 0, now = 0; now < seconds * 1000; i++, now += everyMs) {
    if (!buckets.check("m", now).ok) return i;
    buckets.charge("m", chargedRenderTime(i === 0 && coldMs ? coldMs : durations[i % durations.length]!), now);
  }
  return null;
}

describe("the render time a member's previews are charged", () => {
  it("never holds the fastest typist on a loaded machine: a preview every debounce for two minutes, after a cold start", () => {
    const fastest = Math.ceil(1000 / PREVIEW_DEBOUNCE_MS);
    expect(fastest).toBeLessThanOrEqual(PREVIEW_RATE.perSecond);
    expect(firstRefused(loaded, 1000 / fastest, 120, 250)).toBeNull();
  });

  it("charges nothing for an ordinary preview, and nearly all of a heavy one", () => {
    expect(chargedRenderTime(PREVIEW_RENDER_TIME.freeMs)).toBe(0);
    expect(chargedRenderTime(2)).toBe(0);
    expect(chargedRenderTime(500)).toBe(500 - PREVIEW_RENDER_TIME.freeMs);
  });

  it("still holds a member looping templates that render for their whole budget, within a few previews at the count limit", () => {
    // 250 ms twice (a failing field is looked for), as fast as the count limit lets them
    const refusedAt = firstRefused([500], 1000 / PREVIEW_RATE.perSecond, 10);
    expect(refusedAt).not.toBeNull();
    expect(refusedAt!).toBeLessThan(15);
    // and what they get sustained is the share, not the event loop: a tenth at most goes uncharged
    expect(PREVIEW_RENDER_TIME.freeMs * PREVIEW_RATE.perSecond).toBeLessThanOrEqual(100);
  });
});
