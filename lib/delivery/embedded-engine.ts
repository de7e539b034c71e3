// The embedded engine: runs inside `npm start` (or a worker process on SQLite). It polls the
// outbox for due deliveries, claims them in batches under a lease, and feeds the dispatcher.
// Nothing lives only in memory: after a crash the leases run out and another start re-finds
// every due delivery (an in-flight one is sent again with the same webhook-id).
import type { Db } from "../db";
import { log } from "../log";
import { claimDue, earliestDue, releaseLeases } from "./claim";
import type { DeliveryDeps } from "./deps";
import { Dispatcher } from "./dispatcher";
import { finishCampaigns } from "./finish";
import { newWorkerId } from "./ids";
import type { DeliveryQueue } from "./queue";
import { runDueOccurrences } from "./recurring";

export type EmbeddedEngineOptions = {
  concurrency: number;
  hostConcurrency: number;
  /** how long a claim holds a delivery before another worker may take it over */
  leaseMs?: number;
  /** the longest an idle engine sleeps before looking again */
  idlePollMs?: number;
  claimBatch?: number;
  workerId?: string;
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

  constructor(private prisma: Db, private deps: DeliveryDeps, options: EmbeddedEngineOptions) {
    this.workerId = options.workerId ?? newWorkerId("embedded");
    this.leaseMs = options.leaseMs ?? 60_000;
    this.idlePollMs = options.idlePollMs ?? 1000;
    this.claimBatch = options.claimBatch ?? 500;
    // Enough claimed to keep every slot busy while the next batch is loaded, not so many that
    // leases are held long for nothing.
    this.maxPending = Math.max(options.concurrency * 6, this.claimBatch);
    this.dispatcher = new Dispatcher(prisma, deps, {
      workerId: this.workerId,
      concurrency: options.concurrency,
      hostConcurrency: options.hostConcurrency,
      leaseMs: this.leaseMs,
      onRecorded: () => this.poke(),
    });
  }

  async start() {
    if (this.running) return;
    this.running = true;
    this.renewTimer = setInterval(() => {
      this.dispatcher.renewLeases().catch((err) => log.warnEvery(10_000, "Could not renew delivery leases", { error: (err as Error).message }));
    }, Math.max(200, Math.floor(this.leaseMs / 3)));
    this.renewTimer.unref?.();
    this.loop = this.run();
    log.info("Delivery engine started (embedded)", { workerId: this.workerId });
  }

  async stop() {
    if (!this.running) return;
    this.running = false;
    this.poke();
    await this.loop;
    // Let what is in flight finish and be recorded, within reason.
    const deadline = Date.now() + 10_000;
    while (this.dispatcher.pending > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await this.dispatcher.recorder.flush();
    if (this.renewTimer) clearInterval(this.renewTimer);
    await releaseLeases(this.prisma, this.workerId).catch(() => {});
  }

  async notify() {
    this.poke();
  }

  private poke() {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  private sleep(ms: number) {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => { this.wake = null; resolve(); }, ms);
      this.wake = () => { clearTimeout(timer); resolve(); };
    });
  }

  private async run() {
    let failures = 0;
    while (this.running) {
      try {
        const now = this.deps.now();
        if (now.getTime() - this.lastOccurrenceCheck >= 1000) {
          this.lastOccurrenceCheck = now.getTime();
          await runDueOccurrences(this.prisma, now);
          await finishCampaigns(this.prisma, now);
        }
        const room = this.maxPending - this.dispatcher.pending;
        if (room < Math.min(this.claimBatch, this.maxPending / 4)) {
          await this.sleep(this.idlePollMs);
          continue;
        }
        const leases = this.dispatcher.leases;
        const claimed = await claimDue(this.prisma, { workerId: this.workerId, now, leaseMs: this.leaseMs, limit: Math.min(room, this.claimBatch), takeOver: leases.mayTakeOver(now) });
        leases.reachable(now);
        failures = 0;
        if (claimed.length > 0) {
          void this.dispatcher.process(claimed, now).catch((err) => log.error("Delivery batch failed", { error: (err as Error).message }));
          continue;
        }
        const next = await earliestDue(this.prisma);
        const wait = next ? Math.max(0, next.getTime() - this.deps.now().getTime()) : this.idlePollMs;
        await this.sleep(Math.min(Math.max(wait, 5), this.idlePollMs));
      } catch (err) {
        failures++;
        this.dispatcher.leases.unreachable();
        log.warnEvery(10_000, "Delivery engine could not reach the database; trying again", { error: (err as Error).message, failures });
        await this.sleep(Math.min(250 * failures, 5000));
      }
    }
  }
}
