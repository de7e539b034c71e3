// The breaker's one trial per open host: a trial that ends without a result (handed back before it was
// sent) must let the next one go, or the host stays paused until the process restarts.
import { describe, expect, it } from "vitest";
import { HostBreakers } from "./breaker";

function openBreaker() {
  const b = new HostBreakers({ threshold: 2, openMs: 1000 });
  b.record("h", "retryable", 0);
  b.record("h", "retryable", 0);
  return b;
}

describe("host breaker trial", () => {
  it("a trial released without a result lets the next trial go", () => {
    const b = openBreaker();
    expect(b.blockedUntil("h", 1001)).toBeNull(); // the trial
    expect(b.blockedUntil("h", 1002)).not.toBeNull(); // one at a time
    b.release("h");
    expect(b.blockedUntil("h", 1003)).toBeNull(); // the next trial
    expect(b.blockedUntil("h", 1004)).not.toBeNull();
  });

  it("a release counts nothing: the host is still open for the failures it had, and a success closes it", () => {
    const b = openBreaker();
    expect(b.blockedUntil("h", 1001)).toBeNull();
    b.release("h");
    b.release("other"); // a host never seen: nothing to release
    expect(b.blockedUntil("other", 1001)).toBeNull();
    expect(b.blockedUntil("h", 1002)).toBeNull();
    b.record("h", "delivered", 1010);
    expect(b.blockedUntil("h", 1011)).toBeNull();
    expect(b.blockedUntil("h", 1012)).toBeNull(); // closed: no trial any more
  });

  it("record says when an answer closed an open host (its held rows may go), and only then", () => {
    const b = openBreaker();
    expect(b.blockedUntil("h", 1001)).toBeNull(); // the trial
    expect(b.record("h", "delivered", 1010)).toBe(true);
    expect(b.record("h", "delivered", 1011)).toBe(false); // already closed
    expect(b.record("other", "failed", 1012)).toBe(false); // never open
    const again = openBreaker();
    expect(again.record("h", "retryable", 1001)).toBe(false); // still open
    expect(again.record("h", "failed", 1002)).toBe(true); // a 4xx is an answer too
  });
});
