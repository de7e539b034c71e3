// How many sign-in attempts an account and a client address may make: counted in the database, so
// every web process shares the count. An attempt takes its slot before the password is checked
// (concurrent guesses cannot overshoot) and gives it back when it succeeds or is refused, so only
// failures add up.
//
// The count is a sliding window: the failures of the current fixed window plus those of the previous
// one weighted by how much of it still lies within the last `windowMs`. Fixed windows alone started
// again at every quarter hour, so ten guesses just before 10:15:00 and ten just after were twenty in a
// few seconds (and a test's ten guesses straddling the boundary were not refused).
import { createHash } from "node:crypto";
import { db } from "../db";
import { isUniqueViolation } from "../db/unique-violation";

export const SIGN_IN_LIMITS = {
  /** Wrong passwords for one email, from anywhere. */
  account: { max: 10, windowMs: 15 * 60_000 },
  /** Wrong passwords from one client address, for any emails. */
  address: { max: 30, windowMs: 15 * 60_000 },
} as const;

type Bucket = keyof typeof SIGN_IN_LIMITS;

export type SignInReservation =
  | { allowed: true; keys: string[] }
  | { allowed: false; retryAfterSeconds: number; bucket: Bucket; justExceeded: boolean };

/** The rows of a bucket at `now`: the current window's, the previous window's, and the refusals' marker. */
function bucketKeys(bucket: Bucket, value: string, now: Date) {
  const { windowMs } = SIGN_IN_LIMITS[bucket];
  const start = Math.floor(now.getTime() / windowMs) * windowMs;
  // Emails are hashed: the key stays short whatever was typed, and the table holds no addresses of people.
  const id = bucket === "account" ? createHash("sha256").update(value).digest("hex") : value;
  return {
    key: `${bucket}:${id}:${start}`,
    previousKey: `${bucket}:${id}:${start - windowMs}`,
    refusedKey: `refused:${bucket}:${id}:${start}`,
    elapsedMs: now.getTime() - start,
    // the row still counts, weighted, through the next window
    expiresAt: new Date(start + 2 * windowMs),
  };
}

/**
 * Whether `current` failures in this window (the attempt being made among them) and `previous` in
 * the last are within `max` over the sliding window, `elapsedMs` into the current one.
 */
export function withinSlidingWindow(previous: number, current: number, elapsedMs: number, rule: { max: number; windowMs: number }): boolean {
  // previous × (window − elapsed) / window + current ≤ max, in integers
  return previous * (rule.windowMs - elapsedMs) + current * rule.windowMs <= rule.max * rule.windowMs;
}

/**
 * How long until one more attempt fits, given `previous` and `current` failures (the refused attempt
 * not among them) `elapsedMs` into the current window.
 */
export function slidingRetryAfterMs(previous: number, current: number, elapsedMs: number, rule: { max: number; windowMs: number }): number {
  const { max, windowMs } = rule;
  // within this window: once the previous window's weight has fallen far enough
  if (current + 1 <= max) return previous === 0 ? 0 : Math.max(0, windowMs - ((max - 1 - current) * windowMs) / previous - elapsedMs);
  // in the next one, where this window's failures are the previous ones
  return windowMs - elapsedMs + Math.max(0, windowMs - ((max - 1) * windowMs) / current);
}

async function increment(key: string, expiresAt: Date, by: number): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    try {
      const row = await db().signInThrottle.upsert({
        where: { key },
        create: { key, attempts: Math.max(by, 0), expiresAt },
        update: { attempts: { increment: by } },
      });
      return row.attempts;
    } catch (err) {
      // Two first attempts in the same window may both try to create the row; the loser updates it.
      if (attempt < 2 && isUniqueViolation(err)) continue;
      throw err;
    }
  }
}

/** Takes a slot in the account's and the address's window, or says how long to wait. */
export async function reserveSignInAttempt(input: { email: string; address: string }, now = new Date()): Promise<SignInReservation> {
  await db().signInThrottle.deleteMany({ where: { expiresAt: { lte: now } } });
  const buckets: [Bucket, string][] = [
    ["account", input.email.trim().toLowerCase()],
    ["address", input.address],
  ];
  const taken: string[] = [];
  let refused: { bucket: Bucket; refusedKey: string; expiresAt: Date; retryAfterSeconds: number } | null = null;
  for (const [bucket, value] of buckets) {
    const rule = SIGN_IN_LIMITS[bucket];
    const { key, previousKey, refusedKey, elapsedMs, expiresAt } = bucketKeys(bucket, value, now);
    // the slot first, then the check: of concurrent attempts only those that fit see a count that fits
    const current = await increment(key, expiresAt, 1);
    taken.push(key);
    const previous = (await db().signInThrottle.findUnique({ where: { key: previousKey }, select: { attempts: true } }))?.attempts ?? 0;
    if (withinSlidingWindow(previous, current, elapsedMs, rule)) continue;
    const retryAfterSeconds = Math.max(1, Math.ceil(slidingRetryAfterMs(previous, current - 1, elapsedMs, rule) / 1000));
    if (!refused || retryAfterSeconds > refused.retryAfterSeconds) refused = { bucket, refusedKey, expiresAt, retryAfterSeconds };
  }
  if (!refused) return { allowed: true, keys: taken };
  // A refused attempt never ran: every bucket gets its slot back (waiting out the limit is enough
  // to be let in again, however often a refused client retries), and the bucket that refused it
  // counts its refusals so that the first one of a window is known (it goes to the audit log once).
  await releaseSignInAttempt(taken);
  const refusals = await increment(refused.refusedKey, refused.expiresAt, 1);
  return { allowed: false, retryAfterSeconds: refused.retryAfterSeconds, bucket: refused.bucket, justExceeded: refusals === 1 };
}

/** Gives back the slots of an attempt that succeeded (or never ran). */
export async function releaseSignInAttempt(keys: string[]): Promise<void> {
  await db().signInThrottle.updateMany({ where: { key: { in: keys }, attempts: { gt: 0 } }, data: { attempts: { decrement: 1 } } });
}
