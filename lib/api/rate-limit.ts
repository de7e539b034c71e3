// Per-key rate limit: a token bucket (rate per second, burst) kept in this process. Pure apart from
// the clock passed in, so tests need no sleeping.
export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number };

export class TokenBuckets {
  private buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    readonly ratePerSecond: number,
    readonly burst: number,
  ) {}

  take(key: string, nowMs: number): RateDecision {
    const b = this.buckets.get(key) ?? { tokens: this.burst, at: nowMs };
    b.tokens = Math.min(this.burst, b.tokens + ((nowMs - b.at) / 1000) * this.ratePerSecond);
    b.at = nowMs;
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - b.tokens) / this.ratePerSecond)) };
  }

  /**
   * For a bucket of cost rather than requests (milliseconds of work): whether `key` has anything left
   * now. What a request cost is known only after it ran, so `charge` takes it then, and may leave the
   * bucket below zero: the key waits until it has paid it back.
   */
  check(key: string, nowMs: number): RateDecision {
    const b = this.refilled(key, nowMs);
    return b.tokens > 0 ? { ok: true } : { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(-b.tokens / this.ratePerSecond)) };
  }

  /** Takes `amount` from `key`'s bucket (see check). */
  charge(key: string, amount: number, nowMs: number): void {
    this.refilled(key, nowMs).tokens -= amount;
  }

  private refilled(key: string, nowMs: number) {
    const b = this.buckets.get(key) ?? { tokens: this.burst, at: nowMs };
    b.tokens = Math.min(this.burst, b.tokens + ((nowMs - b.at) / 1000) * this.ratePerSecond);
    b.at = nowMs;
    this.buckets.set(key, b);
    return b;
  }

  /** Forgets every key (tests that call a limited route many times on purpose). */
  clear(): void {
    this.buckets.clear();
  }
}
