// How many sign-in attempts an account and a client address may make: counted in the database, so
// every web process shares the count.
//
// The count is a sliding log, exact and bounded: a bucket has `max` slots (rows `bucket:id:0` to
// `:max-1`), and an attempt takes a free one before its password is checked, by a conditional write (a
// slot held by another attempt is not overwritten), so concurrent guesses cannot overshoot. A success
// gives the slot back; a failure keeps it until `windowMs` after the failure is known (a slow check
// counts its full window), so only failures add up, and at most `max` failures of any `windowMs` are
// ever checked; a bucket never has more than `max` rows. (The sliding window before this weighed the
// previous quarter hour's failures: ten just before 10:15 and nine at 10:28:30 were nineteen in 13.5
// minutes.)
//
// While its attempt is in flight a slot is held as if it had failed at its arrival (a process that dies
// mid-check leaves a failure, not a free slot), but the wait a refusal names counts it as what it is:
// an attempt that may give its slot back any moment.
//
// An address is counted by its bucket (client-address.ts addressBucket): an IPv6 client per /64, since
// one home line can use any of its 2^64 addresses; IPv4 per address. An IPv6 client is counted in its
// /48 too (networkBucket), whose limit is higher than a /64's, so the holder of a /48 cannot spread
// guesses over its 65,536 /64s, while one client alone (held to its /64's limit, and refused attempts
// count nowhere) cannot use up its neighbours' share.
//
// An attempt from a browser the member signed in from before (a valid device cookie for the tried
// email, device-cookie.ts) is counted by that cookie instead of by the account, as OWASP's device
// cookies have it: a stranger's failures fill the account's count, which then refuses only attempts
// without such a cookie, so they cannot lock the member out of their own browser; a cookie's own
// failures are held to the account's limit in its bucket. Address and network count everyone.
//
// A refused attempt counts nowhere: both buckets are read before either slot is taken, the address
// first, so an address past its limit never touches the account it tries (someone else's).
import { createHash, randomInt } from "node:crypto";
import { db } from "../db";
import { isUniqueViolation } from "../db/unique-violation";
import { addressBucket, networkBucket } from "./client-address";

export const SIGN_IN_LIMITS = {
  /** Wrong passwords for one email, from anywhere, of attempts without a device cookie for it. */
  account: { max: 10, windowMs: 15 * 60_000 },
  /** Wrong passwords of attempts carrying one device cookie (its nonce), for the email it names. */
  device: { max: 10, windowMs: 15 * 60_000 },
  /** Wrong passwords from one client address (an IPv6 client's /64), for any emails. */
  address: { max: 30, windowMs: 15 * 60_000 },
  /** Wrong passwords from one IPv6 /48 (a site's /64s together), for any emails: more than three clients' whole limits. */
  network: { max: 100, windowMs: 15 * 60_000 },
} as const;

type Bucket = keyof typeof SIGN_IN_LIMITS;

/** A slot an allowed attempt holds: given back (if still its own) when the attempt succeeds, kept as a failure when not. */
export type SignInSlot = { key: string; until: Date; bucket: Bucket };

// A slot row's `attempts`: 0 while its attempt is being checked, 1 once it holds a failure.
const IN_FLIGHT = 0;
const FAILED = 1;

// A password check is a hash and a few queries; one still in flight after this long has most likely
// died with its process, and its slot is waited for as a failure's is.
const IN_FLIGHT_MS = 30_000;

/** A held slot row: until when, and whether a failure holds it or an attempt still in flight. */
type HeldSlot = { until: Date; failed: boolean };

export type SignInReservation =
  | { allowed: true; slots: SignInSlot[] }
  | { allowed: false; retryAfterSeconds: number; bucket: Bucket; justExceeded: boolean };

// A row is deleted a window after it stops counting: a request that read its clock earlier than
// another's (a slow one) still sees the slots that were held at its own `now`.
const KEPT_AFTER_EXPIRY_MS = Math.max(...Object.values(SIGN_IN_LIMITS).map((rule) => rule.windowMs));

