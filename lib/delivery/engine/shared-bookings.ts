// A worker's bookings of an action's send times among every worker's (the scale-out engine: Redis,
// lib/api/redis-buckets.ts book()), for the send gate. Bookings reach at most BOOKING_HORIZON_MS ahead:
// a request queued behind many others waits in this worker, and its time is booked once it is near.
// Booked as each request was queued, a worker stopping with 500 sends queued at 10 a second had taken
// the next 50 s of the action's sends from every other worker. One booking call at a time per action:
// it books as many of the queued requests as the horizon holds, in one round trip.

/**
 * Redis's answer: `count` send times booked, the first `firstWaitMs` from when it was asked, the others
 * an interval apart; none (`count` 0) while the action's next free time is more than the horizon away,
 * `retryInMs` from now.
 */
export type SendBooking = { count: number; firstWaitMs: number; retryInMs: number };

/**
 * An action's send times booked across every worker: up to `want` of them, none further than `horizonMs`
 * ahead; null when it cannot answer (the gate then books in its own memory, as one process alone does).
 */
export type SharedSendTimes = { book(key: string, perSecond: number, want: number, horizonMs: number): Promise<SendBooking | null> };

/** How far ahead a worker may book: what it leaves unused when it stops, at most. */
export const BOOKING_HORIZON_MS = 1000;

/** A request's booked time: the wait, and when it comes (the gate's clock); `at` null: booked in the gate's own memory. */
export type Booked = { wait: number; at: number | null };

type Queue = { perSecond: number; waiting: ((booked: Booked | null) => void)[]; booking: boolean };

export class SharedBookings {
  private queues = new Map<string, Queue>();
  private stopped = false;
  /** the timers of the queues waiting for the horizon to reach their next free time */
  private timers = new Map<NodeJS.Timeout, () => void>();

  /** `local` books in this process's memory (Redis away): the milliseconds to wait. */
  constructor(
    private shared: SharedSendTimes,
    private clock: () => number,
    private local: (key: string, perSecond: number) => number,
  ) {}

  /**
   * The request's booked time, after those queued before it (`first`: before them, a request whose
   * booked time passed while it waited for a slot); null once stop() was called.
   */
  book(key: string, perSecond: number, first = false): Promise<Booked | null> {
    if (this.stopped) return Promise.resolve(null);
    let queue = this.queues.get(key);
    if (!queue) this.queues.set(key, (queue = { perSecond, waiting: [], booking: false }));
    // the action's limit as last read (a change applies to the requests still queued)
    queue.perSecond = perSecond;
    const booked = new Promise<Booked | null>((resolve) => (first ? queue.waiting.unshift(resolve) : queue.waiting.push(resolve)));
    if (!queue.booking) void this.run(key, queue);
    return booked;
  }

  /** The worker is stopping: every queued request comes back null at once, and nothing more is booked. */
  stop() {
    this.stopped = true;
    // the queues waiting for the horizon end their wait now, and see `stopped`
    for (const [timer, wake] of this.timers) {
      clearTimeout(timer);
      wake();
    }
    this.timers.clear();
    for (const queue of this.queues.values()) for (const resolve of queue.waiting.splice(0)) resolve(null);
    this.queues.clear();
  }

  /** Books the queue's requests, as many at once as the horizon holds, until none is left. */
  private async run(key: string, queue: Queue) {
    queue.booking = true;
    try {
      while (queue.waiting.length && !this.stopped) {
        // Redis counts the waits from when it ran the script, after this moment: counted from here, a
        // late answer (a busy event loop) shows as lateness rather than moving the booked times on
        const asked = this.clock();
        const answer = await this.shared.book(key, queue.perSecond, queue.waiting.length, BOOKING_HORIZON_MS).catch(() => null);
        if (answer === null) {
          // Redis away: each queued request takes its place in this worker's own reservations
          for (const resolve of queue.waiting.splice(0)) resolve({ wait: this.local(key, queue.perSecond), at: null });
          break;
        }
        const interval = 1000 / queue.perSecond;
        for (let i = 0; i < answer.count; i++) {
          const resolve = queue.waiting.shift();
          // stopped meanwhile: the times booked go unused (at most the horizon's)
          if (!resolve) break;
          const wait = answer.firstWaitMs + i * interval;
          resolve({ wait, at: asked + wait });
        }
        if (answer.count === 0) await this.sleep(Math.max(answer.retryInMs, 1));
      }
    } finally {
      queue.booking = false;
      if (!queue.waiting.length && this.queues.get(key) === queue) this.queues.delete(key);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.set(timer, resolve);
    });
  }
}
