// Locking the rows a read-then-write transaction will write, before it reads them. Without it, a
// write another connection commits between the read and the write (the delivery engine's raw handle
// saving a response mapping's attributes) is lost or fatal: on PostgreSQL the stale copy read first
// overwrites it; on SQLite a transaction that read before that commit can no longer write at all
// (SQLITE_BUSY_SNAPSHOT: Prisma's transactions begin DEFERRED).
import { tableName } from "./bulk-insert";
import type { DbOrTx } from "./client";
import { prismaProvider } from "./dialect";

/**
 * In a Prisma transaction, before reading `ids` of `table` to write them back: PostgreSQL locks the
 * rows (in id order, as the engine's writes take them, so the two queue instead of deadlocking);
 * SQLite takes the database's write lock, which it has only one of.
 */
export async function lockRowsForWrite(tx: DbOrTx, table: string, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  const target = tableName(table);
  if (prismaProvider() === "sqlite") {
    // a write that matches nothing still begins the write transaction
    await tx.$executeRawUnsafe(`UPDATE ${target} SET "id" = "id" WHERE 0`);
    return;
  }
  const sorted = [...new Set(ids)].sort();
  for (let i = 0; i < sorted.length; i += 1000) {
    const chunk = sorted.slice(i, i + 1000);
    await tx.$executeRawUnsafe(`SELECT 1 FROM ${target} WHERE "id" IN (${chunk.map((_, k) => `$${k + 1}`).join(",")}) ORDER BY "id" FOR UPDATE`, ...chunk);
  }
}
