import { cpSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { env } from "@/lib/env";
import { applyMigrations, readMigrations } from "@/lib/db/migrate";
import { db } from "@/lib/db";

describe("migrations", () => {
  it("apply once, then are up to date, and the model works", async () => {
    expect(readMigrations(env().database.provider).length).toBeGreaterThan(0);
    expect(await applyMigrations(env().database)).toEqual([]);
    await db().user.create({ data: { id: "m1", attributes: { a: 1 } } });
    expect((await db().user.findUniqueOrThrow({ where: { id: "m1" } })).attributes).toEqual({ a: 1 });
  });

  it("both databases have the same migrations", () => {
    const names = (p: "sqlite" | "postgresql") => readMigrations(p).map((m) => m.name);
    expect(names("postgresql")).toEqual(names("sqlite"));
  });
});

// SQLite ignores PRAGMA foreign_keys inside a transaction, and the migrator applies each run in one
// with foreign keys on: a migration that redefines "Campaign" (create new_Campaign, copy, DROP TABLE,
// rename) deleted every webhook by cascade on upgrade. A database with rows, brought up to date from
// before the first such migration, keeps them.
describe("migrations on a SQLite database with data", () => {
  it("an upgrade across the migrations that redefine tables loses no row", async () => {
    const all = readMigrations("sqlite");
    const first = all.findIndex((m) => m.sql.includes('DROP TABLE "Campaign"'));
    expect(first).toBeGreaterThan(0);
    const dir = mkdtempSync(path.join(os.tmpdir(), "hookline-upgrade-"));
    try {
      const older = path.join(dir, "older");
      for (const m of all.slice(0, first)) cpSync(path.join(process.cwd(), "prisma", "migrations", "sqlite", m.name), path.join(older, "prisma", "migrations", "sqlite", m.name), { recursive: true });
      const config = { provider: "sqlite" as const, file: path.join(dir, "hookline.db") };
      expect(await applyMigrations(config as Parameters<typeof applyMigrations>[0], older)).toHaveLength(first);
      const sqlite = new Database(config.file);
      const now = new Date().toISOString();
      sqlite.prepare(`INSERT INTO "Campaign" ("id", "name", "deliveryRule", "updatedAt") VALUES ('c1', 'Kept', '{"when":"immediate"}', ?)`).run(now);
      sqlite.prepare(`INSERT INTO "Action" ("id", "campaignId", "urlTemplate", "fields", "headers", "updatedAt") VALUES ('a1', 'c1', 'https://example.com/hook', '[]', '[]', ?)`).run(now);
      sqlite.close();

      expect(await applyMigrations(config as Parameters<typeof applyMigrations>[0])).toHaveLength(all.length - first);
      const after = new Database(config.file, { readonly: true });
      try {
        expect(after.prepare(`SELECT "id", "name", "version" FROM "Campaign"`).all()).toEqual([{ id: "c1", name: "Kept", version: 1 }]);
        expect(after.prepare(`SELECT "id", "campaignId", "urlTemplate" FROM "Action"`).all()).toEqual([{ id: "a1", campaignId: "c1", urlTemplate: "https://example.com/hook" }]);
        expect(after.pragma("foreign_key_check")).toEqual([]);
      } finally {
        after.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
