import { describe, expect, it } from "vitest";
import { HostBreakers } from "./breaker";
import { RateLimiter, Semaphore } from "./limits";

describe("host breaker", () => {
  it("opens after a run of retryable failures, lets one trial through, closes on success", () => {
    const b = new HostBreakers({ threshold: 3, openMs: 1000 });
    for (let i = 0; i < 2; i++) b.record("h", "retryable", 0);
    expect(b.blockedUntil("h", 10)).toBeNull();
    b.record("h", "retryable", 10);
    expect(b.blockedUntil("h", 20)).toEqual(new Date(1010));
    expect(b.blockedUntil("other", 20)).toBeNull();
    expect(b.blockedUntil("h", 1011)).toBeNull(); // the trial
    expect(b.blockedUntil("h", 1012)).not.toBeNull(); // only one trial at a time
    b.record("h", "delivered", 1020);
    expect(b.blockedUntil("h", 1030)).toBeNull();
  });

  it("does not count a 4xx answer against the host", () => {
    const b = new HostBreakers({ threshold: 2, openMs: 1000 });
    b.record("h", "retryable", 0);
    b.record("h", "failed", 0);
    b.record("h", "retryable", 0);
    expect(b.blockedUntil("h", 1)).toBeNull();
  });
});

describe("limits", () => {
  it("spaces requests by the action's rate", () => {
    let now = 0;
    const r = new RateLimiter(() => now);
    expect([r.reserve("a", 4), r.reserve("a", 4), r.reserve("a", 4)]).toEqual([0, 250, 500]);
    expect(r.reserve("b", 4)).toBe(0);
    expect(r.reserve("c", null)).toBe(0);
    now = 2000;
    expect(r.reserve("a", 4)).toBe(0);
  });

  it("refuses a start within an interval of the last by its shortfall only: a start a few ms late does not send the next request to the back of the queue", () => {
    let now = 0;
    const r = new RateLimiter(() => now);
    // ten turns booked at 10/s: 0, 100, ..., 900 ms
    expect(Array.from({ length: 10 }, () => r.reserve("a", 10))).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900]);
    now = 6; // the first turn's timer fired 6 ms late
    expect(r.start("a", 10)).toBe(0);
    now = 100; // the second on time: 1 ms short of an interval after the first (with the 5 ms slack)
    expect(r.start("a", 10)).toBe(1);
    now = 101;
    expect(r.start("a", 10)).toBe(0);
    // and the rate holds: nothing starts within the next interval
    now = 150;
    expect(r.start("a", 10)).toBe(46);
    expect(r.start("b", 10)).toBe(0);
    expect(r.start("c", null)).toBe(0);
  });

  it("bounds what is in flight", async () => {
    const s = new Semaphore(2);
    await s.acquire();
    await s.acquire();
    let third = false;
    const waiting = s.acquire().then(() => { third = true; });
    await Promise.resolve();
    expect(third).toBe(false);
    s.release();
    await waiting;
    expect(third).toBe(true);
    expect(s.active).toBe(2);
  });
});
