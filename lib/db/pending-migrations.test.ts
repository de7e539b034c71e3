// A bare `next start` on a database without its tables: the one sentence the log and the pages say,
// read from the real database (SQLite file or PostgreSQL schema of this test file).
import { describe, expect, it } from "vitest";
import { env } from "../env";
import { db } from ".";
import { tableName } from "./bulk-insert";
import { readMigrations } from "./migrate";
import { migrationsBehind, migrationsBehindSentence } from "./pending-migrations";

describe("migrationsBehind", () => {
  it("is nothing on a migrated database, names the migrations not applied, and says 'no tables' when none is", async () => {
    expect(await migrationsBehind()).toEqual({ pending: [], noTables: false });
    expect(migrationsBehindSentence(await migrationsBehind())).toBeNull();

    const last = readMigrations(env().database.provider).at(-1)!.name;
    await db().$executeRawUnsafe(`DELETE FROM ${tableName("_hookline_migrations")} WHERE "name" = '${last}'`);
    expect(await migrationsBehind()).toEqual({ pending: [last], noTables: false });
    expect(migrationsBehindSentence(await migrationsBehind())).toBe(
      "The database is 1 migration behind this version of Hookline: run `npm start` (it applies the migrations before it serves) or `npm run migrate`, then start the server again.",
    );

    await db().$executeRawUnsafe(`DROP TABLE ${tableName("_hookline_migrations")}`);
    const none = await migrationsBehind();
    expect(none?.noTables).toBe(true);
    expect(none?.pending.length).toBe(readMigrations(env().database.provider).length);
    expect(migrationsBehindSentence(none)).toMatch(/^The database has no tables: run `npm start` .* or `npm run migrate`/);
  });
});
