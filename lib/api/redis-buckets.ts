// Token buckets in Redis, shared by every process of an install (rate-limit.ts decides when): one Lua
// script reads, refills and spends a bucket atomically, on Redis's clock (the processes' clocks may
// differ), and lets a bucket expire once it would be full again. The same client books webhooks' send
// times for the scale-out workers' send gates (book(): a webhook's rate limit, a few sends at a time). A Redis that does not answer is not
// an error for the request: take() answers null at once (no offline queue, a short command timeout),
// the caller counts in its own memory, and the log says so once per outage (host only). A Redis that
// hangs (connected, answering nothing or late) would cost every request the timeout: after a failure
// take() does not ask Redis for BREAKER_MS (answers null at once), then lets one request try it again.
import { Redis } from "ioredis";
import { redisHost } from "../delivery/engine/bullmq/connection";
import { describeSafely, log } from "../log";
import type { RateDecision, RateRule } from "./rate-limit";
import type { SendBooking } from "../delivery/engine/shared-bookings";

// KEYS[1] the bucket; ARGV[1] tokens a second, ARGV[2] the burst. Answers { allowed, wait in ms }.
const TAKE_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(b[1])
local at = tonumber(b[2])
if tokens == nil or at == nil then
  tokens = burst
  at = now
end
if now > at then
  tokens = math.min(burst, tokens + (now - at) / 1000 * rate)
  at = now
end
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(at))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / rate * 1000) + 1000)
if allowed == 1 then return {1, 0} end
return {0, math.ceil((1 - tokens) / rate * 1000)}
`;

// KEYS[1] the action's next free send time; ARGV[1] sends a second, ARGV[2] the most times wanted,
// ARGV[3] how far ahead (ms) a time may be booked. Books the next free times (now at the earliest), an
// interval apart, as many as wanted that start within the horizon, and moves the next free time past
// them. Answers { how many, ms from now to the first (a string: a fraction), ms until one is within the
// horizon (when none was) }. The key expires a second after the last booked time: an action not sent
// meanwhile starts afresh.
const BOOK_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local interval = 1000 / tonumber(ARGV[1])
local want = tonumber(ARGV[2])
local horizon = tonumber(ARGV[3])
local start = tonumber(redis.call('GET', KEYS[1]) or '0')
if start < now then start = now end
local count = math.min(want, math.floor((horizon - (start - now)) / interval) + 1)
if count < 1 then return {0, '0', math.ceil(start - now - horizon)} end
local last = start + count * interval
redis.call('SET', KEYS[1], tostring(last), 'PX', math.ceil(last - now) + 1000)
return {count, tostring(start - now), 0}
`;

/** How long a request waits for Redis before it counts in memory instead. */
const COMMAND_TIMEOUT_MS = 500;
/** The first connection: how long the first requests wait for it (later, a request never waits for a reconnect). */
const FIRST_CONNECT_MS = 1000;
/** After Redis failed (timed out, refused, errored): how long requests count in memory without asking it. */
export const BREAKER_MS = 5000;

type TakeCommand = {
  hooklineTakeToken(key: string, rate: number, burst: number): Promise<[number, number]>;
  hooklineBookSend(key: string, perSecond: number, want: number, horizonMs: number): Promise<[number, string, number]>;
};

export class RedisBuckets {
  private readonly client: Redis & TakeCommand;
  private readonly firstReady: Promise<void>;
  private away = false;
  /** Until when (ms since the epoch) take() does not ask Redis; 0 while it answers. */
  private skipUntil = 0;
  private readonly breakerMs: number;

