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
