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

/** Requests per second per key; `take` resolves when a token is free. */
export class RateLimiter {
  private next = new Map<string, number>();
  constructor(private readonly clock: () => number = Date.now) {}

  /** Milliseconds to wait before this request may go (and reserves its slot). */
  reserve(key: string, perSecond: number | null | undefined): number {
    if (!perSecond || perSecond <= 0) return 0;
    const interval = 1000 / perSecond;
    const now = this.clock();
    const slot = Math.max(now, this.next.get(key) ?? 0);
    this.next.set(key, slot + interval);
    return slot - now;
  }
}