  /**
   * `prefix` goes before every bucket's key (`<HOOKLINE_QUEUE_PREFIX>:rate:` for the app; tests pick
   * their own); `breakerMs` is BREAKER_MS but in tests.
   */
  constructor(
    private readonly url: string,
    readonly prefix: string,
    options: { breakerMs?: number } = {},
  ) {
    this.breakerMs = options.breakerMs ?? BREAKER_MS;
    this.client = new Redis(url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: COMMAND_TIMEOUT_MS,
      connectTimeout: 2000,
      // reconnects in the background; requests meanwhile count in memory
      retryStrategy: (attempt) => Math.min(200 * attempt, 2000),
    }) as Redis & TakeCommand;
    this.client.defineCommand("hooklineTakeToken", { numberOfKeys: 1, lua: TAKE_SCRIPT });
    this.client.defineCommand("hooklineBookSend", { numberOfKeys: 1, lua: BOOK_SCRIPT });
    // errors are reported by take() once per outage: without a listener ioredis prints each reconnect
    this.client.on("error", () => {});
    const ready = new Promise<void>((resolve) => {
      this.client.once("ready", () => resolve());
      this.client.once("end", () => resolve());
    });
    this.firstReady = Promise.race([ready, new Promise<void>((resolve) => setTimeout(resolve, FIRST_CONNECT_MS).unref())]);
  }

  /**
   * Spends one token of `key`'s bucket; null when Redis did not answer, or failed less than the
   * breaker's window ago (count in memory instead).
   */
  async take(key: string, rule: RateRule): Promise<RateDecision | null> {
    const answer = await this.ask(() => this.client.hooklineTakeToken(this.prefix + key, rule.perSecond, rule.burst));
    if (!answer) return null;
    const [allowed, waitMs] = answer;
    return allowed === 1 ? { ok: true } : { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
  }

  /**
   * Books the next send times of `key` (a webhook's rate limit, `perSecond` sends a second, shared by
   * every worker), up to `want` of them and none more than `horizonMs` ahead (SharedSendTimes,
   * lib/delivery/engine/shared-bookings.ts), or null as take() (count in memory instead).
   */
  async book(key: string, perSecond: number, want: number, horizonMs: number): Promise<SendBooking | null> {
    const answer = await this.ask(() => this.client.hooklineBookSend(this.prefix + key, perSecond, Math.max(1, Math.floor(want)), horizonMs));
    if (!answer) return null;
    const [count, firstWaitMs, retryInMs] = answer;
    return { count, firstWaitMs: Number(firstWaitMs), retryInMs };
  }

  /** Asks Redis through the breaker: null when it did not answer, or failed less than the breaker's window ago. */
  private async ask<T>(command: () => Promise<T>): Promise<T | null> {
    const now = Date.now();
    if (now < this.skipUntil) return null;
    // the window is over: this request tries Redis; those arriving while it waits still skip it
    if (this.skipUntil) this.skipUntil = now + this.breakerMs;
    try {
      if (this.client.status !== "ready") await this.firstReady; // at once after the first connection
      const answer = await command();
      this.skipUntil = 0;
      if (this.away) this.reportBack();
      return answer;
    } catch (err) {
      this.failed(err);
      return null;
    }
  }

  /** Deletes every bucket whose key starts with `keyPrefix` (tests); nothing when Redis does not answer. */
  async clear(keyPrefix: string): Promise<void> {
    try {
      if (this.client.status !== "ready") await this.firstReady; // at once after the first connection
      let cursor = "0";
      do {
        const [next, keys] = await this.client.scan(cursor, "MATCH", `${escapeGlob(this.prefix + keyPrefix)}*`, "COUNT", 1000);
        if (keys.length) await this.client.unlink(...keys);
        cursor = next;
      } while (cursor !== "0");
    } catch (err) {
      this.failed(err);
    }
  }

  close(): void {
    this.client.disconnect();
  }

  private reportBack() {
    this.away = false;
    log.warn("Redis reachable again (rate limits): counting in Redis, shared by every process", { host: redisHost(this.url) });
  }

  /** Redis failed: skip it for the breaker's window; the log says so once per outage. */
  private failed(err: unknown) {
    this.skipUntil = Date.now() + this.breakerMs;
    if (this.away) return;
    this.away = true;
    log.warn("Redis unreachable (rate limits): each process counts its own requests until it is back", { host: redisHost(this.url), error: describeSafely(err) });
  }
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, "\\$&");
}
