// Applies prisma/migrations/<provider>/*/migration.sql in order, offline, on both databases.
// Prisma's WASM schema engine cannot deploy to PostgreSQL here, so Hookline applies the SQL that
// `prisma migrate diff` generated itself: each migration in its own transaction, recorded with a
// checksum in _hookline_migrations, under a lock so many processes may start at once.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { DatabaseConfig } from "../env";
import { prepareSqliteFile } from "./file-modes";

export type Migration = { name: string; sql: string; checksum: string };

export function migrationsDir(provider: DatabaseConfig["provider"], root = process.cwd()) {
  return path.join(root, "prisma", "migrations", provider);
}

export function readMigrations(provider: DatabaseConfig["provider"], root?: string): Migration[] {
  const dir = migrationsDir(provider, root);
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(dir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

export class MigrationError extends Error {}

function checkApplied(applied: Map<string, string>, migrations: Migration[]) {
  for (const [name, checksum] of applied) {
    const m = migrations.find((x) => x.name === name);
    if (!m) throw new MigrationError(`The database has migration ${name}, which this version of Hookline does not know. Is it older than the database?`);
    if (m.checksum !== checksum) throw new MigrationError(`Migration ${name} was changed after it was applied (checksum mismatch).`);
  }
}

/** Brings the database up to date; returns the names of the migrations it applied. */
export async function applyMigrations(config: DatabaseConfig, root?: string): Promise<string[]> {
  const migrations = readMigrations(config.provider, root);
  return config.provider === "sqlite" ? applySqlite(config.file, migrations) : applyPostgres(config, migrations);
}

async function applySqlite(file: string, migrations: Migration[]): Promise<string[]> {
  const { default: Database } = await import("better-sqlite3");
  prepareSqliteFile(file);
  const sqlite = new Database(file, { timeout: 10_000 });
  try {
    sqlite.pragma("journal_mode = WAL");
    sqlite.exec(`CREATE TABLE IF NOT EXISTS "_hookline_migrations" (
      "name" TEXT PRIMARY KEY, "checksum" TEXT NOT NULL, "applied_at" TEXT NOT NULL)`);
    const done: string[] = [];
    // A migration that redefines a table (Prisma's SQLite "RedefineTables": create new_X, copy, DROP TABLE X,
    // rename) turns foreign keys off in its own SQL, but SQLite ignores that PRAGMA inside a transaction,
    // and better-sqlite3 opens with them on: DROP TABLE "Campaign" deleted every webhook, delivery and
    // attempt by cascade. So they are off for the whole run, set before BEGIN, and checked before COMMIT:
    // a migration that leaves a dangling reference is rolled back whole.
    sqlite.pragma("foreign_keys = OFF");
    // BEGIN IMMEDIATE takes the write lock, so two processes cannot apply the same migration.
    const run = sqlite.transaction(() => {
      const rows = sqlite.prepare(`SELECT name, checksum FROM "_hookline_migrations"`).all() as { name: string; checksum: string }[];
      const applied = new Map(rows.map((r) => [r.name, r.checksum]));
      checkApplied(applied, migrations);
      for (const m of migrations) {
        if (applied.has(m.name)) continue;
        sqlite.exec(m.sql);
        sqlite.prepare(`INSERT INTO "_hookline_migrations" (name, checksum, applied_at) VALUES (?, ?, ?)`).run(m.name, m.checksum, new Date().toISOString());
        done.push(m.name);
      }
      const dangling = sqlite.pragma("foreign_key_check") as { table: string; parent: string }[];
      if (dangling.length) {
        const first = dangling[0]!;
        throw new MigrationError(`Migrating left ${dangling.length} row(s) of ${first.table} pointing at no ${first.parent}: nothing was applied`);
      }
    });
    run.immediate();
    return done;
  } finally {
    sqlite.close();
  }
}

async function applyPostgres(config: Extract<DatabaseConfig, { provider: "postgresql" }>, migrations: Migration[]) {
  const { default: pg } = await import("pg");
  // a server behind a firewall that drops packets would hold a start for the OS's TCP timeout (minutes)
  const client = new pg.Client({ connectionString: config.url, connectionTimeoutMillis: 15_000 });
  await client.connect();
  const schema = `"${config.schema.replaceAll('"', '""')}"`;
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(`SET search_path TO ${schema}`);
    // One lock per schema: concurrent starts wait for each other instead of racing.
    await client.query(`SELECT pg_advisory_lock(hashtext($1))`, [`hookline-migrate:${config.schema}`]);
    await client.query(`CREATE TABLE IF NOT EXISTS "_hookline_migrations" (
      "name" TEXT PRIMARY KEY, "checksum" TEXT NOT NULL, "applied_at" TIMESTAMPTZ NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ name: string; checksum: string }>(`SELECT name, checksum FROM "_hookline_migrations"`);
    const applied = new Map(rows.map((r) => [r.name, r.checksum]));
    checkApplied(applied, migrations);
    const done: string[] = [];
    for (const m of migrations) {
      if (applied.has(m.name)) continue;
      await client.query("BEGIN");
      try {
        await client.query(m.sql);
        await client.query(`INSERT INTO "_hookline_migrations" (name, checksum) VALUES ($1, $2)`, [m.name, m.checksum]);
        await client.query("COMMIT");
      } catch (err) {
        await client.query("ROLLBACK");
        throw new MigrationError(`Migration ${m.name} failed: ${(err as Error).message}`);
      }
      done.push(m.name);
    }
    return done;
  } finally {
    await client.query(`SELECT pg_advisory_unlock_all()`).catch(() => {});
    await client.end();
  }
}
