// The embedded engine: runs inside `npm start` (or a worker process on SQLite). It polls the
// outbox for due deliveries, claims them in batches under a lease, and feeds the dispatcher.
// Nothing lives only in memory: after a crash the leases run out and another start re-finds
// every due delivery (an in-flight one is sent again with the same webhook-id).
import type { Db } from "../../db";
import { describeSafely, log } from "../../log";
import { claimDue, earliestDue, releaseLeases } from "../store/claim";
import type { DeliveryDeps } from "./deps";
import { Dispatcher } from "./dispatcher";
import { engineTick, TICK_MS, type EngineTick } from "./engine-tick";
import { newWorkerId } from "../core/ids";
import type { BreakerOptions } from "../core/breaker";
import type { DeliveryQueue, EngineLiveness, QueueHint } from "./queue";

// Due times closer together than this are claimed in one pass: every pass is a few queries (each
// compiled, each a synchronous SQLite statement on the event loop), and retries due a few ms apart
// would otherwise each wake the loop. New events still wake it at once (notify).
const MIN_POLL_GAP_MS = 100;

export type EmbeddedEngineOptions = {
  concurrency: number;
  hostConcurrency: number;
  /** how long a claim holds a delivery before another worker may take it over */
  leaseMs?: number;
  /** the longest an idle engine sleeps before looking again */
  idlePollMs?: number;
  claimBatch?: number;
  workerId?: string;
  /** the once-a-second duties (engine-tick.ts); scale-out workers share one between them */
  tick?: EngineTick;
  /** a delivery was given a later due time (a retry): scale-out workers tell the others */
  onRescheduled?: (ref: { id: string; dueAt: Date }) => void;
  /** the host breakers' threshold and rest (tests; core/breaker.ts's defaults otherwise) */
  breaker?: BreakerOptions;
};

export class EmbeddedEngine implements DeliveryQueue {
  readonly kind = "embedded" as const;
  readonly workerId: string;
  readonly dispatcher: Dispatcher;
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private renewTimer: NodeJS.Timeout | null = null;
  private leaseMs: number;
  private idlePollMs: number;
  private claimBatch: number;
  private maxPending: number;
  private lastOccurrenceCheck = 0;
  /** when the loop last finished a tick (engine clock, ms); start() sets it, so a boot has its grace */
  private lastTickAt = 0;
  private lastError: string | null = null;
  private crashed: string | null = null;
  private tick: EngineTick;
  /** asleep because enough is claimed already: a recorded result makes room */
  private waitingForRoom = false;
  /** when the current sleep ends (Infinity while awake) */
  private sleepingUntil = Number.POSITIVE_INFINITY;
  private sleepTimer: NodeJS.Timeout | null = null;
  /** poked while awake (a notify during the claim queries): the next sleep is skipped */
  private pokedAwake = false;
  /** what the loop has done so far (`npm run worker` prints them on SIGUSR2; the bench reads them) */
  readonly counters = { claims: 0, claimedRows: 0, emptyClaims: 0, dueLooks: 0, notifies: 0, roomWaits: 0 };

  constructor(private prisma: Db, private deps: DeliveryDeps, options: EmbeddedEngineOptions) {
    this.workerId = options.workerId ?? newWorkerId("embedded");
    this.leaseMs = options.leaseMs ?? 60_000;
    this.idlePollMs = options.idlePollMs ?? 1000;
    this.claimBatch = options.claimBatch ?? 500;
    this.tick = options.tick ?? ((now) => engineTick(prisma, now));
    // Enough claimed to keep every slot busy while the next batch is loaded, not so many that
    // leases are held long for nothing.
    this.maxPending = Math.max(options.concurrency * 6, this.claimBatch);
    this.dispatcher = new Dispatcher(prisma, deps, {
      workerId: this.workerId,
      concurrency: options.concurrency,
      hostConcurrency: options.hostConcurrency,
      leaseMs: this.leaseMs,
      breaker: options.breaker,
      // Results are written in batches of up to this long: fewer, larger transactions, each of
      // which holds the event loop (better-sqlite3 is synchronous) and compiles its statements.
      flushMs: 100,
      // Wake only when a result matters to the loop: it made room, or set a due time earlier than
      // the current sleep's end. Waking on every flush re-ran the claim queries dozens of times a
      // second for nothing (each one a query compile and a synchronous statement).
      onRecorded: () => {
        if (this.waitingForRoom) this.poke();
      },
      // a settled delivery makes room once enough have (see room())
      onSettled: () => {
        if (this.waitingForRoom && this.room() >= this.claimThreshold()) this.poke();
      },
      onReleased: () => this.poke(),
      onRescheduled: (ref) => {
        this.wakeBy(ref.dueAt.getTime());
        options.onRescheduled?.(ref);
      },
    });
  }

  async start() {
    if (this.running) return;
    this.running = true;
    this.renewTimer = setInterval(() => {
      this.dispatcher.renewLeases().catch((err) => log.warnEvery(10_000, "Could not renew delivery leases", { error: describeSafely(err) }));
    }, Math.max(200, Math.floor(this.leaseMs / 3)));
    this.renewTimer.unref?.();
    this.lastTickAt = this.deps.now().getTime();
    this.crashed = null;
    // the loop catches what a pass throws; what escapes it (the sender failing to boot) ends it,
    // and the health check must say so rather than a rejection nobody awaits
    this.loop = this.run().catch((err) => {
      this.crashed = describeSafely(err);
      log.error("The delivery engine stopped", { error: this.crashed });
    });
    log.info("Delivery engine started (embedded)", { workerId: this.workerId });
  }

