// Prisma interactive transactions, retried whole when the database says to retry them. Every
// read-then-write transaction goes through here (campaign and settings saves, members, user upserts).
// - SQLite: Prisma's adapter begins transactions DEFERRED. One that has read cannot start writing once
//   another connection committed after its read began (SQLITE_BUSY_SNAPSHOT), or while another holds
//   the write lock (SQLITE_BUSY, without waiting: waiting could deadlock). The delivery engine's raw
//   handle (lib/db/raw.ts) commits every few ms while a campaign sends, so saving a campaign failed
//   under a send. (Beginning IMMEDIATE instead would wait for the lock synchronously, freezing the
//   event loop the raw handle needs to let go of it.)
// - PostgreSQL: a deadlock or serialization failure (40P01, 40001: Prisma's P2034).
// SQLite and PostgreSQL roll the transaction back first; `work` must only touch the database, and
// only through `tx`: on SQLite a statement on db() waits for the open transaction to end
// (sqlite-write-gate.ts, which also keeps single statements, needing no retry, out of the raw
// handle's fan-outs).
import { db } from "./index";
import type { Db, DbOrTx } from "./client";
import { databaseErrorCode, isSqliteBusy } from "./busy";

/** The client inside a transaction. */
export type Tx = Exclude<DbOrTx, ReturnType<typeof db>>;
/** `client`: the engine's own client, where it was given one (db() otherwise) */
type Options = { timeout?: number; maxWait?: number; client?: Db };

const ATTEMPTS = 6;
// a busy error after this long waited out the busy timeout: another process holds the lock for long
const QUICK_FAILURE_MS = 1_000;

function retryable(err: unknown, elapsedMs: number): boolean {
  if ((err as { code?: string } | null)?.code === "P2034") return true;
  const code = databaseErrorCode(err);
  if (code === "40P01" || code === "40001") return true;
  return isSqliteBusy(err) && elapsedMs < QUICK_FAILURE_MS;
}

/** db().$transaction(work, options), retried (a few times, with a short growing pause) when retrying is the cure. */
export async function transaction<T>(work: (tx: Tx) => Promise<T>, options?: Options): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const started = Date.now();
    try {
      const { client, ...limits } = options ?? {};
      return await (client ?? db()).$transaction(work, limits);
    } catch (err) {
      if (attempt >= ATTEMPTS || !retryable(err, Date.now() - started)) throw err;
      await new Promise((r) => setTimeout(r, 5 * 2 ** attempt + Math.random() * 10));
    }
  }
}
