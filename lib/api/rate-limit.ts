// Every rate limit of Hookline goes through here: the API's per key (withApi), a route's per member
// (withInternal `rate`, the live preview) and better-auth's per address (auth-rate-limit.ts). A limit
// is a token bucket per key: `perSecond` sustained, `burst` at once. With Redis in use (REDIS_URL with
// PostgreSQL: several web processes behind a balancer) the buckets live in Redis, so one key gets the
// limit once however its requests are spread; otherwise, and while Redis does not answer, in this
// process (TokenBuckets).
import { env } from "../env";
import { redisUrlInUse } from "../delivery/engine/engine-choice";
import { RedisBuckets } from "./redis-buckets";

export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number };
export type RateRule = { perSecond: number; burst: number };

/** Keys kept at most by one TokenBuckets; past it the least recently used are forgotten. */
export const MAX_LOCAL_KEYS = 100_000;
const FIRST_SWEEP_AT = 1024;

/**
 * The buckets of one limit in this process's memory. Pure apart from the clock passed in, so tests
 * need no sleeping. A bucket that has refilled is the same as none, so those are forgotten once the
 * map grows (the map held every key ever seen); past `maxKeys` the least recently used go too.
 */
export class TokenBuckets {
  // in order of last use (a take moves its key to the end)
  private buckets = new Map<string, { tokens: number; at: number }>();
  private sweepAt = FIRST_SWEEP_AT;

  constructor(
    readonly ratePerSecond: number,
    readonly burst: number,
    readonly maxKeys = MAX_LOCAL_KEYS,
  ) {}

  take(key: string, nowMs: number): RateDecision {
    const b = this.bucketAt(key, nowMs);
    const ok = b.tokens >= 1;
    if (ok) b.tokens -= 1;
    // after spending: a bucket swept now is one that is full again, never the one just taken from
    if (this.buckets.size > this.sweepAt) this.sweep(nowMs);
    return ok ? { ok: true } : { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - b.tokens) / this.ratePerSecond)) };
  }

  /** How many keys are kept (tests). */
  get size(): number {
    return this.buckets.size;
  }

  /**
   * For a bucket of cost rather than requests (milliseconds of work): whether `key` has at least
   * `reserve` left now (anything at all when 0). What a request cost is known only after it ran, so
   * `charge` takes it then, and may leave the bucket below `reserve` or zero: the key waits until it
   * has that much again.
   */
  check(key: string, nowMs: number, reserve = 0): RateDecision {
    const b = this.bucketAt(key, nowMs);
    const ok = reserve > 0 ? b.tokens >= reserve : b.tokens > 0;
    return ok ? { ok: true } : { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((reserve - b.tokens) / this.ratePerSecond)) };
  }

  /** Takes `amount` from `key`'s bucket (see check). */
  charge(key: string, amount: number, nowMs: number): void {
    this.bucketAt(key, nowMs).tokens -= amount;
    // after charging, as take does after spending: the bucket just charged is not full
    if (this.buckets.size > this.sweepAt) this.sweep(nowMs);
  }

  /** `key`'s bucket as of `nowMs`, moved to the end of the order of use. */
  private bucketAt(key: string, nowMs: number) {
    const b = this.buckets.get(key) ?? { tokens: this.burst, at: nowMs };
    this.buckets.delete(key);
    b.tokens = this.refilled(b, nowMs);
    b.at = Math.max(b.at, nowMs);
    this.buckets.set(key, b);
    return b;
  }

  /** Forgets every key (tests that call a limited route many times on purpose). */
  clear(): void {
    this.buckets.clear();
    this.sweepAt = FIRST_SWEEP_AT;
  }

  private refilled(b: { tokens: number; at: number }, nowMs: number): number {
    return Math.min(this.burst, b.tokens + (Math.max(0, nowMs - b.at) / 1000) * this.ratePerSecond);
  }

  private sweep(nowMs: number) {
    for (const [key, b] of this.buckets) if (this.refilled(b, nowMs) >= this.burst) this.buckets.delete(key);
    for (const key of this.buckets.keys()) {
      if (this.buckets.size <= this.maxKeys) break;
      this.buckets.delete(key);
    }
    // amortised: the next sweep once the map has doubled again, never past the bound
    this.sweepAt = Math.min(this.maxKeys, Math.max(FIRST_SWEEP_AT, this.buckets.size * 2));
  }
}

/**
 * One limit (`scope` names it in Redis: the same in every process). `shared` is the Redis buckets to
 * use; unset, the process's own from the settings (sharedBuckets()), looked up at each take.
 */
export class RateLimiter {
  private local: TokenBuckets;

  constructor(
    readonly scope: string,
    readonly rule: RateRule,
    private readonly shared?: RedisBuckets | null,
  ) {
    this.local = new TokenBuckets(rule.perSecond, rule.burst);
  }

  /** Spends one request of `key`: allowed, or how long to wait. Never throws for Redis. */
  async take(key: string): Promise<RateDecision> {
    const shared = this.shared === undefined ? sharedBuckets() : this.shared;
    if (shared) {
      const decision = await shared.take(`${this.scope}:${key}`, this.rule);
      if (decision) return decision;
    }
    // embedded mode, or Redis away or skipped for a while after it failed (fail open to this
    // process's count: RedisBuckets logged it)
    return this.local.take(key, Date.now());
  }

  /** Forgets what every key spent, here and in Redis (tests that call a limited route in a loop on purpose). */
  async clear(): Promise<void> {
    this.local.clear();
    const shared = this.shared === undefined ? sharedBuckets() : this.shared;
    await shared?.clear(`${this.scope}:`);
  }
}

/** A limit every caller of one rule goes through. */
export function rateLimiter(scope: string, rule: RateRule): RateLimiter {
  return new RateLimiter(scope, rule);
}

const holder = globalThis as unknown as { __hooklineRateStore?: { url: string; prefix: string; buckets: RedisBuckets } | null };

/** The Redis buckets of this process when Redis is in use (REDIS_URL with PostgreSQL), under `<HOOKLINE_QUEUE_PREFIX>:rate:`. */
export function sharedBuckets(): RedisBuckets | null {
  const url = redisUrlInUse();
  if (!url) return null;
  const prefix = `${env().HOOKLINE_QUEUE_PREFIX}:rate:`;
  const current = holder.__hooklineRateStore;
  if (current && current.url === url && current.prefix === prefix) return current.buckets;
  current?.buckets.close();
  const buckets = new RedisBuckets(url, prefix);
  holder.__hooklineRateStore = { url, prefix, buckets };
  return buckets;
}
