// Raw SQL beside a Prisma client, for the delivery engine's hot path (and every other write to its
// Delivery table, so that the table is written one way: lib/delivery/README.md). Through Prisma every
// statement (raw ones too) costs ~0.2 ms of CPU on the event loop plus a per-parameter cost in its
// query compiler; a claim, a batch of users or a flush of results carries thousands of parameters.
// On SQLite the statements go to a connection of their own (better-sqlite3, prepared statements
// cached); on PostgreSQL to a small pool of their own (node-postgres, as Prisma's adapter uses).
import Database from "better-sqlite3";
import pg from "pg";
import type { DatabaseConfig } from "../env";
import type { Db, DbOrTx } from "./client";
import { describeSafely, log } from "../log";
import { startWalCheckpointer, type WalCheckpointer } from "./wal-checkpointer";
import { MARK_FUNCTION } from "./dialect";

export type RawStatement = {
  sql: string;
  values: unknown[];
  /**
   * Not run (0 rows) when the statement before it in the transaction changed this many rows: for a
   * statement that only has work when that one left some of its rows out (attribute-writes.ts)
   */
  skipIfPreviousChanged?: number;
  /**
   * SQLite: not run (0 rows) unless a row of the statement before it met its markedSql condition
   * (dialect.ts); PostgreSQL has no mark and runs it
   */
  onlyIfPreviousMarked?: true;
};

/** Whether `statement` is skipped after statements that changed `changed` rows each (RawStatement.skipIfPreviousChanged). */
function skipped(statement: RawStatement, changed: number[]): boolean {
  return statement.skipIfPreviousChanged !== undefined && changed.length > 0 && changed[changed.length - 1] === statement.skipIfPreviousChanged;
}

/** Statements inside an interactive transaction (RawDb.interactive). */
export interface RawTx {
  /** rows of a SELECT or of an UPDATE ... RETURNING */
  query<T = Record<string, unknown>>(sql: string, values: unknown[]): Promise<T[]>;
  /** how many rows the statement changed */
  run(sql: string, values: unknown[]): Promise<number>;
}

/**
 * A Prisma interactive transaction as a RawTx, for raw statements that belong to a transaction Prisma
 * holds (a settings save re-planning a paused campaign's runs, a retry by hand reopening its
 * campaign): the statements are the raw handle's (SqlParams, dialect.ts), only the connection is the
 * transaction's. The raw handle itself cannot join it (on SQLite it would wait for its write lock).
 */
export function prismaRawTx(tx: DbOrTx): RawTx {
  return {
    query: <T>(sql: string, values: unknown[]) => tx.$queryRawUnsafe<T[]>(sql, ...values),
    run: (sql, values) => tx.$executeRawUnsafe(sql, ...values),
  };
}

export interface RawDb {
  /** rows of a SELECT or of an UPDATE ... RETURNING */
  query<T = Record<string, unknown>>(sql: string, values: unknown[]): Promise<T[]>;
  /** runs the statements in order in one transaction; how many rows each one changed */
  transaction(statements: RawStatement[]): Promise<number[]>;
  /**
   * Runs `work` in one transaction (committed when it resolves, rolled back when it throws), for a
   * write that reads between its statements: a fan-out of 100,000 users. On SQLite it holds the
   * handle's one connection: this handle's other statements wait until it ends, and so do Prisma's
   * writes (client.ts), so `work` must not await a Prisma write.
   */
  interactive<T>(work: (tx: RawTx) => Promise<T>): Promise<T>;
  /**
   * SQLite: settles when the interactive transaction holding the write lock ends (null: none is open).
   * Prisma's connection waits for it before writing (client.ts), as SQLite would make it wait
   * synchronously, on the event loop this transaction needs to end.
   */
  readonly writeHeld?: Promise<void> | null;
  /** SQLite: who copies the write-ahead log into the database (lib/db/wal-checkpointer.ts) */
  readonly walCheckpoints?: "thread" | "commits";
  close(): void;
}

// Another connection holds SQLite's write lock (a fan-out, an API write): never wait for it on
// the event loop (the holder may be this process, waiting for the loop), try again shortly instead.
const BUSY_GIVE_UP_MS = 30_000;

