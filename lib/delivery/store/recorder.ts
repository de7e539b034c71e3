// Writes what happened to claimed deliveries, in batches: one transaction per flush holds the new
// attempt rows and the state changes, with "delivered" rows updated together per status code.
// Every write is guarded by the worker's lease, so a worker whose lease was taken over cannot
// overwrite the newer owner's result. A delivery deleted meanwhile (its campaign or user deleted while
// it was sent) is passed over by every statement: its result is dropped, the rest of the flush written.
// A write that fails keeps its deliveries' leases renewed while it is tried again; one the database
// refuses while it takes other writes is split until the refused result is alone (see failed()).
import type { Db } from "../../db";
import { rawDb, type RawStatement } from "../../db/raw";
import { batchInsertSql, newRowId, tableName, type ColumnKind } from "../../db/bulk-insert";
import { SqlParams } from "../../db/raw-sql";
import { unindexedSql } from "../../db/dialect";
import { attributeWriteStatements, type AttributeWrite } from "./attribute-writes";
import { earlierStepWakeStatement } from "./earlier-step-wake";
import { describeSafely, log } from "../../log";
import { env } from "../../env";
import { renewLeases } from "./claim";
import { yieldToEventLoop } from "../../event-loop";

export type AttemptRow = {
  /** set on the first write, so a retried write after a lost commit acknowledgement inserts nothing twice */
  id?: string;
  deliveryId: string;
  number: number;
  startedAt: Date;
  durationMs: number;
  outcome: "delivered" | "retryable" | "failed";
  status: number | null;
  error: string | null;
  request: object;
  response: object | null;
  timings: object | null;
  nextAttemptAt: Date | null;
  /** whether the request left (attempt-record.ts requestLeft); null or absent: the sender did not say */
  sent?: boolean | null;
};

export type Change =
  | {
      id: string; state: "delivered"; attempts: number; status: number | null; durationMs: number; host: string; sentAt: Date;
      /** absent only when the database refused it (Recorder.writeWithoutDetails) */
      attempt?: AttemptRow;
      /** what the action's response mapping sets on the user (written in the same transaction) */
      attributes?: AttributeWrite;
      /** the steps waiting for this one (lib/campaigns/awaited-steps.ts): its user's rows of them held for it are woken */
      wakes?: string[];
    }
  | {
      id: string;
      state: "retrying" | "failed" | "scheduled" | "suppressed";
      attempts?: number;
      status?: number | null;
      durationMs?: number | null;
      host?: string | null;
      sentAt?: Date | null;
      dueAt?: Date;
      /** planned again (a time an earlier step's answer gave: core/plan.ts timeAfterEarlierStep) */
      plannedAt?: Date;
      reason: string | null;
      attempt?: AttemptRow;
      /** as for "delivered"; read for a finished row only (failed, suppressed) */
      wakes?: string[];
    }
  /** hand the row back untouched (the campaign was paused meanwhile, shutting down) */
  | { id: string; state: "release" };

const ATTEMPT_COLUMNS: [string, ColumnKind][] = [
  ["id", "text"], ["deliveryId", "text"], ["number", "int"], ["startedAt", "date"], ["durationMs", "int"], ["outcome", "text"], ["status", "int"],
  ["error", "text"], ["request", "json"], ["response", "json"], ["timings", "json"], ["nextAttemptAt", "date"], ["sent", "bool"],
];

/**
 * A flush is also bounded by the bytes of its results (about; see resultBytes): a receiver can make each
 * result as big as the log keeps one (8 KiB excerpts, many headers, mapped values), and a transaction is
 * built, and on SQLite run, on the engine's thread (the web process's, for the embedded engine): 500
 * such results held it for about a second. Over this, the rest waits for the next transaction, after a
 * turn of the event loop. Ordinary results (a few hundred bytes) stay one transaction of maxBatch rows.
 */
export const FLUSH_BYTES = 2 * 1024 * 1024;

type Headers = [string, string][] | undefined;
type Excerpt = { url?: string; body?: string | null; headers?: Headers } | null | undefined;

