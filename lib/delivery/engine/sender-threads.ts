// Sender threads for the embedded engine: the HTTP side of a delivery (connection pool, request
// writing, response parsing, the SSRF guard's checks) costs more CPU than everything else in it, so
// it runs on worker threads while claims, batch loading, rendering and the result writes stay on
// the engine's thread with its one SQLite connection. Each thread runs the send gate
// (send-gate.ts: rate, per-host and overall limits, the lease check) next to its sockets, with the
// ready deliveries queued there: its send slots stay full while the engine's thread is busy with a
// claim or a result write (better-sqlite3 holds the event loop). Requests posted in one turn of the
// event loop go in one message, and results come back the same way.
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { SHARE_ENV, Worker } from "node:worker_threads";
import { env } from "../../env";
import { describeSafely, log } from "../../log";
import { allowedDestinationEntries } from "../../webhooks/allowed-destinations";
import { sendWebhook } from "../../webhooks/send";
import { fnv1a } from "../../campaigns/variants";
import { currentSenderThreadBundle, SENDER_THREAD_SOURCE } from "./sender-thread-bundle";
import type { BuiltRequest, SendResult } from "../../webhooks/types";
import { SendGate, type GatedSender, type GateLimits, type GateOutcome, type SendJob } from "./send-gate";
import type { ResponseMapping } from "../../webhooks/response-mapping";
import { rateBookMemory, RateSlots } from "./thread-rate-book";

/** Gate 0 has no limits: plain sends (`SenderThreads.send`). */
export type SenderBatch = {
  /** the guard's settings, when they changed since the last batch (and in the first) */
  guard?: { allowedHosts: string; entries: string[] };
  /** gates this thread has not heard of yet, with their limits (this thread's share) */
  gates?: [gate: number, limits: GateLimits][];
  /** renewals of every lease of a gate's worker */
  renewed?: [gate: number, at: number][];
  /** gates whose worker is stopping (GatedSender.drain), applied before the items */
  drained?: number[];
  /**
   * response mappings the thread has not been sent yet, by number: a job names its mapping by that
   * number (each job carrying its own copy made the thread parse the mapping's paths again for every
   * delivery, its cache being by object); `forget`: numbers no job names any more (applied after
   * the items)
   */
  mappings?: [id: number, mapping: ResponseMapping][];
  forget?: number[];
  items: [seq: number, gate: number, job: SendJob, mappingId?: number][];
};
/**
 * `started`: the jobs whose send started since the last message (should the thread die, those count as
 * attempted; the others were never sent). `threw`: the sender failed in the thread, not the request.
 */
export type SenderResults = { results: [seq: number, outcome: GateOutcome | { threw: string }][]; started?: number[] } | { ready: true };

/** a gate as the threads know it: the last lease renewal goes to a thread that hears of it late (a replaced one) */
type ThreadGate = { id: number; limits: GateLimits; renewedAt: number };

/** what a thread is started with (workerData) */
export type SenderThreadData = { rateBook: SharedArrayBuffer | null };

type Waiting = { resolve: (outcome: GateOutcome) => void; reject: (err: Error) => void; started: boolean };

// Without a current bundle (sender-thread-bundle.ts), the thread runs the TypeScript sources through
// tsx (as `npm run worker` does): Next bundles this module into its server chunks, where no file of
// its own could be named.
const BOOT = `
const { workerData } = require("node:worker_threads");
import("tsx/esm/api").then((tsx) => tsx.tsImport(workerData.file, workerData.parent));
`;

// A sender keeps little alive (the requests in flight and their answers), but V8 sizes a heap by
// how fast it allocates: with its defaults the thread's heap reached 137 MiB, mostly garbage, while
// it sent 100,000 webhooks (32 MiB young generation, old one grown 4x past what survived). A 24 MiB
// young generation (8 MiB semi-spaces) and a 1 GiB old one, under which V8 grows it by about 1.6x:
// 46 MiB. 1 GiB is far more than a thread can hold (1,000 in flight x 256 KiB bodies).
const THREAD_HEAP = { maxYoungGenerationSizeMb: 24, maxOldGenerationSizeMb: 1024 };