  /** Whether the loop still ticks: two plain fields read, no statement (the health check's). */
  liveness(): EngineLiveness {
    return { running: this.running, crashed: this.crashed, sinceTickMs: this.deps.now().getTime() - this.lastTickAt, lastError: this.lastError };
  }

  /** The loop's and the result writes' counters so far. */
  stats(): Record<string, number> {
    return { ...this.counters, ...this.dispatcher.recorder.counters };
  }

  async stop() {
    if (!this.running) return;
    this.running = false;
    this.poke();
    await this.loop;
    // Start no more sends: what is claimed and not sent goes back at once, for another worker to take
    // now rather than after the drain; what is in flight finishes and is recorded, within reason.
    this.dispatcher.drain();
    const deadline = Date.now() + 10_000;
    while (this.dispatcher.pending > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await this.dispatcher.recorder.flush();
    if (this.renewTimer) clearInterval(this.renewTimer);
    await releaseLeases(this.prisma, this.workerId).catch(() => {});
  }

  /**
   * New due rows were written in this process (fan-out, event intake, lifecycle: every writer calls
   * the queue port, one per process on globalThis). Rows due now end the idle wait at once, rows due
   * later set its end; the poll stays only for rows other processes write.
   */
  /**
   * How many more rows may be claimed. Rows already sent and waiting for their result write (up to a
   * flush interval) do not count against maxPending: counting them capped throughput at about
   * maxPending per flush interval, with the send slots idle meanwhile. All claimed rows together stay
   * under four times maxPending (result writes slower than sends: the database is struggling).
   */
  private room(): number {
    return Math.min(this.maxPending - this.dispatcher.unsettled, 4 * this.maxPending - this.dispatcher.pending);
  }

  private claimThreshold(): number {
    return Math.min(this.claimBatch, this.maxPending / 4);
  }

  async notify(hint: QueueHint = {}) {
    this.counters.notifies++;
    const at = hint.dueAt?.getTime();
    if (at !== undefined && this.wake && at - this.deps.now().getTime() > MIN_POLL_GAP_MS) this.wakeBy(at);
    else this.poke();
  }

  private poke() {
    const w = this.wake;
    this.wake = null;
    if (w) w();
    else this.pokedAwake = true;
  }

  private sleep(ms: number) {
    if (this.pokedAwake) {
      this.pokedAwake = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const done = () => {
        if (this.sleepTimer) clearTimeout(this.sleepTimer);
        this.sleepTimer = null;
        this.wake = null;
        this.sleepingUntil = Number.POSITIVE_INFINITY;
        resolve();
      };
      this.wake = done;
      this.setAlarm(ms, done);
    });
  }

  private setAlarm(ms: number, done: () => void) {
    if (this.sleepTimer) clearTimeout(this.sleepTimer);
    this.sleepingUntil = this.deps.now().getTime() + ms;
    this.sleepTimer = setTimeout(done, ms);
  }

  /** Ends the current sleep by `at` at the latest (a due time set meanwhile), not at once. */
  private wakeBy(at: number) {
    const done = this.wake;
    if (!done || at >= this.sleepingUntil) return;
    this.setAlarm(Math.max(at - this.deps.now().getTime(), MIN_POLL_GAP_MS), done);
  }

  private async run() {
    // claim nothing before the sender can send (its threads boot): a claimed row would wait under its lease
    await this.deps.ready?.();
    let failures = 0;
    while (this.running) {
      try {
        const now = this.deps.now();
        if (now.getTime() - this.lastOccurrenceCheck >= TICK_MS) {
          this.lastOccurrenceCheck = now.getTime();
          await this.tick(now);
          this.lastTickAt = now.getTime();
          this.lastError = null;
        }
        const room = this.room();
        if (room < this.claimThreshold()) {
          this.counters.roomWaits++;
          this.waitingForRoom = true;
          await this.sleep(this.idlePollMs);
          this.waitingForRoom = false;
          continue;
        }
        const leases = this.dispatcher.leases;
        this.pokedAwake = false;
        const claimed = await claimDue(this.prisma, {
          workerId: this.workerId,
          now,
          leaseMs: this.leaseMs,
          limit: Math.min(room, this.claimBatch),
          takeOver: leases.looksForExpired(now),
          // a rate-limited campaign is claimed about 2 s of its rate ahead (claimRoomOf); while the
          // rest of its backlog waits, it is due now, so the loop looks again every MIN_POLL_GAP_MS
          heldByCampaign: this.dispatcher.unsettledByCampaign,
        });
        leases.reachable(now);
        failures = 0;
        this.counters.claims++;
        this.counters.claimedRows += claimed.length;
        if (claimed.length === 0) this.counters.emptyClaims++;
        if (claimed.length > 0) {
          void this.dispatcher.process(claimed, now).catch((err) => log.error("Delivery batch failed", { error: describeSafely(err) }));
          // a full batch: more may be due at once; otherwise everything due is claimed
          if (claimed.length >= Math.min(room, this.claimBatch)) continue;
        }
        this.counters.dueLooks++;
        const next = await earliestDue(this.prisma);
        const wait = next ? Math.max(0, next.getTime() - this.deps.now().getTime()) : this.idlePollMs;
        await this.sleep(Math.min(Math.max(wait, MIN_POLL_GAP_MS), this.idlePollMs));
      } catch (err) {
        failures++;
        this.lastError = describeSafely(err);
        this.dispatcher.leases.unreachable();
        log.warnEvery(10_000, "Delivery engine could not reach the database; trying again", { error: describeSafely(err), failures });
        await this.sleep(Math.min(250 * failures, 5000));
      }
    }
  }
}