class SqliteRawDb implements RawDb {
  private db: Database.Database;
  private statements = new Map<string, Database.Statement>();
  /** settles when the open interactive transaction ends (null: none is open) */
  private held: Promise<void> | null = null;

  get writeHeld() {
    return this.held;
  }

  /** set by markedSql's function while a statement runs (RawStatement.onlyIfPreviousMarked) */
  private marked = false;

  private checkpointer: WalCheckpointer;
  /** where the write-ahead log is copied into the database: by a thread of its own (wal-checkpointer.ts), or by this connection's commits */
  walCheckpoints: "thread" | "commits" = "commits";

  constructor(file: string) {
    // better-sqlite3's 16 MB page cache (its build default) stays: the engine works in it (with SQLite's own
    // 2 MB, figure 2 delivered 2,224-2,362/s instead of 3,168-3,414/s); Prisma's connection has 2 MB (client.ts)
    this.db = new Database(file, { timeout: 0 });
    // not deterministic: called per row that reaches it, never folded into a constant
    this.db.function(MARK_FUNCTION, { deterministic: false }, () => {
      this.marked = true;
      return 1;
    });
    this.checkpointer = startWalCheckpointer(file, {
      started: () => {
        if (!this.db.open) return;
        // the thread checkpoints; this connection only past 10,000 pages, should the thread fall behind
        this.db.pragma("wal_autocheckpoint = 10000");
        this.walCheckpoints = "thread";
      },
      stopped: (why) => {
        if (!this.db.open) return;
        this.db.pragma("wal_autocheckpoint = 1000");
        this.walCheckpoints = "commits";
        log.warn("The SQLite checkpoint thread stopped; commits checkpoint the log again", { error: describeSafely(why) });
      },
    });
  }

  private prepared(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      // IN lists of many lengths make many texts: keep the recent ones
      if (this.statements.size >= 200) this.statements.delete(this.statements.keys().next().value!);
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** `inside`: a statement of the interactive transaction itself, which must not wait for it */
  private async whenFree<T>(task: () => T, inside = false): Promise<T> {
    const giveUpAt = Date.now() + BUSY_GIVE_UP_MS;
    for (let attempt = 0; ; attempt++) {
      // checked before every attempt: a statement run while the transaction is open would be part of it
      while (this.held && !inside) await this.held;
      try {
        return task();
      } catch (err) {
        if ((err as { code?: string }).code !== "SQLITE_BUSY" || Date.now() > giveUpAt) throw err;
        await new Promise((r) => setTimeout(r, Math.min(2 ** attempt, 50)));
      }
    }
  }

  query<T>(sql: string, values: unknown[]): Promise<T[]> {
    return this.whenFree(() => this.prepared(sql).all(...values) as T[]);
  }

  transaction(statements: RawStatement[]): Promise<number[]> {
    // BEGIN IMMEDIATE: take the write lock first, so the transaction never fails half-way on it
    const run = this.db.transaction(() => {
      const changed: number[] = [];
      // whether the statement before marked a row (markedSql)
      let marked = false;
      for (const s of statements) {
        const skip = skipped(s, changed) || (s.onlyIfPreviousMarked === true && !marked);
        this.marked = false;
        changed.push(skip ? 0 : this.prepared(s.sql).run(...s.values).changes);
        marked = this.marked;
      }
      return changed;
    });
    return this.whenFree(() => run.immediate());
  }

  async interactive<T>(work: (tx: RawTx) => Promise<T>): Promise<T> {
    let end!: () => void;
    const held = new Promise<void>((resolve) => (end = resolve));
    // BEGIN IMMEDIATE takes the write lock first, as transaction() does; the connection is marked
    // held in the same synchronous step, so no other statement can slip in between
    await this.whenFree(() => {
      this.prepared("BEGIN IMMEDIATE").run();
      this.held = held;
    });
    const tx: RawTx = {
      query: <R>(sql: string, values: unknown[]) => this.whenFree(() => this.prepared(sql).all(...values) as R[], true),
      run: (sql, values) => this.whenFree(() => this.prepared(sql).run(...values).changes, true),
    };
    try {
      const result = await work(tx);
      this.prepared("COMMIT").run();
      return result;
    } catch (err) {
      if (this.db.inTransaction) this.prepared("ROLLBACK").run();
      throw err;
    } finally {
      this.held = null;
      end();
    }
  }

  close() {
    this.checkpointer.stop();
    this.statements.clear();
    this.db.close();
  }
}

// timestamp(3) columns hold UTC without a zone (as Prisma writes them): read them as text, so
// the process's time zone cannot shift them (raw-sql.ts dateOf reads them as UTC)
const PG_TIMESTAMP = 1114;
const pgTypes = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === PG_TIMESTAMP ? (text: string) => text : pg.types.getTypeParser(oid, format as "text")) as typeof pg.types.getTypeParser,
};

