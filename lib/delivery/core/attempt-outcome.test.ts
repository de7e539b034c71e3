import { describe, expect, it } from "vitest";
import { attemptOutcomeText } from "./attempt-outcome";

// A campaign with No retries, retried by hand (Retry all failed), showed "Attempt 1: failed, retried": as if
// its policy had retried it. Now the detail says who retried it by hand, and what the engine retried itself.
describe("attemptOutcomeText", () => {
  it("an attempt followed by a retry by hand says so, with who retried it when the audit log says", () => {
    expect(attemptOutcomeText({ outcome: "retryable", nextAttemptAt: null, retriedBy: "ann@example.com" }, false)).toBe("failed, retried by hand (by ann@example.com)");
    expect(attemptOutcomeText({ outcome: "failed", nextAttemptAt: null, retriedBy: "ann@example.com" }, false)).toBe("failed, retried by hand (by ann@example.com)");
    expect(attemptOutcomeText({ outcome: "retryable", nextAttemptAt: null, retriedBy: null }, false)).toBe("failed, retried by hand");
  });

  it("what the retry policy retried: automatically, or will be; the last one with none left", () => {
    expect(attemptOutcomeText({ outcome: "retryable", nextAttemptAt: "2026-12-07T10:00:00.000Z" }, false)).toBe("failed, retried automatically");
    expect(attemptOutcomeText({ outcome: "retryable", nextAttemptAt: "2026-12-07T10:00:00.000Z" }, true)).toBe("failed, will be retried");
    expect(attemptOutcomeText({ outcome: "retryable", nextAttemptAt: null }, true)).toBe("failed, no retries left");
    expect(attemptOutcomeText({ outcome: "success", nextAttemptAt: null }, true)).toBe("success");
    expect(attemptOutcomeText({ outcome: "failed", nextAttemptAt: null }, true)).toBe("failed");
  });
});
