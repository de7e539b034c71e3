// Whether the database is behind this version's migrations, checked once when the web server starts.
// `npm start` applies them first (scripts/prepare.ts); a bare `next start` on a fresh data directory
// did not, and every page was a bare 500 while the engine logged "could not reach the database"
// (Prisma's P2021, a table missing) every few seconds without ever saying to run the migrations.
import { env } from "../env";
import { db } from ".";
import { databaseErrorCode } from "./busy";
import { tableName } from "./bulk-insert";
import { readMigrations } from "./migrate";
import { rawDb } from "./raw";

export type MigrationsBehind = { pending: string[]; noTables: boolean };

// SQLite: "no such table"; PostgreSQL: 42P01 "relation … does not exist"; Prisma: P2021
function isMissingTable(err: unknown): boolean {
  const code = databaseErrorCode(err);
  return code === "42P01" || code === "P2021" || /no such table|relation .* does not exist|42P01|P2021/i.test(String((err as Error)?.message ?? err));
}

/**
 * The migrations this version has that the database has not applied (none: up to date); null when
 * the database cannot be read at all (unreachable, refused: the engine's own log says so).
 */
export async function migrationsBehind(): Promise<MigrationsBehind | null> {
  let known: string[];
  try {
    known = readMigrations(env().database.provider).map((m) => m.name);
  } catch {
    return null; // started from another directory than the app's: the migrations cannot be read, so nothing is said of them
  }
  let applied: Set<string>;
  try {
    const rows = await rawDb(db()).query<{ name: string }>(`SELECT "name" FROM ${tableName("_hookline_migrations")}`, []);
    applied = new Set(rows.map((r) => r.name));
  } catch (err) {
    if (!isMissingTable(err)) return null;
    applied = new Set();
  }
  return { pending: known.filter((name) => !applied.has(name)), noTables: applied.size === 0 };
}

/** The one sentence the log and every page say when migrations are pending; null when none is. */
export function migrationsBehindSentence(state: MigrationsBehind | null): string | null {
  if (!state?.pending.length) return null;
  const fix = "run `npm start` (it applies the migrations before it serves) or `npm run migrate`, then start the server again.";
  if (state.noTables) return `The database has no tables: ${fix}`;
  return `The database is ${state.pending.length === 1 ? "1 migration" : `${state.pending.length} migrations`} behind this version of Hookline: ${fix}`;
}
