// Locking the rows a read-then-write transaction will write, before it reads them. Without it, on
// PostgreSQL a write another connection commits between the read and the write (the delivery
// engine's raw handle saving a response mapping's attributes) is overwritten by the stale copy read
// first. On SQLite such a transaction cannot write at all once another connection committed after its
// read (SQLITE_BUSY_SNAPSHOT): lib/db/transaction.ts runs it again.
import { tableName } from "./bulk-insert";
import type { DbOrTx } from "./client";
import { prismaProvider } from "./dialect";

/**
 * In a Prisma transaction (lib/db/transaction.ts), before reading `ids` of `table` to write them back:
 * PostgreSQL locks the rows, in id order (two upserts queue instead of deadlocking; an engine flush
 * takes its users in the order of its plan, so a deadlock with one stays possible, and is retried).
 */
export async function lockRowsForWrite(tx: DbOrTx, table: string, ids: readonly string[]): Promise<void> {
  if (ids.length === 0 || prismaProvider() === "sqlite") return;
  const target = tableName(table);
  const sorted = [...new Set(ids)].sort();
  for (let i = 0; i < sorted.length; i += 1000) {
    const chunk = sorted.slice(i, i + 1000);
    await tx.$executeRawUnsafe(`SELECT 1 FROM ${target} WHERE "id" IN (${chunk.map((_, k) => `$${k + 1}`).join(",")}) ORDER BY "id" COLLATE "C" FOR UPDATE`, ...chunk);
  }
}

/**
 * In a Prisma transaction, before reading what decides a write to one row (a campaign finishing, a
 * retry reopening it): PostgreSQL locks the row against other such writers with FOR NO KEY UPDATE,
 * which a row inserted elsewhere that references it (FOR KEY SHARE, a fan-out's delivery) does not
 * wait for. With `skipIfLocked` it gives up at once when another transaction holds the row (false):
 * the caller leaves it for later. SQLite serialises writers: true.
 */
export async function lockRowForUpdate(tx: DbOrTx, table: string, id: string, options: { skipIfLocked?: boolean } = {}): Promise<boolean> {
  if (prismaProvider() === "sqlite") return true;
  const rows = await tx.$queryRawUnsafe<unknown[]>(`SELECT 1 FROM ${tableName(table)} WHERE "id" = $1 FOR NO KEY UPDATE${options.skipIfLocked ? " SKIP LOCKED" : ""}`, id);
  return rows.length > 0;
}

/**
 * In a Prisma transaction, before checking that nothing references a row and then deleting it (a
 * webhook without deliveries): PostgreSQL locks it FOR UPDATE, which waits for every transaction that
 * inserted a row referencing it (their FOREIGN KEY check holds FOR KEY SHARE) and makes every later
 * one wait for this one. Under READ COMMITTED the check then sees what they committed, and a row
 * inserted after it fails its FOREIGN KEY check once the delete commits (isForeignKeyViolation: its
 * writer plans again) instead of being deleted with it (cascade). False: the row is gone. SQLite
 * serialises writers: true.
 */
export async function lockRowForDelete(tx: DbOrTx, table: string, id: string): Promise<boolean> {
  if (prismaProvider() === "sqlite") return true;
  const rows = await tx.$queryRawUnsafe<unknown[]>(`SELECT 1 FROM ${tableName(table)} WHERE "id" = $1 FOR UPDATE`, id);
  return rows.length > 0;
}
