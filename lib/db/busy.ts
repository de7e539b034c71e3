// SQLite's "database is locked" (SQLITE_BUSY, SQLITE_BUSY_SNAPSHOT, ...), however it reaches us: from
// better-sqlite3 directly (err.code), through Prisma's driver adapter (the cause's originalCode), or
// only in the message. Answered at once, without waiting the busy timeout, when a transaction that
// has read cannot start writing because another connection wrote meanwhile: trying the whole
// transaction again is the cure (lib/db/transaction.ts, lib/bootstrap.ts).
type ErrorShape = { code?: unknown; message?: unknown; cause?: { originalCode?: unknown }; meta?: { driverAdapterError?: { cause?: { originalCode?: unknown } } } };

/** The database-specific code of an error: better-sqlite3's or PostgreSQL's, through Prisma's adapter too. */
export function databaseErrorCode(err: unknown): string {
  const e = err as ErrorShape | null | undefined;
  const code = e?.meta?.driverAdapterError?.cause?.originalCode ?? e?.cause?.originalCode ?? e?.code;
  return typeof code === "string" ? code : "";
}

export function isSqliteBusy(err: unknown): boolean {
  return databaseErrorCode(err).startsWith("SQLITE_BUSY") || /database is locked|SQLITE_BUSY/i.test(String((err as ErrorShape | null)?.message ?? ""));
}
