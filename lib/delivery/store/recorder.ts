// Writes what happened to claimed deliveries, in batches: one transaction per flush holds the new
// attempt rows and the state changes, with "delivered" rows updated together per status code.
// Every write is guarded by the worker's lease, so a worker whose lease was taken over cannot
// overwrite the newer owner's result. A delivery deleted meanwhile (its campaign or user deleted while
// it was sent) is passed over by every statement: its result is dropped, the rest of the flush written.
import type { Db } from "../../db";
import { rawDb, type RawStatement } from "../../db/raw";
import { batchInsertSql, newRowId, tableName, type ColumnKind } from "../../db/bulk-insert";
import { SqlParams } from "../../db/raw-sql";
import { unindexedSql } from "../../db/dialect";
import { attributeWriteStatements, type MappedAttributes } from "./attribute-writes";
import { describeSafely, log } from "../../log";

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
};

export type Change =
  | {
      id: string; state: "delivered"; attempts: number; status: number | null; durationMs: number; host: string; sentAt: Date; attempt: AttemptRow;
      /** what the action's response mapping sets on the user (written in the same transaction) */
      attributes?: MappedAttributes;
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
      reason: string | null;
      attempt?: AttemptRow;
    }
  /** hand the row back untouched (the campaign was paused meanwhile, shutting down) */
  | { id: string; state: "release" };

const ATTEMPT_COLUMNS: [string, ColumnKind][] = [
  ["id", "text"], ["deliveryId", "text"], ["number", "int"], ["startedAt", "date"], ["durationMs", "int"], ["outcome", "text"], ["status", "int"],
  ["error", "text"], ["request", "json"], ["response", "json"], ["timings", "json"], ["nextAttemptAt", "date"],
];

type Waiter = { resolve: () => void; reject: (err: Error) => void };

export class Recorder {
  private buffer: Change[] = [];
  private waiters: Waiter[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  /** result writes so far: transactions, their statements and the changes they held */
  readonly counters = { flushes: 0, flushStatements: 0, flushedRows: 0 };

  constructor(
    private prisma: Db,
    private workerId: string,
    private options: {
      flushMs: number;
      maxBatch: number;
      onRecorded?: (count: number) => void;
      /** a write failed (the database is probably away) */
      onWriteFailed?: () => void;
      /** how long a write is retried before its deliveries are left to their leases (default 10 min) */
      giveUpAfterMs?: number;
    } = { flushMs: 25, maxBatch: 500 },
  ) {}

  /** Queues a change; resolves once it is in the database. */
  add(change: Change): Promise<void> {
    this.buffer.push(change);
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    if (this.buffer.length >= this.options.maxBatch) this.flushSoon(0);
    else this.flushSoon(this.options.flushMs);
    return done;
  }

  private flushSoon(ms: number) {
    if (this.timer && ms > 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flushSome();
    }, ms);
  }

  /** Writes up to maxBatch buffered changes, then lets a waiting lease renewal go before the rest. */
  private flushSome(): Promise<void> {
    const run = this.flushing.then(() => this.write());
    this.flushing = run.then(() => {}, () => {});
    void run.finally(() => {
      if (this.buffer.length) this.flushSoon(0);
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

  /** Writes everything buffered (waiting for a flush already running). */
  flush(): Promise<void> {
    const run = this.flushing.then(async () => {
      while (this.buffer.length) await this.write();
    });
    this.flushing = run.then(() => {}, () => {});
    return run;
  }

  /** One transaction of at most maxBatch changes (a big one after an outage would hold its locks for long). */
  private async write() {
    const changes = this.buffer.splice(0, this.options.maxBatch);
    const waiters = this.waiters.splice(0, changes.length);
    if (changes.length === 0) return;
    for (const c of changes) if ("attempt" in c && c.attempt && !c.attempt.id) c.attempt.id = newRowId();
    const giveUpAt = Date.now() + (this.options.giveUpAfterMs ?? 10 * 60_000);
    for (let attempt = 1; ; attempt++) {
      try {
        const statements = this.statements(changes);
        await rawDb(this.prisma).transaction(statements);
        this.counters.flushes++;
        this.counters.flushStatements += statements.length;
        this.counters.flushedRows += changes.length;
        waiters.forEach((w) => w.resolve());
        this.options.onRecorded?.(changes.length);
        return;
      } catch (err) {
        // The database may be restarting. These requests were sent: dropping their results would
        // send them all again once their leases run out, so keep trying, often (other workers
        // wait a whole lease after an outage before taking over, see lease.ts).
        this.options.onWriteFailed?.();
        log.warnEvery(10_000, "Could not record delivery results; retrying until the database answers", { count: changes.length, attempt, error: describeSafely(err) });
        if (Date.now() >= giveUpAt) {
          log.error("Gave up recording delivery results; they will be sent again when their leases run out", { count: changes.length });
          waiters.forEach((w) => w.reject(err as Error));
          return;
        }
        await new Promise((r) => setTimeout(r, Math.min(100 * attempt, 500)));
      }
    }
  }

  /** The statements of the transaction that writes `changes` (public for their query plans' test). */
  statements(changes: Change[]): RawStatement[] {
    const attempts = changes.flatMap((c) => ("attempt" in c && c.attempt ? [c.attempt] : []));
    const ops: RawStatement[] = [];
    if (attempts.length) {
      // a delivery deleted while it was sent (by hand, with its campaign or its user) gets no attempt
      // row: its foreign key would fail the whole flush, other campaigns' results with it
      ops.push(
        batchInsertSql("DeliveryAttempt", ATTEMPT_COLUMNS, attempts.map((a) => [
          a.id ?? newRowId(), a.deliveryId, a.number, a.startedAt, a.durationMs, a.outcome, a.status, a.error, a.request, a.response, a.timings, a.nextAttemptAt,
        ]), { skipExisting: true, onlyReferenced: { column: "deliveryId", table: "Delivery" } }),
      );
    }
    const mapped: MappedAttributes[] = [];
    for (const c of changes) if (c.state === "delivered" && c.attributes) mapped.push(c.attributes);
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
      ` WHERE "id" IN (${params.list("text", ids)}) AND "lockedBy" = ${params.add("text", this.workerId)} AND ${unindexedSql(`"state"`)} = 'sending'`;
    return { sql, values: params.values };
  }
}

type Assignment = [column: string, kind: ColumnKind, value: unknown];
