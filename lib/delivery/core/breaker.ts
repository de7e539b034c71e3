// A circuit breaker per destination host: after `threshold` retryable failures in a row the host
// is given a rest (`openMs`) and its deliveries wait (state retrying, with the reason) instead
// of hammering it; then one trial request decides whether it is healthy again.
export type BreakerOptions = { threshold: number; openMs: number };
const DEFAULT_BREAKER: BreakerOptions = { threshold: 20, openMs: 60_000 };

type HostState = { failures: number; openUntil: number; trialInFlight: boolean };

export class HostBreakers {
  private hosts = new Map<string, HostState>();
  constructor(private options: BreakerOptions = DEFAULT_BREAKER) {}

  private state(host: string): HostState {
    let s = this.hosts.get(host);
    if (!s) {
      s = { failures: 0, openUntil: 0, trialInFlight: false };
      this.hosts.set(host, s);
    }
    return s;
  }

  /** null when a request may go; otherwise when the host may be tried again. */
  blockedUntil(host: string, now: number): Date | null {
    const s = this.hosts.get(host);
    if (!s || s.failures < this.options.threshold) return null;
    if (now < s.openUntil) return new Date(s.openUntil);
    if (s.trialInFlight) return new Date(now + this.options.openMs);
    s.trialInFlight = true;
    return null;
  }

  /**
   * A send let through ended without a result (handed back unsent, or its sender threw): nothing is
   * counted, and if it was the open host's trial, the next one may go. Without this the host would
   * answer "paused" to every delivery until the process restarts.
   */
  release(host: string) {
    const s = this.hosts.get(host);
    if (s) s.trialInFlight = false;
  }

  /** True when this answer closed the host's breaker (it was on hold): the rows it held may go now. */
  record(host: string, outcome: "delivered" | "retryable" | "failed", now: number): boolean {
    const s = this.state(host);
    s.trialInFlight = false;
    if (outcome === "retryable") {
      s.failures += 1;
      if (s.failures >= this.options.threshold) s.openUntil = now + this.options.openMs;
      return false;
    }
    // A 4xx is the receiver answering: the host itself is healthy.
    const wasOpen = s.failures >= this.options.threshold;
    s.failures = 0;
    s.openUntil = 0;
    return wasOpen;
  }
}
