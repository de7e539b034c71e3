// The migration that moved "who set this attribute" from the UserAttributeSource table onto the user
// row (User.attributeSources) carries the existing rows over, on the database this run uses: a second
// database is migrated up to the migration before, given sources, then migrated to the end.
import { cpSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { env, type DatabaseConfig } from "@/lib/env";
import { applyMigrations, migrationsDir, readMigrations } from "@/lib/db/migrate";
import { dropTestDatabase } from "./database-env";

const MIGRATION = "20261203155420_attribute_sources_on_user";

function otherDatabase(): DatabaseConfig {
  const config = env().database;
  if (config.provider === "sqlite") return { provider: "sqlite", file: path.join(mkdtempSync(path.join(os.tmpdir(), "hookline-up-")), "hookline.db") };
  return { ...config, schema: `${config.schema}_up` };
}
const database = otherDatabase();
afterAll(() => dropTestDatabase(database));

/** Runs `statements` ([sql, values]) on the database; the rows of the last one. */
async function run(statements: [string, unknown[]][]): Promise<Record<string, unknown>[]> {
  if (database.provider === "sqlite") {
    const { default: Database } = await import("better-sqlite3");
    const sqlite = new Database(database.file);
    try {
      let rows: Record<string, unknown>[] = [];
      for (const [sql, values] of statements) {
        const statement = sqlite.prepare(sql);
        if (statement.reader) rows = statement.all(...values) as Record<string, unknown>[];
        else statement.run(...values);
      }
      return rows;
    } finally {
      sqlite.close();
    }
  }
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    await client.query(`SET search_path TO "${database.schema}"`);
    let rows: Record<string, unknown>[] = [];
    for (const [sql, values] of statements) rows = (await client.query(sql, values)).rows;
    return rows;
  } finally {
    await client.end();
  }
}

describe("migration " + MIGRATION, () => {
  it("carries every UserAttributeSource row over into User.attributeSources, then drops the table", async () => {
    const provider = database.provider;
    const before = mkdtempSync(path.join(os.tmpdir(), "hookline-migrations-"));
    for (const m of readMigrations(provider)) {
      if (m.name >= MIGRATION) continue;
      cpSync(path.join(migrationsDir(provider), m.name), path.join(migrationsDir(provider, before), m.name), { recursive: true });
    }
    await applyMigrations(database, before);

    const sqlite = provider === "sqlite";
    // "?" placeholders, numbered for PostgreSQL
    const q = (sql: string) => {
      let n = 0;
      return sqlite ? sql : sql.replace(/\?/g, () => `$${++n}`);
    };
    // setAt as Prisma writes it (ISO text on SQLite, timestamp(3) on PostgreSQL), and as epoch ms on SQLite
    const setAt = sqlite ? "2026-12-02T09:20:00.123+00:00" : "2026-12-02 09:20:00.123";
    await run([
      [q(`INSERT INTO "User" ("id", "attributes", "createdAt", "updatedAt") VALUES (?, ?, ?, ?), (?, ?, ?, ?), (?, ?, ?, ?)`),
        ["u1", '{"crmId":"c-1","score":3,"plan":"pro"}', setAt, setAt, "u2", '{"crmId":"c-2"}', setAt, setAt, "u3", '{"plan":"free"}', setAt, setAt]],
      [q(`INSERT INTO "UserAttributeSource" ("userId", "attribute", "campaignId", "actionId", "deliveryId", "setAt") VALUES (?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?)`),
        ["u1", "crmId", "camp1", "act1", "d1", setAt, "u1", "score", "camp1", "act1", "d1", setAt, "u2", "crmId", "camp2", "act2", "d2", sqlite ? Date.parse("2026-12-01T08:00:00.000Z") : "2026-12-01 08:00:00.000"]],
    ]);

    expect(await applyMigrations(database)).toContain(MIGRATION);
    const rows = await run([[`SELECT "id", "attributeSources" FROM "User" ORDER BY "id"`, []]]);
    const sources = Object.fromEntries(rows.map((r) => [r.id, typeof r.attributeSources === "string" ? JSON.parse(r.attributeSources) : r.attributeSources]));
    const first = ["camp1", "act1", "d1", "2026-12-02T09:20:00.123Z"];
    expect(sources).toEqual({
      u1: { crmId: first, score: first },
      u2: { crmId: ["camp2", "act2", "d2", "2026-12-01T08:00:00.000Z"] },
      u3: null,
    });
    const tables = sqlite
      ? await run([[`SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'UserAttributeSource'`, []]])
      : await run([[`SELECT tablename FROM pg_tables WHERE schemaname = $1 AND tablename = 'UserAttributeSource'`, [database.schema]]]);
    expect(tables).toEqual([]);
  });
});
