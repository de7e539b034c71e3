// The sign-in throttle itself, against the real database: per account and per address, over a sliding
// 15 minutes, shared by concurrent attempts (what several web processes do), and released by a success.
import { describe, expect, it } from "vitest";
import { db } from "../db";
import { recordSignInFailure, releaseSignInAttempt, reserveSignInAttempt, SIGN_IN_LIMITS, slotIsFree, slotMayBeFreeAt, waitForSlotMs, type SignInReservation } from "./sign-in-throttle";

const t0 = new Date("2026-12-03T10:00:00Z");

/** A wrong password: the attempt is let through, and its failure is known at `now`. */
async function failedAt(reservation: Promise<SignInReservation>, now: Date) {
  const r = await reservation;
  expect(r.allowed).toBe(true);
  if (r.allowed) await recordSignInFailure(r.slots, now);
}

describe("reserveSignInAttempt", () => {
  it("refuses an account's attempt past its limit with the wait, from any address, until its oldest failure is 15 minutes old", async () => {
    const { max, windowMs } = SIGN_IN_LIMITS.account;
    const at = (ms: number) => new Date(t0.getTime() + ms);
    for (let i = 0; i < max; i++) await failedAt(reserveSignInAttempt({ email: "Owner@Example.com", address: `198.51.100.${i}` }, at(i * 1000)), at(i * 1000));
    // the first failure (at t0) leaves the 15 minutes 840 s after t0 + 60 s
    expect(await reserveSignInAttempt({ email: "owner@example.com", address: "198.51.100.200" }, at(60_000))).toMatchObject({ allowed: false, bucket: "account", justExceeded: true, retryAfterSeconds: windowMs / 1000 - 60 });
    expect(await reserveSignInAttempt({ email: "owner@example.com", address: "198.51.100.201" }, at(9_000))).toMatchObject({ allowed: false, justExceeded: false, retryAfterSeconds: windowMs / 1000 - 9 });
    expect((await reserveSignInAttempt({ email: "other@example.com", address: "198.51.100.200" }, at(0))).allowed).toBe(true);
    expect(await reserveSignInAttempt({ email: "owner@example.com", address: "198.51.100.202" }, at(windowMs - 1))).toMatchObject({ allowed: false, retryAfterSeconds: 1 });
    // one more as each failure leaves the window, not a millisecond before (a new quarter hour: its first refusal is marked)
    expect((await reserveSignInAttempt({ email: "owner@example.com", address: "198.51.100.203" }, at(windowMs))).allowed).toBe(true);
    expect(await reserveSignInAttempt({ email: "owner@example.com", address: "198.51.100.204" }, at(windowMs))).toMatchObject({ allowed: false, justExceeded: true, retryAfterSeconds: 1 });
    expect((await reserveSignInAttempt({ email: "owner@example.com", address: "198.51.100.204" }, at(windowMs + 1000))).allowed).toBe(true);
    // A slot's row is kept a window after its failure stops counting, and deleted after.
    await reserveSignInAttempt({ email: "later@example.com", address: "198.51.100.205" }, at(2 * windowMs + 10_000));
    expect(await db().signInThrottle.count({ where: { expiresAt: { lte: at(windowMs + 10_000) } } })).toBe(0);
    expect(await db().signInThrottle.count({ where: { key: { startsWith: "account:" }, expiresAt: at(2 * windowMs) } })).toBe(1);
  });

  it("does not let ten guesses before a quarter hour's end and ten after it through", async () => {
    const { max, windowMs } = SIGN_IN_LIMITS.account;
    const boundary = t0.getTime() + 2 * 60 * 60_000;
    for (let i = 0; i < max; i++) expect((await reserveSignInAttempt({ email: "edge@example.com", address: `198.51.100.${i}` }, new Date(boundary - 5_000 + i))).allowed).toBe(true);
    for (let i = 0; i < max; i++) {
      expect(await reserveSignInAttempt({ email: "edge@example.com", address: `198.51.100.${50 + i}` }, new Date(boundary + 5_000 + i))).toMatchObject({ allowed: false, justExceeded: i === 0 });
    }
    // refused attempts are not counted: once the first of the ten is 15 minutes old, one more is let in, then none
    const later = boundary - 5_000 + windowMs;
    expect((await reserveSignInAttempt({ email: "edge@example.com", address: "198.51.100.99" }, new Date(later))).allowed).toBe(true);
    expect((await reserveSignInAttempt({ email: "edge@example.com", address: "198.51.100.98" }, new Date(later))).allowed).toBe(false);
  });

  it("a slot is free once the failure it holds is a window old, and a full bucket waits for its oldest", () => {
    const now = new Date(t0.getTime() + 60_000);
    expect(slotIsFree(undefined, now)).toBe(true);
    expect(slotIsFree(now, now)).toBe(true);
    expect(slotIsFree(new Date(now.getTime() + 1), now)).toBe(false);
    expect(waitForSlotMs([new Date(now.getTime() + 5_000), new Date(now.getTime() + 1_000), new Date(now.getTime() + 900_000)], now)).toBe(1_000);
    expect(waitForSlotMs([now], now)).toBe(0);
    expect(waitForSlotMs([], now)).toBe(0);
    // an attempt in flight may give its slot back any moment; a failure holds it to its end, and so does
    // an attempt in flight for longer than any check takes (its process died)
    const { windowMs } = SIGN_IN_LIMITS.account;
    const end = new Date(now.getTime() + windowMs - 1_000);
    expect(slotMayBeFreeAt({ until: end, failed: false }, windowMs, now)).toEqual(now);
    expect(slotMayBeFreeAt({ until: end, failed: true }, windowMs, now)).toEqual(end);
    expect(slotMayBeFreeAt({ until: new Date(now.getTime() + windowMs - 30_000), failed: false }, windowMs, now)).toEqual(new Date(now.getTime() + windowMs - 30_000));
  });

  it("holds a failure's slot 15 minutes from when the failure is known, and only the attempt's own slot", async () => {
    const { max, windowMs } = SIGN_IN_LIMITS.account;
    const start = t0.getTime() + 23 * 60 * 60_000;
    const at = (ms: number) => new Date(start + ms);
    // ten slow checks: they arrive at start, and fail 20 s later
    for (let i = 0; i < max; i++) await failedAt(reserveSignInAttempt({ email: "slow@example.com", address: `198.51.100.${i}` }, at(0)), at(20_000));
    expect(await reserveSignInAttempt({ email: "slow@example.com", address: "198.51.100.50" }, at(windowMs + 5_000))).toMatchObject({ allowed: false, retryAfterSeconds: 15 });
    const next = await reserveSignInAttempt({ email: "slow@example.com", address: "198.51.100.51" }, at(windowMs + 20_000));
    expect(next.allowed).toBe(true);
    // a failure recorded twice, or for a slot given back and taken by another attempt since, moves nothing
    if (!next.allowed) return;
    await releaseSignInAttempt(next.slots);
    const other = await reserveSignInAttempt({ email: "slow@example.com", address: "198.51.100.52" }, at(windowMs + 21_000));
    const rows = async () => db().signInThrottle.findMany({ where: { key: { startsWith: "account:" } }, orderBy: { key: "asc" } });
    const before = await rows();
    await recordSignInFailure(next.slots, at(windowMs + 60_000));
    expect(await rows()).toEqual(before);
    expect(other.allowed).toBe(true);
  });

  it("a refusal while attempts are in flight names a short wait, then the counted failures' wait", async () => {
    const { max, windowMs } = SIGN_IN_LIMITS.account;
    const start = t0.getTime() + 24 * 60 * 60_000;
    const at = (ms: number) => new Date(start + ms);
    // nine failures ten minutes ago; one attempt in flight now
    for (let i = 0; i < max - 1; i++) await failedAt(reserveSignInAttempt({ email: "flight@example.com", address: `198.51.100.${i}` }, at(0)), at(0));
    const inFlight = await reserveSignInAttempt({ email: "flight@example.com", address: "198.51.100.40" }, at(600_000));
    expect(inFlight.allowed).toBe(true);
    expect(await reserveSignInAttempt({ email: "flight@example.com", address: "198.51.100.41" }, at(600_100))).toMatchObject({ allowed: false, retryAfterSeconds: 1 });
    // its password was wrong too: the oldest failure leaves the window 299.7 s later
    if (inFlight.allowed) await recordSignInFailure(inFlight.slots, at(600_200));
    expect(await reserveSignInAttempt({ email: "flight@example.com", address: "198.51.100.42" }, at(600_300))).toMatchObject({ allowed: false, retryAfterSeconds: Math.ceil((windowMs - 600_300) / 1000) });
    // an attempt that never ends (its process died) holds its slot as a failure, and is waited for as one
    const stuck = start + 2 * windowMs;
    for (let i = 0; i < max; i++) expect((await reserveSignInAttempt({ email: "stuck@example.com", address: `198.51.100.${i}` }, new Date(stuck))).allowed).toBe(true);
    expect(await reserveSignInAttempt({ email: "stuck@example.com", address: "198.51.100.43" }, new Date(stuck + 60_000))).toMatchObject({ allowed: false, retryAfterSeconds: windowMs / 1000 - 60 });
  });

  it("refuses an address past its limit whatever emails it tries", async () => {
    const now = new Date(t0.getTime() + 3 * 60 * 60_000);
    for (let i = 0; i < SIGN_IN_LIMITS.address.max; i++) expect((await reserveSignInAttempt({ email: `guess${i}@example.com`, address: "203.0.113.9" }, now)).allowed).toBe(true);
    expect(await reserveSignInAttempt({ email: "fresh@example.com", address: "203.0.113.9" }, now)).toMatchObject({ allowed: false, bucket: "address" });
    // The refused attempt gave the account bucket its slot back.
    const accountKeys = await db().signInThrottle.findMany({ where: { key: { startsWith: "account:" }, expiresAt: new Date(now.getTime() + SIGN_IN_LIMITS.account.windowMs) } });
    expect(accountKeys).toHaveLength(SIGN_IN_LIMITS.address.max);
  });

  it("lets exactly `max` of many concurrent attempts through", async () => {
    const now = new Date(t0.getTime() + 6 * 60 * 60_000);
    const results = await Promise.all(Array.from({ length: 25 }, (_, i) => reserveSignInAttempt({ email: "race@example.com", address: `192.0.2.${i}` }, now)));
    expect(results.filter((r) => r.allowed)).toHaveLength(SIGN_IN_LIMITS.account.max);
    expect(results.filter((r) => !r.allowed && r.justExceeded)).toHaveLength(1);
  });

  it("counts an attempt carrying a device cookie by that cookie instead of by the account, to the same limit", async () => {
    const now = new Date(t0.getTime() + 10 * 60 * 60_000);
    const { max, windowMs } = SIGN_IN_LIMITS.device;
    // a stranger fills the account's count
    for (let i = 0; i < SIGN_IN_LIMITS.account.max; i++) await failedAt(reserveSignInAttempt({ email: "kept@example.com", address: `198.51.100.${i}` }, now), now);
    expect(await reserveSignInAttempt({ email: "kept@example.com", address: "192.0.2.1" }, now)).toMatchObject({ allowed: false, bucket: "account" });
    // the member's browser is counted apart, and its own failures fill only its own count
    for (let i = 0; i < max; i++) await failedAt(reserveSignInAttempt({ email: "kept@example.com", address: "192.0.2.1", device: "nonce-of-the-browser" }, now), now);
    expect(await reserveSignInAttempt({ email: "kept@example.com", address: "192.0.2.1", device: "nonce-of-the-browser" }, now)).toMatchObject({ allowed: false, bucket: "device", retryAfterSeconds: windowMs / 1000 });
    expect((await reserveSignInAttempt({ email: "kept@example.com", address: "192.0.2.1", device: "nonce-of-another" }, now)).allowed).toBe(true);
    // the rows hold no nonce
    expect(await db().signInThrottle.count({ where: { key: { contains: "nonce" } } })).toBe(0);
  });

  it("gives a successful attempt's slots back, so only failures add up", async () => {
    const now = new Date(t0.getTime() + 9 * 60 * 60_000);
    for (let i = 0; i < SIGN_IN_LIMITS.account.max * 2; i++) {
      const r = await reserveSignInAttempt({ email: "often@example.com", address: "192.0.2.77" }, now);
      expect(r.allowed).toBe(true);
      if (r.allowed) await releaseSignInAttempt(r.slots);
    }
  });
});