const textBytes = (headers: Headers) => {
  let n = 0;
  if (Array.isArray(headers)) for (const [name, value] of headers) n += name.length + value.length;
  return n;
};
const excerptBytes = (excerpt: Excerpt) => (excerpt ? (excerpt.url?.length ?? 0) + (excerpt.body?.length ?? 0) + textBytes(excerpt.headers) : 0);

/**
 * About how much a result weighs in its transaction, from the lengths of the texts it holds (never
 * encoding it: the normal case must not pay): the request's and response's excerpts, the error, the
 * mapped values. Counts UTF-16 units, so text beyond ASCII is under-counted up to three times; the
 * budget is a bound on time, not on memory.
 */
export function resultBytes(change: Change): number {
  let n = 200;
  const attempt = "attempt" in change ? change.attempt : undefined;
  if (attempt) n += excerptBytes(attempt.request as Excerpt) + excerptBytes(attempt.response as Excerpt) + (attempt.error?.length ?? 0);
  const attributes = change.state === "delivered" ? change.attributes : undefined;
  // the send gate's values come as the JSON text they are written as
  if (attributes && "encoded" in attributes) n += attributes.encoded.values.length;
  const set = attributes && "set" in attributes ? attributes.set : undefined;
  if (set) {
    for (const name in set) {
      const value = set[name];
      n += name.length + 4 + (typeof value === "string" ? value.length : Array.isArray(value) ? value.reduce((sum, v) => sum + v.length + 3, 2) : 24);
    }
  }
  return n;
}

type Waiter = { resolve: () => void; reject: (err: Error) => void };
type Entry = { change: Change; waiter: Waiter };
/** changes written in one transaction, and how their write has gone */
type WriteSet = {
  entries: Entry[];
  /** when its write was first tried (ms), and how many tries failed in a row */
  since: number;
  failures: number;
  /** not before (ms): the next try */
  at: number;
  /** a half of a refused write */
  half: boolean;
};

// A refused result is written without what it carried from the receiver and the request (the
// database refused something in it); the state and the attempt's outcome stay true.
const DETAILS_NOT_RECORDED = "The database refused this attempt's details; they were not recorded";

export class Recorder {
  private buffer: Entry[] = [];
  /** writes that failed, waiting for their next try; their deliveries' leases are renewed meanwhile */
  private retries: WriteSet[] = [];
  private timer: NodeJS.Timeout | null = null;
  private timerAt = 0;
  private flushing: Promise<void> = Promise.resolve();
  /** when a result write last went through (ms): the database takes writes of results */
  private lastWrittenAt = 0;
  /** result writes so far: transactions, their statements and the changes they held; results written without their details */
  readonly counters = { flushes: 0, flushStatements: 0, flushedRows: 0, withoutDetails: 0 };

  constructor(
    private prisma: Db,
    private workerId: string,
    private options: {
      flushMs: number;
      maxBatch: number;
      /** about how many bytes of results one transaction writes at most (default FLUSH_BYTES) */
      maxBytes?: number;
      onRecorded?: (count: number) => void;
      /** a write failed and the database does not take writes (it is probably away) */
      onWriteFailed?: () => void;
      /** how long a write is retried before its deliveries are left to their leases (default 10 min) */
      giveUpAfterMs?: number;
      /** how far a renewal extends the leases of results waiting for another try (default: the configured lease) */
      leaseMs?: number;
    } = { flushMs: 25, maxBatch: 500 },
  ) {}

  /** Queues a change; resolves once it is in the database (possibly without its details, see failed()). */
  add(change: Change): Promise<void> {
    const done = new Promise<void>((resolve, reject) => this.buffer.push({ change, waiter: { resolve, reject } }));
    if (this.buffer.length >= this.options.maxBatch) this.flushSoon(0);
    else this.flushSoon(this.options.flushMs);
    return done;
  }

