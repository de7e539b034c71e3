// Prisma's one SQLite connection, kept from two traps of sharing a file with the raw handle.
// 1. The delivery engine's raw handle (raw.ts) has a connection of its own, and its interactive
//    transactions (an activation's or a recurring occurrence's fan-out) hold SQLite's write lock
//    across awaits. A Prisma write meanwhile waited for the lock in SQLite's busy handler:
//    synchronously, on the event loop the fan-out needed to finish, so the process froze for the whole
//    busy timeout (10 s) and the write failed with "database is locked". Now a Prisma statement that
//    writes first waits, asynchronously, for that transaction to end.
// 2. Prisma's interactive transactions run on the same connection as every other Prisma statement, and
//    the adapter let a statement from elsewhere (another request, the engine's audit entry) run while one
//    was open: it became part of that transaction, read its uncommitted rows, failed with its
//    "database is locked" (a deferred transaction whose snapshot the raw handle's commit made stale
//    cannot write: SQLITE_BUSY_SNAPSHOT, at once), or was rolled back with it after reporting success.
//    Now such a statement waits for the transaction to end.
// When neither is open nothing waits: two null checks per Prisma statement, none on the raw handle.
// Locks held by other processes or threads (a worker on the same file, the checkpoint thread's RESTART)
// are still waited for in the busy handler: they end without this event loop.
import type { SqlDriverAdapter, SqlQuery, SqlQueryable, Transaction } from "@prisma/driver-adapter-utils";

/** the write lock held across awaits by this process's other connection (null: none) */
export type HeldWrite = () => Promise<void> | null;

// statements that take no write lock: BEGIN is DEFERRED (Prisma's), COMMIT of a transaction that wrote
// holds the lock already, so the raw handle cannot
const TAKES_NO_WRITE_LOCK = /^\s*(SELECT|PRAGMA|EXPLAIN|BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b/i;
// a fan-out of 100,000 users takes a few seconds; past this something awaits a Prisma write inside the
// raw transaction (raw.ts forbids it): go ahead, and the busy handler reports the lock as before
const GIVE_UP_MS = 30_000;

async function untilReleased(held: HeldWrite) {
  const giveUpAt = Date.now() + GIVE_UP_MS;
  for (let h = held(); h && Date.now() < giveUpAt; h = held()) {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([h, new Promise((r) => (timer = setTimeout(r, giveUpAt - Date.now())))]);
    clearTimeout(timer);
  }
}

type Wait = (query: SqlQuery) => Promise<void> | null;

function waitBefore(queryable: SqlQueryable, wait: Wait) {
  for (const method of ["queryRaw", "executeRaw"] as const) {
    const run = queryable[method].bind(queryable) as (query: SqlQuery) => Promise<never>;
    queryable[method] = (async (query: SqlQuery) => {
      for (let w = wait(query); w; w = wait(query)) await w;
      return run(query);
    }) as never;
  }
}

/** Makes `adapter`'s statements wait for its open transaction, and its writes (theirs too) for `held`. */
export function gateSqliteWrites(adapter: SqlDriverAdapter, held: HeldWrite): SqlDriverAdapter {
  let openTransaction: Promise<void> | null = null;
  const rawWriter = (query: SqlQuery) => (held() && !TAKES_NO_WRITE_LOCK.test(query.sql) ? untilReleased(held) : null);
  waitBefore(adapter, (query) => openTransaction ?? rawWriter(query));
  const start = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (isolationLevel) => {
    // marked before asking: BEGIN runs inside start(), and a statement slipping in between it and
    // the moment start() resolved would land in the transaction (several requested: the latest)
    let end!: () => void;
    const ended = new Promise<void>((resolve) => (end = resolve));
    openTransaction = ended;
    const finish = () => {
      if (openTransaction === ended) openTransaction = null;
      end();
    };
    let tx: Transaction;
    try {
      tx = await start(isolationLevel);
    } catch (err) {
      finish();
      throw err;
    }
    for (const method of ["commit", "rollback"] as const) {
      const close = tx[method].bind(tx);
      tx[method] = async () => {
        try {
          await close();
        } finally {
          finish();
        }
      };
    }
    waitBefore(tx, rawWriter);
    return tx;
  };
  return adapter;
}
