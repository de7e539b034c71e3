// The sign-in throttle itself, against the real database: per account and per address, in windows,
// shared by concurrent attempts (what several web processes do), and released by a success.
import { describe, expect, it } from "vitest";
import { db } from "../db";
import { releaseSignInAttempt, reserveSignInAttempt, SIGN_IN_LIMITS } from "./sign-in-throttle";

const t0 = new Date("2026-12-03T10:00:00Z");

describe("reserveSignInAttempt", () => {
  it("refuses an account's attempt past its limit with the wait, from any address, until the window ends", async () => {
    const { max, windowMs } = SIGN_IN_LIMITS.account;
    for (let i = 0; i < max; i++) expect((await reserveSignInAttempt({ email: "Owner@Example.com", address: `198.51.100.${i}` }, t0)).allowed).toBe(true);
    const refused = await reserveSignInAttempt({ email: "owner@example.com", address: "198.51.100.200" }, new Date(t0.getTime() + 60_000));
    expect(refused).toMatchObject({ allowed: false, bucket: "account", justExceeded: true, retryAfterSeconds: windowMs / 1000 - 60 });
    expect(await reserveSignInAttempt({ email: "owner@example.com", address: "198.51.100.201" }, t0)).toMatchObject({ allowed: false, justExceeded: false });
    expect((await reserveSignInAttempt({ email: "other@example.com", address: "198.51.100.200" }, t0)).allowed).toBe(true);
    expect((await reserveSignInAttempt({ email: "owner@example.com", address: "198.51.100.200" }, new Date(t0.getTime() + windowMs))).allowed).toBe(true);
    // Expired windows are cleaned up.
    expect(await db().signInThrottle.count({ where: { expiresAt: { lte: new Date(t0.getTime() + windowMs) } } })).toBe(0);
  });

  it("refuses an address past its limit whatever emails it tries", async () => {
    const now = new Date(t0.getTime() + 3 * 60 * 60_000);
    for (let i = 0; i < SIGN_IN_LIMITS.address.max; i++) expect((await reserveSignInAttempt({ email: `guess${i}@example.com`, address: "203.0.113.9" }, now)).allowed).toBe(true);
    expect(await reserveSignInAttempt({ email: "fresh@example.com", address: "203.0.113.9" }, now)).toMatchObject({ allowed: false, bucket: "address" });
    // The refused attempt gave the account bucket its slot back.
    const accountKeys = await db().signInThrottle.findMany({ where: { key: { startsWith: "account:" }, attempts: { gt: 0 }, expiresAt: { gt: now } } });
    expect(accountKeys.every((row) => row.attempts === 1)).toBe(true);
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
