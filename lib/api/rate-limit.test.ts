import { describe, expect, it } from "vitest";
import { z } from "zod";
import { resetEnv } from "../env";
import { apiKeyHeaders } from "./testing";
import { TokenBuckets } from "./rate-limit";
import { resetRateLimits, withApi } from "./with-api";

describe("TokenBuckets", () => {
  it("allows the burst, then the rate, per key", () => {
    const buckets = new TokenBuckets(100, 200);
    const t0 = 1_000_000;
    for (let i = 0; i < 200; i++) expect(buckets.take("a", t0).ok).toBe(true);
    expect(buckets.take("a", t0)).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect(buckets.take("b", t0).ok).toBe(true);
    // 100 per second: after 50 ms, 5 more requests pass and the sixth does not.
    for (let i = 0; i < 5; i++) expect(buckets.take("a", t0 + 50).ok).toBe(true);
    expect(buckets.take("a", t0 + 50).ok).toBe(false);
    // A full second refills 100, never more than the burst.
    let passed = 0;
    while (buckets.take("a", t0 + 10_000).ok) passed++;
    expect(passed).toBe(200);
  });

  it("tells a slow bucket to come back after the time one token takes", () => {
    const buckets = new TokenBuckets(0.1, 1);
    expect(buckets.take("k", 0).ok).toBe(true);
    expect(buckets.take("k", 0)).toEqual({ ok: false, retryAfterSeconds: 10 });
  });
});

describe("TokenBuckets memory", () => {
  it("forgets buckets that have refilled (the same as none), so keys seen once do not pile up", () => {
    const buckets = new TokenBuckets(100, 200);
    // 50,000 keys one request each, a ms apart: each bucket is full again 10 ms later
    for (let i = 0; i < 50_000; i++) expect(buckets.take(`key-${i}`, i).ok).toBe(true);
    expect(buckets.size).toBeLessThanOrEqual(2048);
  });

  it("keeps every bucket still refilling, however many, so no key gets a fresh burst early", () => {
    const buckets = new TokenBuckets(1, 5);
    for (let i = 0; i < 5; i++) buckets.take("hot", 0);
    for (let i = 0; i < 5000; i++) buckets.take(`other-${i}`, 0);
    expect(buckets.size).toBe(5001);
    expect(buckets.take("hot", 500).ok).toBe(false);
    // two seconds on, the others are full again and the next sweep forgets them; "hot" is not full and stays
    for (let i = 0; i < 6000; i++) buckets.take(`late-${i}`, 2000);
    expect(buckets.size).toBe(6001);
    expect([buckets.take("hot", 2000).ok, buckets.take("hot", 2000).ok, buckets.take("hot", 2000).ok]).toEqual([true, true, false]);
  });

  it("holds at most maxKeys, forgetting the least recently used", () => {
    const buckets = new TokenBuckets(0.001, 1, 1000);
    for (let i = 0; i < 10_000; i++) buckets.take(`key-${i}`, 0);
    expect(buckets.size).toBeLessThanOrEqual(1000);
    expect(buckets.take("key-9999", 0).ok).toBe(false);
  });
});

describe("withApi rate limit", () => {
  it("answers 429 with Retry-After once a key has used its burst, and other keys still pass", async () => {
    process.env.HOOKLINE_API_RATE_LIMIT = "1";
    process.env.HOOKLINE_API_RATE_BURST = "3";
    resetEnv();
    await resetRateLimits();
    try {
      const route = withApi({ body: z.object({ n: z.number() }), role: "viewer" }, async ({ body }) => ({ got: body.n }));
      const call = async (headers: Record<string, string>) =>
        route(new Request("http://127.0.0.1/api/v1/x", { method: "POST", body: '{"n":1}', headers: { "content-type": "application/json", ...headers } }));
      const viewer = await apiKeyHeaders("viewer");
      for (let i = 0; i < 3; i++) expect((await call(viewer)).status).toBe(200);
      const limited = await call(viewer);
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect((await limited.json()).error.code).toBe("rate_limited");
      expect((await call(await apiKeyHeaders("editor"))).status).toBe(200);
    } finally {
      delete process.env.HOOKLINE_API_RATE_LIMIT;
      delete process.env.HOOKLINE_API_RATE_BURST;
      resetEnv();
      await resetRateLimits();
    }
  });
});