class PostgresRawDb implements RawDb {
  private pool: pg.Pool;

  constructor(url: string) {
    this.pool = new pg.Pool({ connectionString: url, max: 4, types: pgTypes, idleTimeoutMillis: 30_000 });
    // an idle connection dropped by a restarting server: the next query opens a new one
    this.pool.on("error", () => {});
  }

  async query<T>(sql: string, values: unknown[]): Promise<T[]> {
    return (await this.pool.query(sql, values)).rows as T[];
  }

  async transaction(statements: RawStatement[]): Promise<number[]> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    // the server may end the connection between two statements (a restart): the next query fails,
    // which is handled below; the event itself must not crash the process
    const onError = (err: Error) => (broken = err);
    client.on("error", onError);
    try {
      await client.query("BEGIN");
      const changed: number[] = [];
      for (const s of statements) changed.push(skipped(s, changed) ? 0 : ((await client.query(s.sql, s.values)).rowCount ?? 0));
      await client.query("COMMIT");
      return changed;
    } catch (err) {
      broken = err as Error;
      await client.query("ROLLBACK").catch(() => {});
      throw err;
    } finally {
      client.off("error", onError);
      // a connection that failed is not given back to the pool
      client.release(broken);
    }
  }

  async interactive<T>(work: (tx: RawTx) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    const onError = (err: Error) => (broken = err);
    client.on("error", onError);
    const tx: RawTx = {
      query: async <R>(sql: string, values: unknown[]) => (await client.query(sql, values)).rows as R[],
      run: async (sql, values) => (await client.query(sql, values)).rowCount ?? 0,
    };
    try {
      await client.query("BEGIN");
      const result = await work(tx);
      await client.query("COMMIT");
      return result;
    } catch (err) {
      await client.query("ROLLBACK").catch(() => {});
      throw err;
    } finally {
      client.off("error", onError);
      client.release(broken);
    }
  }

  close() {
    void this.pool.end().catch(() => {});
  }
}

// On globalThis, as the client itself is (lib/db/index.ts): Next bundles instrumentation, route
// handlers and server actions with a copy of this module each, and the client one of them created
// must be known to all.
const holder = globalThis as unknown as { __hooklineRawDb?: { databases: WeakMap<Db, DatabaseConfig>; opened: WeakMap<Db, RawDb> } };
const { databases, opened } = (holder.__hooklineRawDb ??= { databases: new WeakMap(), opened: new WeakMap() });

/** Called by createDb: raw statements for this client go to its database directly. */
export function registerDatabase(prisma: Db, config: DatabaseConfig) {
  databases.set(prisma, config);
}

/** The raw SQL handle that goes with a Prisma client (one per client, opened on first use). */
export function rawDb(prisma: Db): RawDb {
  let raw = opened.get(prisma);
  if (!raw) {
    const config = databases.get(prisma);
    if (!config) throw new Error("rawDb: this client was not made by createDb");
    raw = config.provider === "sqlite" ? new SqliteRawDb(config.file) : new PostgresRawDb(config.url);
    opened.set(prisma, raw);
  }
  return raw;
}

/** The write lock this client's raw handle holds across awaits (SQLite's interactive transaction), if it is open. */
export function rawWriteHeld(prisma: Db): Promise<void> | null {
  return opened.get(prisma)?.writeHeld ?? null;
}

/** Closes the raw handle of a client being disconnected. */
export function closeRawDb(prisma: Db) {
  opened.get(prisma)?.close();
  opened.delete(prisma);
}