  private flushSoon(ms: number) {
    const at = Date.now() + ms;
    if (this.timer && this.timerAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flushSome();
    }, ms);
  }

  /** Writes up to maxBatch buffered changes (or a failed write due again), then lets a waiting lease renewal go before the rest. */
  private flushSome(): Promise<void> {
    const run = this.flushing.then(() => this.write());
    this.flushing = run.then(() => {}, () => {});
    void run.finally(() => {
      if (this.buffer.length) this.flushSoon(0);
      else if (this.retries.length) this.flushSoon(Math.max(0, Math.min(...this.retries.map((r) => r.at)) - Date.now()));
    }).catch(() => {});
    return run;
  }

  /**
   * Runs `task` between flushes, never beside one: lease renewals touch the same rows, and two
   * transactions of one worker locking them in different orders deadlock on PostgreSQL.
   */
  exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.flushing.then(task);
    this.flushing = run.then(() => {}, () => {});
    return run;
  }

  /** Writes everything buffered, and waits for failed writes to go through or be given up (waiting for a flush already running). */
  flush(): Promise<void> {
    const run = this.flushing.then(async () => {
      let first = true;
      while (this.buffer.length || this.retries.length) {
        if (!this.buffer.length) {
          const wait = Math.min(...this.retries.map((r) => r.at)) - Date.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        } else if (!first) await yieldToEventLoop();
        first = false;
        await this.write();
      }
    });
    this.flushing = run.then(() => {}, () => {});
    return run;
  }

  /**
   * A failed write due again, or the oldest buffered changes: at most maxBatch (a big write after an
   * outage would hold its locks for long) and FLUSH_BYTES (one at least, however big).
   */
  private next(): WriteSet | null {
    const now = Date.now();
    const due = this.retries.findIndex((r) => r.at <= now);
    if (due >= 0) return this.retries.splice(due, 1)[0]!;
    if (!this.buffer.length) return null;
    const limit = Math.min(this.buffer.length, this.options.maxBatch);
    const maxBytes = this.options.maxBytes ?? FLUSH_BYTES;
    let count = 0;
    for (let bytes = 0; count < limit; count++) {
      bytes += resultBytes(this.buffer[count]!.change);
      if (bytes > maxBytes && count > 0) break;
    }
    return { entries: this.buffer.splice(0, count), since: now, failures: 0, at: now, half: false };
  }

  /** One transaction; a failure is handled by failed(). */
  private async write() {
    const set = this.next();
    if (!set) return;
    const changes = set.entries.map((e) => e.change);
    for (const c of changes) if ("attempt" in c && c.attempt && !c.attempt.id) c.attempt.id = newRowId();
    try {
      await this.transaction(changes);
    } catch (err) {
      return this.failed(set, err);
    }
    set.entries.forEach((e) => e.waiter.resolve());
    this.options.onRecorded?.(changes.length);
  }

  private async transaction(changes: Change[]) {
    const statements = this.statements(changes);
    await rawDb(this.prisma).transaction(statements);
    this.counters.flushes++;
    this.counters.flushStatements += statements.length;
    this.counters.flushedRows += changes.length;
    this.lastWrittenAt = Date.now();
  }

  /**
   * A write failed. Its requests were sent: dropping their results would send them all again once
   * their leases ran out. So their leases are renewed first, which also says whether the database
   * takes writes. If it does not (restarting, away), the write is tried again, often, until it does
   * (other workers wait a whole lease after an outage before taking over, see lease.ts). If it does,
   * something in these results is refused: tried once more as it is (a deadlock, a lost connection),
   * then in halves, further halved while other results go through, until the refused one is alone; that
   * one is written without its details. A database refusing every result keeps them all waiting.
   */
  private async failed(set: WriteSet, err: unknown) {
    set.failures++;
    const now = Date.now();
    const overdue = now - set.since >= (this.options.giveUpAfterMs ?? 10 * 60_000);
    const ids = set.entries.map((e) => e.change.id);
    const takesWrites = await renewLeases(this.prisma, this.workerId, ids, new Date(now), this.options.leaseMs ?? env().HOOKLINE_DELIVERY_LEASE_MS).then(() => true, () => false);
    const context = { count: ids.length, attempt: set.failures, error: describeSafely(err) };
    if (!takesWrites) {
      this.options.onWriteFailed?.();
      log.warnEvery(10_000, "Could not record delivery results; retrying until the database answers", context);
      if (overdue) return this.drop(set.entries, err);
      return this.retryAfter(set, Math.min(100 * set.failures, 500));
    }
    log.warnEvery(10_000, "The database refused a write of delivery results; writing them in smaller parts", context);
    const othersWritten = this.lastWrittenAt > set.since;
    if (set.failures < 2) return this.retryAfter(set, 100);
    if (set.entries.length > 1 && (!set.half || othersWritten || overdue)) {
      const middle = Math.ceil(set.entries.length / 2);
      for (const entries of [set.entries.slice(0, middle), set.entries.slice(middle)]) this.retries.push({ entries, since: set.since, failures: 0, at: now, half: true });
      return;
    }
    if (set.entries.length === 1 && (othersWritten || overdue)) return this.writeWithoutDetails(set.entries[0]!, err);
    if (overdue) return this.drop(set.entries, err);
    return this.retryAfter(set, Math.min(250 * set.failures, 2_000));
  }

  private retryAfter(set: WriteSet, ms: number) {
    set.at = Date.now() + ms;
    this.retries.push(set);
  }

  /** A result refused alone: written without what it carried (then without its attempt row), else given up. */
  private async writeWithoutDetails(entry: Entry, err: unknown) {
    const c = entry.change;
    const attempt = "attempt" in c ? c.attempt : undefined;
    const plain: Change[] = [];
    if (attempt) {
      const error = attempt.error ? `${attempt.error}. ${DETAILS_NOT_RECORDED}` : DETAILS_NOT_RECORDED;
      plain.push({ ...c, attributes: undefined, attempt: { ...attempt, request: {}, response: null, timings: null, error } } as Change);
      plain.push({ ...c, attributes: undefined, attempt: undefined } as Change);
    }
    for (const change of plain) {
      try {
        await this.transaction([change]);
      } catch {
        continue;
      }
      this.counters.withoutDetails++;
      // the delivery's id only: what was refused may hold anything the receiver sent
      log.error("Recorded a delivery result without its details: the database refused them", { deliveryId: c.id, state: c.state, error: describeSafely(err) });
      entry.waiter.resolve();
      this.options.onRecorded?.(1);
      return;
    }
    this.drop([entry], err);
  }

  private drop(entries: Entry[], err: unknown) {
    log.error("Gave up recording delivery results; they will be sent again when their leases run out", {
      count: entries.length,
      deliveryIds: entries.slice(0, 20).map((e) => e.change.id),
      error: describeSafely(err),
    });
    entries.forEach((e) => e.waiter.reject(err as Error));
  }

  /** The statements of the transaction that writes `changes` (public for their query plans' test). */
  statements(changes: Change[]): RawStatement[] {
    const attempts = changes.flatMap((c) => ("attempt" in c && c.attempt ? [c.attempt] : []));
    const ops: RawStatement[] = [];
    if (attempts.length) {
      // a delivery deleted while it was sent (by hand, with its campaign or its user) gets no attempt
      // row: its foreign key would fail the whole flush, other campaigns' results with it
      ops.push(
        ...batchInsertSql("DeliveryAttempt", ATTEMPT_COLUMNS, attempts.map((a) => [
          a.id ?? newRowId(), a.deliveryId, a.number, a.startedAt, a.durationMs, a.outcome, a.status, a.error, a.request, a.response, a.timings, a.nextAttemptAt, a.sent ?? null,
        ]), { skipExisting: true, onlyReferenced: { column: "deliveryId", table: "Delivery" } }),
      );
    }
    const mapped: AttributeWrite[] = [];
    for (const c of changes) {
      if (c.state !== "delivered" || !c.attributes) continue;
      // the attempt that says so when the user's limits refuse the write
      if (c.attempt?.id) c.attributes.attemptId = c.attempt.id;
      mapped.push(c.attributes);
    }
    // before the deliveries' updates: they release the lease these statements are guarded by
    if (mapped.length) ops.push(...attributeWriteStatements(mapped, this.workerId));
    const delivered = new Map<string, Extract<Change, { state: "delivered" }>[]>();
    const released: string[] = [];
    // One lock order (by id) for every transaction, so concurrent writers queue instead of deadlocking.
    for (const c of [...changes].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
      if (c.state === "delivered") {
        const key = `${c.status}|${c.host}|${c.attempts}`;
        const group = delivered.get(key);
        if (group) group.push(c);
        else delivered.set(key, [c]);
      } else if (c.state === "release") {
        released.push(c.id);
      } else {
        ops.push(
          this.update([c.id], [
            ["state", "text", c.state],
            ["reason", "text", c.reason],
            ...(c.dueAt ? [["dueAt", "date", c.dueAt] as Assignment] : []),
            ...(c.plannedAt ? [["plannedAt", "date", c.plannedAt] as Assignment] : []),
            ...(c.attempts !== undefined ? [["attempts", "int", c.attempts] as Assignment] : []),
            ...(c.status !== undefined ? [["lastStatus", "int", c.status] as Assignment] : []),
            ...(c.durationMs !== undefined ? [["lastDurationMs", "int", c.durationMs] as Assignment] : []),
            ...(c.host !== undefined ? [["host", "text", c.host] as Assignment] : []),
            ...(c.sentAt !== undefined ? [["sentAt", "date", c.sentAt] as Assignment] : []),
          ]),
        );
      }
    }
    // a whole batch is handed back at once when its lease lapsed or the database was away: one statement
    if (released.length) ops.push(this.update(released, [["state", "text", "scheduled"]]));
    for (const group of delivered.values()) {
      const first = group[0];
      ops.push(
        this.update(group.map((g) => g.id), [
          ["state", "text", "delivered"],
          ["reason", "text", null],
          ["attempts", "int", first.attempts],
          ["lastStatus", "int", first.status],
          ["host", "text", first.host],
          // each row's duration is its attempt's (readers take it there: lastDurationOf in log-queries.ts); not a failed try's
          ["lastDurationMs", "int", null],
          // one statement per group, so one send time (within a flush interval) stands for the
          // group; each attempt row keeps its own start time and duration
          ["sentAt", "date", first.sentAt],
        ]),
      );
    }
    // the rows held for the steps that finished here, woken: one statement, for a flush holding such results only
    const finished = changes.filter((c) => (c.state === "delivered" || c.state === "failed" || c.state === "suppressed") && c.wakes?.length);
    if (finished.length) {
      const waiting = [...new Set(finished.flatMap((c) => ("wakes" in c && c.wakes) || []))];
      ops.push(earlierStepWakeStatement(finished.map((c) => c.id), waiting, new Date()));
    }
    return ops;
  }

  /**
   * Sets `assignments` on the rows `ids` this worker still holds (lease guard), unlocking them: one
   * raw statement (a Prisma updateMany compiled its query each time, per row for retries).
   */
  private update(ids: string[], assignments: Assignment[]): RawStatement {
    const params = new SqlParams();
    const set = [...assignments, ["lockedBy", "text", null], ["lockedUntil", "date", null], ["updatedAt", "date", new Date()]] as Assignment[];
    const sql =
      `UPDATE ${tableName("Delivery")} SET ${set.map(([column, kind, value]) => `"${column}" = ${params.add(kind, value)}`).join(", ")}` +
      // looked up by id: an indexable state made SQLite walk every row in "sending" on each flush
      ` WHERE ${params.among(`"id"`, "text", ids)} AND "lockedBy" = ${params.add("text", this.workerId)} AND ${unindexedSql(`"state"`)} = 'sending'`;
    return { sql, values: params.values };
  }
}

type Assignment = [column: string, kind: ColumnKind, value: unknown];