// An attacker's review: timing guesses around a quarter hour, firing them all at once, and using a
// refused address against someone else's account.
describe("what an attacker tried", () => {
  const { max, windowMs } = SIGN_IN_LIMITS.account;
  const at = (ms: number) => new Date(ms);

  it("lets no more than 10 failures of an account through in any 15 minutes, however they are timed around a quarter hour", async () => {
    const boundary = t0.getTime() + 12 * 60 * 60_000;
    // ten just before 10:15, then a guess every 10 s for the next half hour
    const allowedAt: number[] = [];
    for (let i = 0; i < max; i++) if ((await reserveSignInAttempt({ email: "timed@example.com", address: `198.51.100.${i}` }, at(boundary - 1000))).allowed) allowedAt.push(boundary - 1000);
    for (let ms = boundary; ms < boundary + 30 * 60_000; ms += 10_000) {
      if ((await reserveSignInAttempt({ email: "timed@example.com", address: `198.51.100.${100 + (ms / 10_000) % 100}` }, at(ms))).allowed) allowedAt.push(ms);
    }
    // the weighted window let 9 more in by 10:28:30, 13.5 minutes after the first ten
    for (const start of allowedAt) expect(allowedAt.filter((ms) => ms >= start && ms < start + windowMs).length).toBeLessThanOrEqual(max);
    // and the limit is the whole rule: ten again as soon as the first ten are 15 minutes old
    expect(allowedAt.filter((ms) => ms >= boundary - 1000 + windowMs && ms < boundary + 30 * 60_000 - 1000)).toHaveLength(max);
  });

  it("lets no more than 10 of 30 concurrent guesses through, half of them read just before a quarter hour and half just after", async () => {
    const boundary = t0.getTime() + 15 * 60 * 60_000;
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => reserveSignInAttempt({ email: "burst@example.com", address: `192.0.2.${i}` }, at(i % 2 ? boundary + i : boundary - 30 + i))),
    );
    expect(results.filter((r) => r.allowed)).toHaveLength(max);
  });

  it("lets no more than 10 of 30 guesses through when those that read the clock before a quarter hour reach the database after the others", async () => {
    const boundary = t0.getTime() + 16 * 60 * 60_000;
    // a request reads `now`, then waits (a slow hash, a busy pool): its count lands after later requests' checks
    const after = Promise.all(Array.from({ length: 15 }, (_, i) => reserveSignInAttempt({ email: "late@example.com", address: `192.0.2.${i}` }, at(boundary + i))));
    const before = after.then(() => Promise.all(Array.from({ length: 15 }, (_, i) => reserveSignInAttempt({ email: "late@example.com", address: `192.0.2.${50 + i}` }, at(boundary - 100 + i)))));
    const results = [...(await after), ...(await before)];
    expect(results.filter((r) => r.allowed)).toHaveLength(max);
  });

  it("lets exactly 10 of 25 concurrent guesses take the slots that earlier failures have just left", async () => {
    const start = t0.getTime() + 17 * 60 * 60_000;
    for (let i = 0; i < max; i++) expect((await reserveSignInAttempt({ email: "reuse@example.com", address: `198.51.100.${i}` }, at(start))).allowed).toBe(true);
    // the ten rows are still there, free: each is taken by a conditional update, by one attempt only
    const results = await Promise.all(Array.from({ length: 25 }, (_, i) => reserveSignInAttempt({ email: "reuse@example.com", address: `192.0.2.${i}` }, at(start + windowMs))));
    expect(results.filter((r) => r.allowed)).toHaveLength(max);
    expect(await db().signInThrottle.count({ where: { key: { startsWith: "account:" }, expiresAt: at(start + 2 * windowMs) } })).toBe(max);
  });

  it("gives every concurrent refusal the same Retry-After, from the counted failures only", async () => {
    const start = t0.getTime() + 18 * 60 * 60_000;
    for (let i = 0; i < max; i++) expect((await reserveSignInAttempt({ email: "wait@example.com", address: `198.51.100.${i}` }, at(start))).allowed).toBe(true);
    const refused = await Promise.all(Array.from({ length: 20 }, (_, i) => reserveSignInAttempt({ email: "wait@example.com", address: `203.0.113.${i}` }, at(start + 60_000))));
    // the oldest of the ten counted failures is 15 minutes old 840 s later
    expect(refused.map((r) => (r.allowed ? "allowed" : r.retryAfterSeconds))).toEqual(refused.map(() => windowMs / 1000 - 60));
    expect(refused.filter((r) => !r.allowed && r.justExceeded)).toHaveLength(1);
  });

  it("counts an IPv6 client per /64 (one home line holds 2^64 addresses), and an IPv4-mapped address as its IPv4", async () => {
    const now = at(t0.getTime() + 22 * 60 * 60_000);
    const { max: perAddress } = SIGN_IN_LIMITS.address;
    for (let i = 0; i < perAddress; i++) expect((await reserveSignInAttempt({ email: `line${i}@example.com`, address: `2001:db8:1:2::${(i + 1).toString(16)}` }, now)).allowed).toBe(true);
    // any other address of the same /64, however it is written, is the same client
    expect(await reserveSignInAttempt({ email: "line-next@example.com", address: "2001:DB8:1:2:FFFF:ffff:ffff:fffe" }, now)).toMatchObject({ allowed: false, bucket: "address" });
    expect(await reserveSignInAttempt({ email: "line-next@example.com", address: "2001:0db8:0001:0002:0000:0000:0000:0001" }, now)).toMatchObject({ allowed: false, bucket: "address" });
    // the next /64 is another line
    expect((await reserveSignInAttempt({ email: "line-next@example.com", address: "2001:db8:1:3::1" }, now)).allowed).toBe(true);
    // a dual-stack socket reports an IPv4 client as ::ffff:a.b.c.d: one client, one bucket, whichever form
    for (let i = 0; i < perAddress; i++) {
      expect((await reserveSignInAttempt({ email: `v4-${i}@example.com`, address: i % 2 ? "::ffff:203.0.113.77" : "203.0.113.77" }, now)).allowed).toBe(true);
    }
    expect(await reserveSignInAttempt({ email: "v4-next@example.com", address: "::ffff:cb00:714d" }, now)).toMatchObject({ allowed: false, bucket: "address" });
    expect(await reserveSignInAttempt({ email: "v4-next@example.com", address: "203.0.113.77" }, now)).toMatchObject({ allowed: false, bucket: "address" });
    // IPv4 stays per address
    expect((await reserveSignInAttempt({ email: "v4-next@example.com", address: "203.0.113.78" }, now)).allowed).toBe(true);
  });

  it("counts an IPv6 holder's /64s together per /48, with room for more than one client's whole limit", async () => {
    const now = at(t0.getTime() + 25 * 60 * 60_000);
    const { max: perNetwork } = SIGN_IN_LIMITS.network;
    const { max: perAddress } = SIGN_IN_LIMITS.address;
    // one /64 at its own limit (its further guesses refused at the address) leaves the rest of its /48 free
    for (let i = 0; i < perAddress + 10; i++) await reserveSignInAttempt({ email: `own${i}@example.com`, address: `2001:db8:48:1::${i + 1}` }, now);
    expect(perNetwork).toBeGreaterThan(perAddress);
    expect((await reserveSignInAttempt({ email: "neighbour@example.com", address: "2001:db8:48:2::1" }, now)).allowed).toBe(true);
    // a guess from each of many /64s: the /48 is refused past its limit, whichever /64 comes next
    for (let i = 3; (await db().signInThrottle.count({ where: { key: { startsWith: "network:2001:db8:48::/48:" } } })) < perNetwork; i++) {
      expect((await reserveSignInAttempt({ email: `spread${i}@example.com`, address: `2001:db8:48:${i.toString(16)}::1` }, now)).allowed).toBe(true);
    }
    expect(await reserveSignInAttempt({ email: "spread-next@example.com", address: "2001:db8:48:ffff::1" }, now)).toMatchObject({ allowed: false, bucket: "network", justExceeded: true });
    // refused for its /48, it took nothing: neither its /64's slot nor the account's
    expect(await db().signInThrottle.count({ where: { key: { startsWith: "address:2001:db8:48:ffff::/64:" } } })).toBe(0);
    expect((await reserveSignInAttempt({ email: "spread-next@example.com", address: "198.51.100.1" }, now)).allowed).toBe(true);
    // another /48 is another site
    expect((await reserveSignInAttempt({ email: "spread-next@example.com", address: "2001:db8:49:1::1" }, now)).allowed).toBe(true);
  });

  it("a request refused for its address counts nowhere: it neither raises nor holds the account it tried", async () => {
    const now = at(t0.getTime() + 21 * 60 * 60_000);
    for (let i = 0; i < SIGN_IN_LIMITS.address.max; i++) expect((await reserveSignInAttempt({ email: `spray${i}@example.com`, address: "203.0.113.66" }, now)).allowed).toBe(true);
    // the victim has one guess left (their own typos, from their own address)
    for (let i = 0; i < max - 1; i++) expect((await reserveSignInAttempt({ email: "victim@example.com", address: "192.0.2.200" }, now)).allowed).toBe(true);
    const before = await db().signInThrottle.findMany({ where: { key: { startsWith: "account:" } }, orderBy: { key: "asc" } });
    for (let round = 0; round < 3; round++) {
      const attacker = Array.from({ length: 20 }, () => reserveSignInAttempt({ email: "victim@example.com", address: "203.0.113.66" }, now));
      const victim = reserveSignInAttempt({ email: "victim@example.com", address: "192.0.2.201" }, now);
      const [own, ...refused] = await Promise.all([victim, ...attacker]);
      expect(refused.every((r) => !r.allowed && r.bucket === "address")).toBe(true);
      expect(own.allowed).toBe(true);
      if (own.allowed) await releaseSignInAttempt(own.slots);
    }
    expect(await db().signInThrottle.findMany({ where: { key: { startsWith: "account:" } }, orderBy: { key: "asc" } })).toEqual(before);
  });
});
