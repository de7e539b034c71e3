// In-flight limits of one worker: a counting semaphore (all deliveries, per host) and a token
// bucket per action for its requests-per-second.
export class Semaphore {
  private waiting: (() => void)[] = [];
  active = 0;
  constructor(private readonly size: number) {}

  tryAcquire(): boolean {
    if (this.active >= this.size) return false;
    this.active++;
    return true;
  }

  acquire(): Promise<void> {
    if (this.tryAcquire()) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push(() => { this.active++; resolve(); }));
  }

  release() {
    this.active--;
    const next = this.waiting.shift();
    if (next) next();
  }

  get queued() {
    return this.waiting.length;
  }
}

export class KeyedSemaphores {
  private map = new Map<string, Semaphore>();
  constructor(private readonly size: number) {}
  for(key: string): Semaphore {
    let s = this.map.get(key);
    if (!s) {
      s = new Semaphore(this.size);
      this.map.set(key, s);
    }
    return s;
  }
  /** Drops idle hosts so a campaign to many hosts does not keep them all. */
  prune() {
    for (const [key, s] of this.map) if (s.active === 0 && s.queued === 0) this.map.delete(key);
  }
}

/** How early by its rate a request may still start: timers fire a little late, and Date.now rounds. */
const START_SLACK_MS = 5;

/**
 * Requests per second per key. `reserve` spaces the waits before a request queues for its slots
 * (holding none meanwhile); `start` is the one rule every request passes as it starts, whether its
 * slots were free at once or it had to wait for one (a slow receiver holding its host): an interval
 * after the key's last start (a request short of it waits the shortfall, not a new reservation). Without it on both paths, requests that waited for a slot would go the
 * moment it came free, alongside the ones that found theirs free: up to twice the rate.
 */
export class RateLimiter {
  /** per key: the next free reservation, and when its last request started */
  private keys = new Map<string, { next: number; started: number }>();
  constructor(private readonly clock: () => number = Date.now) {}

  /** Milliseconds to wait before this request may go (and reserves its slot). */
  reserve(key: string, perSecond: number | null | undefined): number {
    if (!perSecond || perSecond <= 0) return 0;
    const interval = 1000 / perSecond;
    const k = this.of(key);
    const now = this.clock();
    const slot = Math.max(now, k.next, k.started + interval - START_SLACK_MS);
    k.next = slot + interval;
    return slot - now;
  }

  /**
   * Whether a request holding its slots may start now, an interval after the key's last start: 0 when
   * it may (it is then counted as started), else the milliseconds it is short by. A request refused so
   * gives its slots back and tries again after that shortfall, keeping its place: reserving again put
   * it behind every request already queued, so one start a few ms late (a timer) moved the next on-time
   * request to the end of a long queue.
   */
  start(key: string, perSecond: number | null | undefined): number {
    if (!perSecond || perSecond <= 0) return 0;
    const k = this.of(key);
    const now = this.clock();
    const shortfall = k.started + 1000 / perSecond - START_SLACK_MS - now;
    if (shortfall > 0) return Math.ceil(shortfall);
    k.started = now;
    return 0;
  }

  private of(key: string) {
    let k = this.keys.get(key);
    if (!k) this.keys.set(key, (k = { next: 0, started: -Infinity }));
    return k;
  }
}

/**
 * Seconds of a rate-limited campaign's sends one worker holds claimed at most: enough to keep its
 * rate between two claims, few enough that its rows waiting in the send gate for their turn do not
 * fill the worker's room (every other campaign waited behind 500 of them: 250 s at 2/s), and that a
 * pause stops it within about this long (what is claimed is still sent).
 */
export const CLAIMED_AHEAD_SECONDS = 2;

/**
 * How many more rows of a campaign a worker may claim while it holds `held` of them unsettled:
 * null for no cap (`sendRate` null: a step without a rate limit), 0 when it holds enough.
 */
export function claimRoomOf(sendRate: number | null, held: number): number | null {
  if (sendRate === null || sendRate <= 0) return null;
  return Math.max(0, Math.ceil(CLAIMED_AHEAD_SECONDS * sendRate) - held);
}
