// A write refused by a unique key or primary key, however it reaches us: Prisma's P2002, or the
// driver's own code through the raw handle (better-sqlite3's SQLITE_CONSTRAINT_PRIMARYKEY or
// _UNIQUE, PostgreSQL's 23505).
import { databaseErrorCode } from "./busy";

export function isUniqueViolation(err: unknown): boolean {
  const code = databaseErrorCode(err);
  return code === "P2002" || code === "23505" || code === "SQLITE_CONSTRAINT_PRIMARYKEY" || code === "SQLITE_CONSTRAINT_UNIQUE";
}
