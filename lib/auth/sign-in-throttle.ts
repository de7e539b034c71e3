// How many sign-in attempts an account and a client address may make: counted in the database, so
// every web process shares the count, in fixed windows. An attempt takes its slot before the password
// is checked (concurrent guesses cannot overshoot) and gives it back when it succeeds, so only
// failures add up.
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

function bucketKey(bucket: Bucket, value: string, now: Date) {
  const { windowMs } = SIGN_IN_LIMITS[bucket];
  const start = Math.floor(now.getTime() / windowMs) * windowMs;
  // Emails are hashed: the key stays short whatever was typed, and the table holds no addresses of people.
  const id = bucket === "account" ? createHash("sha256").update(value).digest("hex") : value;
  return { key: `${bucket}:${id}:${start}`, expiresAt: new Date(start + windowMs) };
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
  const within: string[] = [];
  let refused: Extract<SignInReservation, { allowed: false }> | null = null;
  for (const [bucket, value] of buckets) {
    const { key, expiresAt } = bucketKey(bucket, value, now);
    const attempts = await increment(key, expiresAt, 1);
    if (attempts <= SIGN_IN_LIMITS[bucket].max) {
      within.push(key);
      continue;
    }
    const retryAfterSeconds = Math.max(1, Math.ceil((expiresAt.getTime() - now.getTime()) / 1000));
    if (!refused || retryAfterSeconds > refused.retryAfterSeconds) {
      refused = { allowed: false, retryAfterSeconds, bucket, justExceeded: attempts === SIGN_IN_LIMITS[bucket].max + 1 };
    }
  }
  if (!refused) return { allowed: true, keys: within };
  // A refused attempt never ran: the buckets it did not exceed get their slot back (an exhausted
  // one keeps counting, so `justExceeded` is true once per window).
  await releaseSignInAttempt(within);
  return refused;
}

/** Gives back the slots of an attempt that succeeded (or never ran). */
export async function releaseSignInAttempt(keys: string[]): Promise<void> {
  await db().signInThrottle.updateMany({ where: { key: { in: keys }, attempts: { gt: 0 } }, data: { attempts: { decrement: 1 } } });
}
