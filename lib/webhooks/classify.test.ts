import { describe, expect, it } from "vitest";
import { classifyResponse, MAX_RETRY_AFTER_MS, parseRetryAfter } from "./classify";

describe("classifyResponse", () => {
  it.each([
    [200, "delivered"],
    [201, "delivered"],
    [204, "delivered"],
    [299, "delivered"],
    [301, "failed"],
    [302, "failed"],
    [304, "failed"],
    [400, "failed"],
    [401, "failed"],
    [404, "failed"],
    [410, "failed"],
    [413, "failed"],
    [408, "retryable"],
    [409, "retryable"],
    [425, "retryable"],
    [429, "retryable"],
    [500, "retryable"],
    [502, "retryable"],
    [503, "retryable"],
    [504, "retryable"],
  ] as const)("status %i is %s", (status, outcome) => {
    expect(classifyResponse({ status }).outcome).toBe(outcome);
  });

  it.each([
    ["network", "retryable"],
    ["timeout", "retryable"],
    ["cancelled", "retryable"],
    ["refused", "failed"],
    ["invalid", "failed"],
    ["template", "failed"],
  ] as const)("error %s is %s", (error, outcome) => {
    expect(classifyResponse({ error })).toEqual({ outcome });
  });

  it("honours Retry-After on retryable answers only", () => {
    const now = Date.parse("2026-11-26T12:00:00Z");
    expect(classifyResponse({ status: 429, retryAfter: "7" }, now)).toEqual({ outcome: "retryable", retryAfterMs: 7000 });
    expect(classifyResponse({ status: 503, retryAfter: "Thu, 26 Nov 2026 12:01:00 GMT" }, now)).toEqual({ outcome: "retryable", retryAfterMs: 60_000 });
    expect(classifyResponse({ status: 400, retryAfter: "7" }, now)).toEqual({ outcome: "failed" });
  });
});

describe("parseRetryAfter", () => {
  const now = Date.parse("2026-11-26T12:00:00Z");
  it.each([
    ["0", 0],
    ["120", 120_000],
    [" 5 ", 5000],
    ["999999999", MAX_RETRY_AFTER_MS],
    ["Thu, 26 Nov 2026 11:00:00 GMT", 0],
    ["Fri, 27 Nov 2026 12:00:00 GMT", MAX_RETRY_AFTER_MS],
    ["Sat, 28 Nov 2026 12:00:00 GMT", MAX_RETRY_AFTER_MS],
    ["-5", undefined],
    ["1.5", undefined],
    ["soon", undefined],
    ["", undefined],
    [null, undefined],
  ])("%j -> %j", (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});
