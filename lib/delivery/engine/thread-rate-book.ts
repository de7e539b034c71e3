// An action's send times booked among the sender threads of one process, as Redis books them among
// scale-out workers (redis-buckets.ts BOOK_SCRIPT, same answers): each thread's send gate books through
// it (SharedSendTimes, shared-bookings.ts), so an action's rate limit holds for the process however its
// hosts are spread over the threads, and one thread alone (a webhook to one host) reaches it. Before,
// each thread had rps / threads, the whole rate only when the action's hosts reached every thread.
// A slot per action (its next free send time, in microseconds since the epoch) in memory shared by the
// threads, moved by compare-and-swap: no lock, no message, no wait on the engine's busy thread.
import type { SendBooking, SharedSendTimes } from "./shared-bookings";

/** the actions a process books at once; past this the least recently used action's slot is reused */
export const RATE_SLOTS = 1024;

export function rateBookMemory(): SharedArrayBuffer {
  return new SharedArrayBuffer(RATE_SLOTS * BigInt64Array.BYTES_PER_ELEMENT);
}

/** The slot each action books in (the engine's thread names them; a job's rateKey carries it). */
export class RateSlots {
  private slots = new Map<string, number>();

  /** `key`'s slot, as the rate key its jobs carry to the threads */
  keyFor(key: string): string {
    let slot = this.slots.get(key);
    if (slot !== undefined) {
      // most recently used last: the slot reused is the one unused longest
      this.slots.delete(key);
    } else if (this.slots.size < RATE_SLOTS) slot = this.slots.size;
    else {
      // its next free time is at most a booking horizon (1 s) ahead: the new action may wait that once
      const [oldest, oldestSlot] = this.slots.entries().next().value!;
      this.slots.delete(oldest);
      slot = oldestSlot;
    }
    this.slots.set(key, slot);
    return String(slot);
  }
}

export class ThreadRateBook implements SharedSendTimes {
  private next: BigInt64Array;

  constructor(memory: SharedArrayBuffer, private clock: () => number = Date.now) {
    this.next = new BigInt64Array(memory);
  }

  /** Up to `want` send times of the slot `key`, an interval apart, none starting more than `horizonMs` ahead. */
  book(key: string, perSecond: number, want: number, horizonMs: number): Promise<SendBooking> {
    const slot = Number(key);
    const intervalUs = 1e6 / perSecond;
    for (;;) {
      const nowUs = this.clock() * 1000;
      const was = Atomics.load(this.next, slot);
      const startUs = Math.max(Number(was), nowUs);
      const count = Math.min(Math.max(1, Math.floor(want)), Math.floor((horizonMs * 1000 - (startUs - nowUs)) / intervalUs) + 1);
      if (count < 1) return Promise.resolve({ count: 0, firstWaitMs: 0, retryInMs: Math.ceil((startUs - nowUs) / 1000 - horizonMs) });
      const last = BigInt(Math.round(startUs + count * intervalUs));
      // another thread booked meanwhile: read its times and book after them
      if (Atomics.compareExchange(this.next, slot, was, last) === was) return Promise.resolve({ count, firstWaitMs: (startUs - nowUs) / 1000, retryInMs: 0 });
    }
  }
}
