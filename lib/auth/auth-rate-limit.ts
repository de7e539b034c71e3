// better-auth's own per-address limiter (on top of the sign-in throttle in the database) counts in
// rate-limit.ts, the store every limit goes through: in Redis when the install uses it, so several web
// processes hold an address to one limit, not one each. better-auth asks for `max` requests per
// `window` seconds of a rule (300 a minute by default, 3 per 10 s for sign-in); a token bucket of
// `max` at once, refilled at max/window a second, holds the same rate.
import type { BetterAuthOptions } from "better-auth";
import { rateLimiter, type RateLimiter } from "../api/rate-limit";

type RateLimitStorage = NonNullable<NonNullable<BetterAuthOptions["rateLimit"]>["customStorage"]>;

const holder = globalThis as unknown as { __hooklineAuthLimiters?: Map<string, RateLimiter> };
const limiters = () => (holder.__hooklineAuthLimiters ??= new Map());

function limiterFor(rule: { window: number; max: number }): RateLimiter {
  const scope = `auth:${rule.max}/${rule.window}s`;
  let limiter = limiters().get(scope);
  if (!limiter) {
    limiter = rateLimiter(scope, { perSecond: rule.max / rule.window, burst: rule.max });
    limiters().set(scope, limiter);
  }
  return limiter;
}

/** better-auth's `rateLimit.customStorage`: one atomic step per request (its key is the address and the path). */
export const authRateLimitStorage: RateLimitStorage = {
  async consume(key, rule) {
    const decision = await limiterFor(rule).take(key);
    return decision.ok ? { allowed: true, retryAfter: null } : { allowed: false, retryAfter: decision.retryAfterSeconds };
  },
};

/** Forgets what every address spent (tests). */
export async function resetAuthRateLimits() {
  for (const limiter of limiters().values()) await limiter.clear();
}
