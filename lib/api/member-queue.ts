// Work a member may have in progress at once on the heavy internal routes (an audience count reads
// every user; the export and the charts read deliveries): a few run, a few more wait their turn, and
// beyond that the request is refused, so one member (a viewer too) cannot hold the database and the
// event loop with parallel scans. Kept per process: it bounds the work one process takes on (the rate
// limits, lib/api/rate-limit.ts, are shared through Redis in the scale-out).

export class MemberQueueFullError extends Error {
  readonly retryAfterSeconds = 1;
  constructor() {
    super("Too many requests of this kind at once: wait for the ones already running to finish.");
  }
}

export class MemberQueues {
  private readonly queues = new Map<string, { running: number; waiting: (() => void)[] }>();

  constructor(
    readonly maxRunning: number,
    readonly maxWaiting: number,
  ) {}

  /** Runs `work` when one of the member's places is free; refuses (MemberQueueFullError) when the queue is full too. */
  async run<T>(member: string, work: () => Promise<T>): Promise<T> {
    const release = await this.acquire(member);
    try {
      return await work();
    } finally {
      release();
    }
  }

  /**
   * Waits for one of the member's places (refused when the queue is full too) and returns the function
   * that gives it back, for work that outlives a call: an answer streamed after its handler returned.
   * Giving back twice gives back once.
   */
  async acquire(member: string): Promise<() => void> {
    let queue = this.queues.get(member);
    if (!queue) this.queues.set(member, (queue = { running: 0, waiting: [] }));
    if (queue.running >= this.maxRunning) {
      if (queue.waiting.length >= this.maxWaiting) throw new MemberQueueFullError();
      await new Promise<void>((resolve) => queue.waiting.push(resolve));
    } else {
      queue.running++;
    }
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      // the place passes to the next in line (running stays counted), or is given back
      const next = queue.waiting.shift();
      if (next) next();
      else if (--queue.running === 0) this.queues.delete(member);
    };
  }
}