// mappings a thread keeps (the oldest is forgotten past this): an engine sends the mapping objects of
// the actions it has loaded, the same object delivery after delivery until the action changes
const MAPPINGS_KEPT = 256;

class SenderThread {
  private worker: Worker;
  private waiting = new Map<number, Waiting>();
  private queued: SenderBatch["items"] = [];
  private scheduled = false;
  private guard = "";
  private gates: NonNullable<SenderBatch["gates"]> = [];
  private renewed: NonNullable<SenderBatch["renewed"]> = [];
  private drained: number[] = [];
  private knownGates = new Set<number>();
  private mappingIds = new Map<ResponseMapping, number>();
  private mappingSeq = 0;
  /** the mapping mappingId() was last asked for, and its number */
  private lastMapping: ResponseMapping | null = null;
  private lastMappingId = 0;
  private mappings: NonNullable<SenderBatch["mappings"]> = [];
  private forget: number[] = [];
  private booted!: () => void;
  /** the thread loaded the sender at least once (a thread that dies before cannot send at all) */
  everReady = false;
  /** resolves once the thread has loaded the sender (or died) */
  readonly ready = new Promise<void>((resolve) => (this.booted = resolve));
  dead = false;

  /**
   * file: the bundle (.mjs), loaded as it is, or a TypeScript source, loaded through tsx; rateBook: the
   * memory every thread of the process books actions' send times in (thread-rate-book.ts), if shared
   */
  constructor(file: string, rateBook: SharedArrayBuffer | null) {
    const root = process.cwd();
    const shared: SenderThreadData = { rateBook };
    this.worker = file.endsWith(".mjs")
      ? new Worker(file, { env: SHARE_ENV, resourceLimits: THREAD_HEAP, workerData: shared })
      : new Worker(BOOT, { eval: true, env: SHARE_ENV, resourceLimits: THREAD_HEAP, workerData: { ...shared, file, parent: pathToFileURL(root + "/").href } });
    this.worker.unref();
    this.worker.on("message", (msg: SenderResults) => {
      if ("ready" in msg) {
        this.everReady = true;
        return this.booted();
      }
      for (const seq of msg.started ?? []) {
        const w = this.waiting.get(seq);
        if (w) w.started = true;
      }
      for (const [seq, outcome] of msg.results) {
        const w = this.waiting.get(seq);
        this.waiting.delete(seq);
        if (!w) continue;
        if ("threw" in outcome) w.reject(new Error(`the sender thread: ${outcome.threw}`));
        else w.resolve(outcome);
      }
    });
    this.worker.on("error", (err) => this.fail(err.message));
    this.worker.on("exit", (code) => this.fail(`exit code ${code}`));
  }

  get load() {
    return this.waiting.size;
  }

  send(seq: number, gate: ThreadGate, job: SendJob): Promise<GateOutcome> {
    return new Promise<GateOutcome>((resolve, reject) => {
      this.waiting.set(seq, { resolve, reject, started: false });
      if (!this.knownGates.has(gate.id)) {
        this.knownGates.add(gate.id);
        this.gates.push([gate.id, gate.limits]);
        // leases renewed before this thread started still hold (the thread applies gates first)
        if (Number.isFinite(gate.renewedAt)) this.renewed.push([gate.id, gate.renewedAt]);
      }
      if (job.mapping) {
        const { mapping, ...rest } = job;
        this.queued.push([seq, gate.id, rest, this.mappingId(mapping)]);
      } else this.queued.push([seq, gate.id, job]);
      this.schedule();
    });
  }

  private mappingId(mapping: ResponseMapping): number {
    // the usual case: the same action's mapping as the job before, last in the order already (moving
    // it there again rehashed the map every few deliveries)
    if (mapping === this.lastMapping) return this.lastMappingId;
    let id = this.mappingIds.get(mapping);
    this.lastMapping = mapping;
    if (id !== undefined) {
      // most recently used last: the one forgotten is the one unused longest
      this.mappingIds.delete(mapping);
      this.mappingIds.set(mapping, id);
    } else {
      if (this.mappingIds.size >= MAPPINGS_KEPT) {
        const [oldest, oldestId] = this.mappingIds.entries().next().value!;
        this.mappingIds.delete(oldest);
        this.forget.push(oldestId);
      }
      this.mappingIds.set(mapping, (id = ++this.mappingSeq));
      this.mappings.push([id, mapping]);
    }
    this.lastMappingId = id;
    return id;
  }