/** The rows of a bucket: its slots, and the marker that counts the refusals of the current quarter hour. */
function bucketKeys(bucket: Bucket, value: string, now: Date) {
  const { max, windowMs } = SIGN_IN_LIMITS[bucket];
  // Emails are hashed: the key stays short whatever was typed, and the table holds no addresses of
  // people; a device cookie's nonce too (half of a cookie is no business of the table).
  const id = bucket === "account" || bucket === "device" ? createHash("sha256").update(value).digest("hex") : value;
  const start = Math.floor(now.getTime() / windowMs) * windowMs;
  return {
    bucket,
    slotKeys: Array.from({ length: max }, (_, slot) => `${bucket}:${id}:${slot}`),
    refusedKey: `refused:${bucket}:${id}:${start}`,
    refusedUntil: new Date(start + windowMs),
    windowMs,
    until: new Date(now.getTime() + windowMs),
  };
}

type BucketKeys = ReturnType<typeof bucketKeys>;

/** Whether a slot held until `until` (undefined: no row) is free at `now`. */
export function slotIsFree(until: Date | undefined, now: Date): boolean {
  return until === undefined || until.getTime() <= now.getTime();
}

/** How long until one of a full bucket's slots may be free: the earliest of the times they may be free at. */
export function waitForSlotMs(freeAt: Date[], now: Date): number {
  if (freeAt.length === 0) return 0;
  return Math.max(0, Math.min(...freeAt.map((at) => at.getTime())) - now.getTime());
}

/**
 * When a held slot may be free: a failure's when it leaves the window; an attempt's still in flight
 * now (it gives the slot back if its password was right, and only then is its failure's window known).
 */
export function slotMayBeFreeAt(slot: HeldSlot, windowMs: number, now: Date): Date {
  const inFlightFor = now.getTime() - (slot.until.getTime() - windowMs);
  return !slot.failed && inFlightFor < IN_FLIGHT_MS ? now : slot.until;
}

async function heldSlots(keys: string[]): Promise<Map<string, HeldSlot>> {
  const rows = await db().signInThrottle.findMany({ where: { key: { in: keys } }, select: { key: true, expiresAt: true, attempts: true } });
  return new Map(rows.map((row) => [row.key, { until: row.expiresAt, failed: row.attempts >= FAILED }]));
}

function heldAt(keys: string[], held: Map<string, HeldSlot>, now: Date): HeldSlot[] {
  return keys.map((key) => held.get(key)).filter((slot): slot is HeldSlot => !!slot && !slotIsFree(slot.until, now));
}

/** How long a full bucket makes an attempt wait. */
function waitMs(keys: BucketKeys, held: HeldSlot[], now: Date): number {
  return waitForSlotMs(held.map((slot) => slotMayBeFreeAt(slot, keys.windowMs, now)), now);
}

/** Takes `key` if it is free at `now` (`seen`: its row was there, expired): only one of several concurrent attempts gets it. */
async function claim(key: string, seen: boolean, now: Date, until: Date): Promise<boolean> {
  if (seen) {
    const { count } = await db().signInThrottle.updateMany({ where: { key, expiresAt: { lte: now } }, data: { attempts: IN_FLIGHT, expiresAt: until } });
    if (count === 1) return true;
    // taken by another attempt, or deleted since it was read: then it is created below
  }
  try {
    await db().signInThrottle.create({ data: { key, attempts: IN_FLIGHT, expiresAt: until } });
    return true;
  } catch (err) {
    // the row exists, held by another attempt (or expired and not yet seen: the next round takes it)
    if (isUniqueViolation(err)) return false;
    throw err;
  }
}

/** One free slot of the bucket, or the times its slots are held until when none is left. */
async function takeSlot(keys: BucketKeys, held: Map<string, HeldSlot>, now: Date): Promise<SignInSlot | HeldSlot[]> {
  // a round that takes nothing saw a concurrent attempt take the slot it tried: bounded by the slots
  for (let round = 0; round <= keys.slotKeys.length; round++) {
    const free = keys.slotKeys.filter((key) => slotIsFree(held.get(key)?.until, now));
    if (free.length === 0) break;
    // a random free slot: concurrent attempts rarely try the same row
    const key = free[randomInt(free.length)]!;
    if (await claim(key, held.has(key), now, keys.until)) return { key, until: keys.until, bucket: keys.bucket };
    held = await heldSlots(keys.slotKeys);
  }
  return heldAt(keys.slotKeys, held, now);
}

