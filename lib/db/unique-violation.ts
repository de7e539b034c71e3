// A write refused by a unique key or primary key, however it reaches us: Prisma's P2002, or the
// driver's own code through the raw handle (better-sqlite3's SQLITE_CONSTRAINT_PRIMARYKEY or
// _UNIQUE, PostgreSQL's 23505).
import { databaseErrorCode } from "./busy";

export function isUniqueViolation(err: unknown): boolean {
  // Prisma's own code first: databaseErrorCode prefers the driver's, which a P2002 also carries
  if ((err as { code?: unknown } | null)?.code === "P2002") return true;
  const code = databaseErrorCode(err);
  return code === "23505" || code === "SQLITE_CONSTRAINT_PRIMARYKEY" || code === "SQLITE_CONSTRAINT_UNIQUE";
}

/**
 * A write refused by a foreign key (the row it references is gone: deleted by another connection
 * after this one read it): Prisma's P2003, PostgreSQL's 23503, better-sqlite3's SQLITE_CONSTRAINT_FOREIGNKEY.
 */
export function isForeignKeyViolation(err: unknown): boolean {
  if ((err as { code?: unknown } | null)?.code === "P2003") return true;
  const code = databaseErrorCode(err);
  return code === "23503" || code === "SQLITE_CONSTRAINT_FOREIGNKEY";
}