  leaseRenewed(gate: number, at: number) {
    if (!this.knownGates.has(gate)) return;
    this.renewed.push([gate, at]);
    this.schedule();
  }

  drain(gate: number) {
    if (!this.knownGates.has(gate)) return;
    this.drained.push(gate);
    this.schedule();
  }

  private schedule() {
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => void this.post());
    }
  }

  private async post() {
    const entries = await allowedDestinationEntries();
    this.scheduled = false;
    const items = this.queued;
    const gates = this.gates;
    const renewed = this.renewed;
    const drained = this.drained;
    const mappings = this.mappings;
    const forget = this.forget;
    this.queued = [];
    this.gates = [];
    this.renewed = [];
    this.drained = [];
    this.mappings = [];
    this.forget = [];
    if (this.dead || (items.length === 0 && renewed.length === 0 && drained.length === 0)) {
      // a batch not posted: the thread must still hear of these before a later job names them
      this.mappings = mappings;
      this.forget = forget;
      return;
    }
    const allowedHosts = env().HOOKLINE_ALLOWED_HOSTS;
    const key = `${allowedHosts}\n${entries.join(",")}`;
    const batch: SenderBatch = { items };
    if (gates.length) batch.gates = gates;
    if (renewed.length) batch.renewed = renewed;
    if (drained.length) batch.drained = drained;
    if (mappings.length) batch.mappings = mappings;
    if (forget.length) batch.forget = forget;
    if (key !== this.guard) {
      this.guard = key;
      batch.guard = { allowedHosts, entries };
    }
    this.worker.postMessage(batch);
  }

  /**
   * The thread died. A job it had not started was never sent: it comes back `{ expired: true }` (the
   * dispatcher hands the row back, no attempt used, and the thread replacing this one sends it). A job
   * under way may or may not have been sent: its send rejects, which the dispatcher counts as a
   * sender's failure (an attempt retried by the action's policy, not the host's breaker), as for any
   * sender that throws. A start the thread had not reported yet counts as not started: at worst sent
   * again with the same webhook-id, as after a crash of the process.
   */
  private fail(why: string) {
    if (this.dead) return;
    this.dead = true;
    this.booted();
    const waiting = [...this.waiting.values()];
    this.waiting.clear();
    this.queued = [];
    const underWay = waiting.filter((w) => w.started).length;
    if (waiting.length) log.error("A sender thread stopped; the deliveries it had not started go back, those under way count as a failed attempt", { error: describeSafely(why), underWay, notStarted: waiting.length - underWay });
    const stopped = new Error(`the sender thread stopped (${why})`);
    for (const w of waiting) {
      if (w.started) w.reject(stopped);
      else w.resolve({ expired: true });
    }
  }

  terminate() {
    this.fail("closed");
    return this.worker.terminate();
  }
}

const UNLIMITED: ThreadGate = { id: 0, renewedAt: Number.NEGATIVE_INFINITY, limits: { concurrency: Number.MAX_SAFE_INTEGER, hostConcurrency: Number.MAX_SAFE_INTEGER, leaseMs: Number.MAX_SAFE_INTEGER } };

export class SenderThreads {
  private threads: SenderThread[] = [];
  private seq = 0;
  private gateSeq = 0;
  /** a thread died before it could send: this process sends on its own loop from then on */
  private fallback = false;
  /** with more than one thread: where they book actions' send times together (thread-rate-book.ts) */
  private rateBook: SharedArrayBuffer | null;
  private rateSlots = new RateSlots();

  // started at once (with the engine's deps), so that the first webhook does not wait for a thread to boot
  constructor(
    private size: number,
    private file = currentSenderThreadBundle(process.cwd()) ?? path.join(process.cwd(), SENDER_THREAD_SOURCE),
  ) {
    this.rateBook = size > 1 ? rateBookMemory() : null;
    for (let i = 0; i < size; i++) this.threads.push(new SenderThread(file, this.rateBook));
  }

