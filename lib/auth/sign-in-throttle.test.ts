// The sign-in throttle itself, against the real database: per account and per address, in windows,
// over a sliding window, shared by concurrent attempts (what several web processes do), and released by a success.
import { describe, expect, it } from "vitest";
import { db } from "../db";
import { releaseSignInAttempt, reserveSignInAttempt, SIGN_IN_LIMITS, slidingRetryAfterMs, withinSlidingWindow } from "./sign-in-throttle";

const t0 = new Date("2026-12-03T10:00:00Z");

describe("reserveSignInAttempt", () => {
  it("refuses an account's attempt past its limit with the wait, from any address, until the sliding window lets one in", async () => {
    const { max, windowMs } = SIGN_IN_LIMITS.account;
    for (let i = 0; i < max; i++) expect((await reserveSignInAttempt({ email: "Owner@Example.com", address: `198.51.100.${i}` }, t0)).allowed).toBe(true);
    const refused = await reserveSignInAttempt({ email: "owner@example.com", address: "198.51.100.200" }, new Date(t0.getTime() + 60_000));
    // the rest of this window (840 s), then until the ten weigh 9: a tenth of the next one (90 s)
    expect(refused).toMatchObject({ allowed: false, bucket: "account", justExceeded: true, retryAfterSeconds: windowMs / 1000 - 60 + windowMs / 10_000 });
    expect(await reserveSignInAttempt({ email: "owner@example.com", address: "198.51.100.201" }, t0)).toMatchObject({ allowed: false, justExceeded: false });
    expect((await reserveSignInAttempt({ email: "other@example.com", address: "198.51.100.200" }, t0)).allowed).toBe(true);
    // The window's end is not a fresh start: its ten failures still weigh almost ten.
    const justAfter = await reserveSignInAttempt({ email: "owner@example.com", address: "198.51.100.202" }, new Date(t0.getTime() + windowMs + 1000));
    expect(justAfter).toMatchObject({ allowed: false, bucket: "account", justExceeded: true, retryAfterSeconds: windowMs / 10_000 - 1 });
    expect((await reserveSignInAttempt({ email: "owner@example.com", address: "198.51.100.200" }, new Date(t0.getTime() + windowMs + windowMs / 10))).allowed).toBe(true);
    expect((await reserveSignInAttempt({ email: "owner@example.com", address: "198.51.100.203" }, new Date(t0.getTime() + 2 * windowMs))).allowed).toBe(true);
    // A window is kept while it still weighs, and cleaned up after.
    expect(await db().signInThrottle.count({ where: { expiresAt: { lte: new Date(t0.getTime() + 2 * windowMs) } } })).toBe(0);
    expect(await db().signInThrottle.count({ where: { key: { endsWith: `:${t0.getTime() + windowMs}` } } })).toBeGreaterThan(0);
  });

  it("does not let ten guesses before a window's end and ten after it through", async () => {
    const { max, windowMs } = SIGN_IN_LIMITS.account;
    const boundary = t0.getTime() + 2 * 60 * 60_000;
    for (let i = 0; i < max; i++) expect((await reserveSignInAttempt({ email: "edge@example.com", address: `198.51.100.${i}` }, new Date(boundary - 5_000 + i))).allowed).toBe(true);
    for (let i = 0; i < max; i++) {
      expect(await reserveSignInAttempt({ email: "edge@example.com", address: `198.51.100.${50 + i}` }, new Date(boundary + 5_000 + i))).toMatchObject({ allowed: false, justExceeded: i === 0 });
    }
    // refused attempts are not counted: once the old ten weigh nine, one more is let in, then none
    const later = boundary + windowMs / 10;
    expect((await reserveSignInAttempt({ email: "edge@example.com", address: "198.51.100.99" }, new Date(later))).allowed).toBe(true);
    expect((await reserveSignInAttempt({ email: "edge@example.com", address: "198.51.100.98" }, new Date(later))).allowed).toBe(false);
  });

  it("weighs the previous window by what of it is still within the last 15 minutes", () => {
    const rule = { max: 10, windowMs: 900_000 };
    expect(withinSlidingWindow(10, 1, 0, rule)).toBe(false);
    expect(withinSlidingWindow(10, 1, 90_000, rule)).toBe(true); // 10 × 0.9 + 1
    expect(withinSlidingWindow(10, 1, 89_999, rule)).toBe(false);
    expect(withinSlidingWindow(0, 10, 899_999, rule)).toBe(true);
    expect(withinSlidingWindow(0, 11, 0, rule)).toBe(false);
    expect(withinSlidingWindow(5, 8, 450_000, rule)).toBe(false); // 2.5 + 8
    expect(withinSlidingWindow(4, 8, 450_000, rule)).toBe(true); // 2 + 8
    expect(slidingRetryAfterMs(10, 0, 0, rule)).toBe(90_000);
    expect(slidingRetryAfterMs(4, 8, 0, rule)).toBe(675_000); // 4 × (1 − f) ≤ 1: f = 0.75
    expect(slidingRetryAfterMs(0, 10, 300_000, rule)).toBe(600_000 + 90_000);
    expect(slidingRetryAfterMs(0, 9, 0, rule)).toBe(0);
    // what the wait says holds: one more fits then, not a millisecond before
    for (const [previous, current, elapsed] of [[10, 0, 0], [4, 8, 100_000], [7, 3, 450_000], [10, 10, 10_000]]) {
      const wait = slidingRetryAfterMs(previous, current, elapsed, rule);
      const at = elapsed + wait;
      const [p, c, e] = at >= rule.windowMs ? [current, 0, at - rule.windowMs] : [previous, current, at];
      expect(withinSlidingWindow(p, c + 1, Math.ceil(e), rule)).toBe(true);
      if (wait > 0 && e >= 1) expect(withinSlidingWindow(p, c + 1, Math.ceil(e) - 1, rule)).toBe(false);
    }
  });

  it("refuses an address past its limit whatever emails it tries", async () => {
    const now = new Date(t0.getTime() + 3 * 60 * 60_000);
    for (let i = 0; i < SIGN_IN_LIMITS.address.max; i++) expect((await reserveSignInAttempt({ email: `guess${i}@example.com`, address: "203.0.113.9" }, now)).allowed).toBe(true);
    expect(await reserveSignInAttempt({ email: "fresh@example.com", address: "203.0.113.9" }, now)).toMatchObject({ allowed: false, bucket: "address" });
    // The refused attempt gave the account bucket its slot back.
    const accountKeys = await db().signInThrottle.findMany({ where: { key: { startsWith: "account:" }, attempts: { gt: 0 }, expiresAt: { gt: now } } });
    expect(accountKeys.map((row) => row.attempts)).toEqual(accountKeys.map(() => 1));
    expect(accountKeys).toHaveLength(SIGN_IN_LIMITS.address.max);
  });

  it("lets exactly `max` of many concurrent attempts through", async () => {
    const now = new Date(t0.getTime() + 6 * 60 * 60_000);
    const results = await Promise.all(Array.from({ length: 25 }, (_, i) => reserveSignInAttempt({ email: "race@example.com", address: `192.0.2.${i}` }, now)));
    expect(results.filter((r) => r.allowed)).toHaveLength(SIGN_IN_LIMITS.account.max);
    expect(results.filter((r) => !r.allowed && r.justExceeded)).toHaveLength(1);
  });

  it("gives a successful attempt's slots back, so only failures add up", async () => {
    const now = new Date(t0.getTime() + 9 * 60 * 60_000);
    for (let i = 0; i < SIGN_IN_LIMITS.account.max * 2; i++) {
      const r = await reserveSignInAttempt({ email: "often@example.com", address: "192.0.2.77" }, now);
      expect(r.allowed).toBe(true);
      if (r.allowed) await releaseSignInAttempt(r.keys);
    }
  });
});