/** Refuses for `keys`' bucket, with the wait its held slots give; the first refusal of a quarter hour is marked. */
async function refuse(keys: BucketKeys, held: HeldSlot[], now: Date): Promise<SignInReservation> {
  const retryAfterSeconds = Math.max(1, Math.ceil(waitMs(keys, held, now) / 1000));
  const refusals = await increment(keys.refusedKey, keys.refusedUntil);
  return { allowed: false, retryAfterSeconds, bucket: keys.bucket, justExceeded: refusals === 1 };
}

async function increment(key: string, expiresAt: Date): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    try {
      const row = await db().signInThrottle.upsert({ where: { key }, create: { key, attempts: 1, expiresAt }, update: { attempts: { increment: 1 } } });
      return row.attempts;
    } catch (err) {
      // Two first refusals in the same window may both try to create the row; the loser updates it.
      if (attempt < 2 && isUniqueViolation(err)) continue;
      throw err;
    }
  }
}

/**
 * Takes a slot in the address's, its IPv6 network's and the account's log (the device cookie's instead
 * of the account's when the attempt carries a valid one for the email: `device`, its nonce), or says
 * how long to wait.
 */
export async function reserveSignInAttempt(input: { email: string; address: string; device?: string | null }, now = new Date()): Promise<SignInReservation> {
  await db().signInThrottle.deleteMany({ where: { expiresAt: { lte: new Date(now.getTime() - KEPT_AFTER_EXPIRY_MS) } } });
  // the address first: of a refused address's attempts none takes a slot of the account it tries
  const network = networkBucket(input.address);
  const buckets = [
    bucketKeys("address", addressBucket(input.address), now),
    ...(network ? [bucketKeys("network", network, now)] : []),
    input.device ? bucketKeys("device", input.device, now) : bucketKeys("account", input.email.trim().toLowerCase(), now),
  ];
  const held = await heldSlots(buckets.flatMap((keys) => keys.slotKeys));
  // Refused before anything is taken: the bucket that makes it wait longest says so.
  let refused: { keys: BucketKeys; held: HeldSlot[]; waitMs: number } | null = null;
  for (const keys of buckets) {
    const full = heldAt(keys.slotKeys, held, now);
    if (full.length < keys.slotKeys.length) continue;
    const wait = waitMs(keys, full, now);
    if (!refused || wait > refused.waitMs) refused = { keys, held: full, waitMs: wait };
  }
  if (refused) return refuse(refused.keys, refused.held, now);
  const taken: SignInSlot[] = [];
  for (const keys of buckets) {
    const slot = await takeSlot(keys, held, now);
    if (Array.isArray(slot)) {
      // concurrent attempts filled the bucket since it was read: what this one took goes back
      await releaseSignInAttempt(taken);
      return refuse(keys, slot, now);
    }
    taken.push(slot);
  }
  return { allowed: true, slots: taken };
}

/**
 * Keeps the slots of an attempt whose password was wrong (those still its own) as failures, each held
 * `windowMs` from `now`, when the failure is known: a check that took 20 s counts its full window.
 */
export async function recordSignInFailure(slots: SignInSlot[], now = new Date()): Promise<void> {
  for (const slot of slots) {
    // never shorter than it was held in flight (a process whose clock is behind the one that took it)
    const until = new Date(Math.max(now.getTime() + SIGN_IN_LIMITS[slot.bucket].windowMs, slot.until.getTime()));
    await db().signInThrottle.updateMany({ where: { key: slot.key, expiresAt: slot.until, attempts: IN_FLIGHT }, data: { attempts: FAILED, expiresAt: until } });
  }
}

/** Gives back the slots of an attempt that succeeded (those still its own). */
export async function releaseSignInAttempt(slots: SignInSlot[]): Promise<void> {
  if (slots.length === 0) return;
  await db().signInThrottle.deleteMany({ where: { OR: slots.map((slot) => ({ key: slot.key, expiresAt: slot.until })) } });
}