  /** Resolves once every thread can send (they load the sender's modules first: about a second). */
  async ready(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.ready));
  }

  /** Sends without limits (gate 0) through the least busy thread; a thread's failure answers retryable. */
  async send(request: BuiltRequest, opts: { timeoutMs?: number } = {}): Promise<SendResult> {
    if (this.useFallback()) return sendWebhook(request, opts);
    let why: string;
    try {
      const outcome = await this.sendJob(UNLIMITED, { request, timeoutMs: opts.timeoutMs, host: "", rateKey: "", rps: null, claimedAt: Date.now() }, null);
      if (!("expired" in outcome)) return outcome.result;
      why = "the sender thread stopped";
    } catch (err) {
      why = (err as Error).message;
    }
    return { outcome: "retryable", error: `Could not send: ${why}`, timings: { totalMs: 0 } };
  }

  /**
   * A dispatcher's gate (send-gate.ts) spread over the threads: a host's deliveries always go to the
   * same thread, which holds the whole per-host limit; the overall limit is split between the threads;
   * an action's requests per second are booked by every thread in one table (thread-rate-book.ts), so
   * the rate holds for the process and one thread alone (a webhook to one host) reaches it.
   */
  gated(limits: GateLimits): GatedSender {
    const n = Math.max(1, this.size);
    const gate: ThreadGate = { id: ++this.gateSeq, renewedAt: Number.NEGATIVE_INFINITY, limits: { ...limits, concurrency: Math.max(1, Math.ceil(limits.concurrency / n)) } };
    let inFlight = 0;
    let drained = false;
    const fallback = new SendGate(limits, sendWebhook);
    return {
      send: async (job) => {
        // answered here: a thread started after the drain (one replacing a dead thread) never heard of it
        if (drained) return { expired: true };
        if (this.useFallback()) return fallback.send(job);
        inFlight++;
        try {
          // the action's slot in the shared table is its rate key in the threads
          return await this.sendJob(gate, this.rateBook && job.rps ? { ...job, rateKey: this.rateSlots.keyFor(job.rateKey) } : job, job.host);
        } finally {
          inFlight--;
        }
      },
      leaseRenewed: (at) => {
        gate.renewedAt = at;
        fallback.leaseRenewed(at);
        for (const t of this.threads) t.leaseRenewed(gate.id, at);
      },
      drain: () => {
        drained = true;
        fallback.drain();
        for (const t of this.threads) t.drain(gate.id);
      },
      // queued in a thread or sending: what this dispatcher has handed over
      get inFlight() {
        return inFlight + fallback.inFlight;
      },
    };
  }

  private useFallback(): boolean {
    if (!this.fallback && this.threads.some((t) => t.dead && !t.everReady)) {
      // starting a thread again would fail again, once per send: send here instead
      this.fallback = true;
      log.error("Sender threads cannot start; sending on the engine's own event loop");
    }
    return this.fallback;
  }

  /** callers have checked useFallback() */
  private sendJob(gate: ThreadGate, job: SendJob, key: string | null): Promise<GateOutcome> {
    for (let i = 0; i < this.threads.length; i++) if (this.threads[i].dead) this.threads[i] = new SenderThread(this.file, this.rateBook);
    let pick = this.threads[0];
    if (key !== null && this.threads.length > 1) pick = this.threads[fnv1a(key) % this.threads.length];
    else for (const t of this.threads) if (t.load < pick.load) pick = t;
    return pick.send(++this.seq, gate, job);
  }

  async close() {
    const all = this.threads;
    this.threads = [];
    await Promise.all(all.map((t) => t.terminate()));
  }
}

/** How many sender threads this process uses: HOOKLINE_SENDER_THREADS, or one given a second core. */
function senderThreadCount(): number {
  const configured = env().HOOKLINE_SENDER_THREADS;
  if (configured !== undefined) return configured;
  return (typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length) >= 2 ? 1 : 0;
}

// One set per process, on globalThis: Next bundles the engine's modules more than once.
const holder = globalThis as unknown as { __hooklineSenderThreads?: SenderThreads };

/** The process's sender threads (started on first use), or null when sends stay on this thread. */
export function senderThreads(): SenderThreads | null {
  const count = senderThreadCount();
  if (count === 0) return null;
  return (holder.__hooklineSenderThreads ??= new SenderThreads(count));
}
