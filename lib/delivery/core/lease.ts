// A worker's view of its leases (Delivery.lockedBy/lockedUntil, see claim.ts). Two rules keep a
// database outage from turning into a wave of duplicates:
// - a worker sends a claimed delivery only while its lease holds as far as it knows (claimed or
//   last renewed less than a lease ago), so one cut off from the database stops starting sends
//   that another worker may take over;
// - a worker takes over other workers' expired leases only after it has reached the database for a
//   whole lease: after an outage every lease looks expired, and the live owners need that long to
//   record what they sent meanwhile or renew.
// So only the deliveries in flight when a lease really lapses may be sent twice (same webhook-id).
/** the longest between two looks for expired leases (see looksForExpired) */
const TAKE_OVER_LOOK_MAX_MS = 5_000;

export class LeaseKeeper {
  private renewedAt = Number.NEGATIVE_INFINITY;
  private reachableSince: number | null = null;
  private lastExpiredLook = Number.NEGATIVE_INFINITY;

  constructor(readonly leaseMs: number) {}

  /** until when a lease taken at `claimedAt` holds (ms since the epoch) */
  expiresAt(claimedAt: Date): number {
    return Math.max(claimedAt.getTime(), this.renewedAt) + this.leaseMs;
  }

  holds(claimedAt: Date, now: Date): boolean {
    return now.getTime() < this.expiresAt(claimedAt);
  }

  /** every lease of this worker was extended by a renewal that started at `startedAt` */
  renewed(startedAt: Date) {
    this.renewedAt = Math.max(this.renewedAt, startedAt.getTime());
  }

  /** a query to the database succeeded at `at` */
  reachable(at: Date) {
    if (this.reachableSince === null) this.reachableSince = at.getTime();
  }

  /** a query to the database failed */
  unreachable() {
    this.reachableSince = null;
  }

  /** whether expired leases of other workers may be taken over now */
  mayTakeOver(now: Date): boolean {
    return this.reachableSince !== null && now.getTime() - this.reachableSince >= this.leaseMs;
  }

  /**
   * Whether this claim also looks for expired leases: when they may be taken over, at most once a
   * quarter lease (and at most every 5 s). On PostgreSQL that look reads every row in "sending",
   * the rows all workers hold (500 per worker), so looking in every claim cost each claim more the
   * more workers there were; a lease that ran out waits a quarter lease more, at most, to be taken.
   */
  looksForExpired(now: Date): boolean {
    if (!this.mayTakeOver(now) || now.getTime() - this.lastExpiredLook < Math.min(TAKE_OVER_LOOK_MAX_MS, this.leaseMs / 4)) return false;
    this.lastExpiredLook = now.getTime();
    return true;
  }
}
