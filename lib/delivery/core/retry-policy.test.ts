import { describe, expect, it } from "vitest";
import { AGGRESSIVE_SCHEDULE_MS, DEFAULT_SCHEDULE_MS, describeRetryAfterFailure, describeRetryPolicy, nextAttemptAt, retryPolicyLabel } from "./retry-policy";

const now = new Date("2026-01-01T00:00:00Z");
const at = (ms: number) => new Date(now.getTime() + ms);

describe("nextAttemptAt", () => {
  it("follows the default schedule without jitter at the midpoint", () => {
    const waits = DEFAULT_SCHEDULE_MS.map((_, i) => nextAttemptAt({ policy: "default", attemptsMade: i + 1, now, random: () => 0.5 })!.getTime() - now.getTime());
    expect(waits).toEqual([30_000, 120_000, 600_000, 1_800_000, 3_600_000, 10_800_000, 21_600_000, 43_200_000, 86_400_000]);
    expect(nextAttemptAt({ policy: "default", attemptsMade: 10, now })).toBeNull();
  });

  it("jitters by at most 20% either way", () => {
    expect(nextAttemptAt({ policy: "default", attemptsMade: 1, now, random: () => 0 })).toEqual(at(24_000));
    expect(nextAttemptAt({ policy: "default", attemptsMade: 1, now, random: () => 1 })).toEqual(at(36_000));
  });

  it("never retries with 'none'", () => {
    expect(nextAttemptAt({ policy: "none", attemptsMade: 1, now })).toBeNull();
    expect(nextAttemptAt({ policy: "none", attemptsMade: 1, now, retryAfterMs: 1000 })).toBeNull();
  });

  it("makes 50 attempts over about 3 days when aggressive", () => {
    expect(AGGRESSIVE_SCHEDULE_MS).toHaveLength(49);
    const total = AGGRESSIVE_SCHEDULE_MS.reduce((a, b) => a + b, 0);
    expect(total / 3_600_000).toBeGreaterThan(66);
    expect(total / 3_600_000).toBeLessThan(78);
    expect(nextAttemptAt({ policy: "aggressive", attemptsMade: 49, now })).not.toBeNull();
    expect(nextAttemptAt({ policy: "aggressive", attemptsMade: 50, now })).toBeNull();
  });

  it("honours Retry-After exactly, capped at 24 hours", () => {
    expect(nextAttemptAt({ policy: "default", attemptsMade: 1, now, retryAfterMs: 5000, random: () => 1 })).toEqual(at(5000));
    expect(nextAttemptAt({ policy: "default", attemptsMade: 1, now, retryAfterMs: 90 * 3_600_000 })).toEqual(at(86_400_000));
  });

  it("takes a replacement schedule (drills use short ones)", () => {
    expect(nextAttemptAt({ policy: "default", attemptsMade: 2, now, scheduleMs: [100, 200], random: () => 0.5 })).toEqual(at(200));
    expect(nextAttemptAt({ policy: "default", attemptsMade: 3, now, scheduleMs: [100, 200] })).toBeNull();
  });
});

describe("describeRetryPolicy", () => {
  it("says the schedule in plain words", () => {
    expect(describeRetryPolicy("default")).toContain("after 30 seconds, 2 minutes, 10 minutes, 30 minutes, 1 hour, 3 hours, 6 hours, 12 hours and 1 day");
    expect(describeRetryPolicy("none")).toMatch(/No retries/);
    expect(describeRetryPolicy("aggressive")).toMatch(/Up to 50 attempts over about 3 days/);
  });
});

describe("retryPolicyLabel and describeRetryAfterFailure", () => {
  it("name each policy's size from its own schedule", () => {
    expect(retryPolicyLabel("default")).toBe(`Default (${DEFAULT_SCHEDULE_MS.length} retries over about 2 days)`);
    expect(retryPolicyLabel("aggressive")).toBe(`Aggressive (up to ${AGGRESSIVE_SCHEDULE_MS.length + 1} attempts over about 3 days)`);
    expect(retryPolicyLabel("none")).toBe("No retries");
  });

  it("say what a real delivery would do after an answer that is retried, under the policy as set now", () => {
    // an old test send shows this after the policy changed: the note must not claim the policy it was sent under
    expect(describeRetryAfterFailure("default")).toBe(
      "A delivery retries this kind of answer. Under the retry policy set now (“Default”): up to 9 retries, the first after 30 seconds, over about 2 days, unless the receiver's Retry-After says when.",
    );
    expect(describeRetryAfterFailure("aggressive")).toMatch(/^A delivery retries this kind of answer. Under the retry policy set now \(“Aggressive”\): up to 49 retries, the first after 10 seconds, over about 3 days/);
    expect(describeRetryAfterFailure("none")).toBe("A delivery retries this kind of answer, but the retry policy set now is “No retries”: it would be marked failed.");
  });
});
