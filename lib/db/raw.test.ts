import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { env } from "../env";
import { db } from "./index";
import { rawDb } from "./raw";
import { tableName } from "./bulk-insert";
import { SqlParams } from "./raw-sql";
import { markedSql } from "./dialect";

const sqlite = env().database.provider === "sqlite";

describe.skipIf(!sqlite)("rawDb on SQLite", () => {
  it("waits for another connection's write lock without blocking the event loop, then writes", async () => {
    const config = env().database as { file: string };
    const other = new Database(config.file);
    other.prepare(`BEGIN IMMEDIATE`).run();
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 5);
    const write = rawDb(db()).transaction([{ sql: `INSERT INTO "Setting" ("key", "value") VALUES (?, ?)`, values: ["raw-test", "1"] }]);
    await new Promise((r) => setTimeout(r, 200));
    // still waiting, and the loop kept turning meanwhile
    expect(ticks).toBeGreaterThan(10);
    other.prepare(`COMMIT`).run();
    other.close();
    expect(await write).toEqual([1]);
    clearInterval(ticker);
    const rows = await rawDb(db()).query<{ value: string }>(`SELECT "value" FROM "Setting" WHERE "key" = ?`, ["raw-test"]);
    expect(rows).toEqual([{ value: "1" }]);
  });
});

describe.skipIf(!sqlite)("Prisma and the raw handle on one SQLite file", () => {
  it("use one SQLite library, so the raw handle waits for a Prisma transaction's write lock (two copies in one process corrupt the file)", async () => {
    // Prisma's adapter must load the very better-sqlite3 the raw handle loads (package.json overrides)
    const { createRequire } = await import("node:module");
    const fromAdapter = createRequire(createRequire(import.meta.url).resolve("@prisma/adapter-better-sqlite3"))("better-sqlite3");
    expect(fromAdapter).toBe(Database);

    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let written!: () => void;
    const prismaWrote = new Promise<void>((r) => (written = r));
    const tx = db().$transaction(async (t) => {
      await t.setting.upsert({ where: { key: "lock-a" }, create: { key: "lock-a", value: "prisma" }, update: { value: "prisma" } });
      written();
      await held;
    }, { timeout: 20_000 });
    await prismaWrote;
    const raw = rawDb(db()).transaction([{ sql: `INSERT INTO "Setting" ("key", "value") VALUES (?, ?)`, values: ["lock-b", "raw"] }]);
    let rawDone = false;
    void raw.then(() => (rawDone = true), () => (rawDone = true));
    await new Promise((r) => setTimeout(r, 300));
    // the Prisma transaction holds the write lock: the raw write waits
    expect(rawDone).toBe(false);
    release();
    await tx;
    expect(await raw).toEqual([1]);
    const rows = await rawDb(db()).query<{ key: string; value: string }>(`SELECT "key", "value" FROM "Setting" WHERE "key" IN ('lock-a', 'lock-b') ORDER BY "key"`, []);
    expect(rows).toEqual([{ key: "lock-a", value: "prisma" }, { key: "lock-b", value: "raw" }]);
    expect(await rawDb(db()).query(`PRAGMA integrity_check`, [])).toEqual([{ integrity_check: "ok" }]);
  });
});

describe.skipIf(!sqlite)("SQLite connections' page cache", () => {
  it("is SQLite's own 2 MB on Prisma's connection, not better-sqlite3's 16 MB, which it filled as the database grew; the raw handle (the engine's) keeps 16 MB", async () => {
    const [prisma] = await db().$queryRawUnsafe<{ cache_size: number | bigint }[]>(`PRAGMA cache_size`);
    expect(Number(prisma.cache_size)).toBe(-2000);
    expect(await rawDb(db()).query(`PRAGMA cache_size`, [])).toEqual([{ cache_size: -16000 }]);
  });
});

describe("rawDb interactive transactions", () => {
  const insert = (key: string) => {
    const p = new SqlParams();
    return { sql: `INSERT INTO ${tableName("Setting")} ("key", "value") VALUES (${p.add("text", key)}, ${p.add("text", "1")})`, values: p.values };
  };
  const keys = async (prefix: string) => {
    const p = new SqlParams();
    const rows = await rawDb(db()).query<{ key: string }>(`SELECT "key" FROM ${tableName("Setting")} WHERE "key" LIKE ${p.add("text", `${prefix}%`)} ORDER BY "key"`, p.values);
    return rows.map((r) => r.key);
  };

  it("commits the work's writes; the handle's other statements meanwhile are not part of it", async () => {
    const raw = rawDb(db());
    let outside: Promise<number[]> | undefined;
    const result = await raw.interactive(async (tx) => {
      const first = insert("commit-a");
      expect(await tx.run(first.sql, first.values)).toBe(1);
      // another caller of the handle (the engine, in the same process) while the transaction is open
      const other = insert("commit-outside");
      outside = raw.transaction([other]);
      const second = insert("commit-b");
      await tx.run(second.sql, second.values);
      return (await tx.query<{ key: string }>(`SELECT "key" FROM ${tableName("Setting")} WHERE "key" LIKE 'commit-%'`, [])).length;
    });
    expect(result).toBeGreaterThanOrEqual(2);
    expect(await outside).toEqual([1]);
    expect(await keys("commit-")).toEqual(["commit-a", "commit-b", "commit-outside"]);
  });

  it("rolls back everything the work wrote when it throws, and nothing written outside it", async () => {
    const raw = rawDb(db());
    let outside: Promise<number[]> | undefined;
    await expect(
      raw.interactive(async (tx) => {
        const first = insert("rollback-a");
        await tx.run(first.sql, first.values);
        outside = raw.transaction([insert("rollback-outside")]);
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    expect(await outside).toEqual([1]);
    expect(await keys("rollback-")).toEqual(["rollback-outside"]);
    // the handle is usable afterwards, for another interactive transaction too
    expect(await raw.interactive(async (tx) => tx.run(insert("rollback-after").sql, insert("rollback-after").values))).toBe(1);
  });
});

describe("rawDb transactions: a statement that only matters when the one before it left rows out", () => {
  const setting = (key: string) => {
    const p = new SqlParams();
    return { sql: `INSERT INTO ${tableName("Setting")} ("key", "value") VALUES (${p.add("text", key)}, ${p.add("text", "1")}) ON CONFLICT DO NOTHING`, values: p.values };
  };
  const count = async (prefix: string) => {
    const p = new SqlParams();
    const rows = await rawDb(db()).query<{ key: string }>(`SELECT "key" FROM ${tableName("Setting")} WHERE "key" LIKE ${p.add("text", `${prefix}%`)}`, p.values);
    return rows.length;
  };

  it("is skipped (0 rows) when the statement before it changed skipIfPreviousChanged rows, and runs when it changed fewer", async () => {
    const raw = rawDb(db());
    // the first insert changes its one row: the second, marked to follow a statement of 1, is skipped
    expect(await raw.transaction([setting("skip-a"), { ...setting("skip-b"), skipIfPreviousChanged: 1 }])).toEqual([1, 0]);
    expect(await count("skip-")).toBe(1);
    // skip-a is there already: the first changes nothing, so the second runs
    expect(await raw.transaction([setting("skip-a"), { ...setting("skip-c"), skipIfPreviousChanged: 1 }])).toEqual([0, 1]);
    expect(await count("skip-")).toBe(2);
  });

  it("on SQLite, is skipped unless a row of the statement before it met its markedSql condition (PostgreSQL runs it)", async () => {
    const raw = rawDb(db());
    await raw.transaction([setting("mark-seed-1"), setting("mark-seed-2")]);
    // the first statement reads both seeds, changes nothing, and marks (or not) as its condition says
    const reading = (condition: string) => ({ sql: `UPDATE ${tableName("Setting")} SET "value" = "value" WHERE "key" LIKE 'mark-seed-%' AND NOT ${markedSql(condition)}`, values: [] });
    const follows = (key: string) => ({ ...setting(key), onlyIfPreviousMarked: true as const });
    // no row met it: on SQLite the second is skipped; PostgreSQL cannot tell, so it runs
    expect(await raw.transaction([reading(`"key" = 'mark-none'`), follows("mark-a")])).toEqual([2, sqlite ? 0 : 1]);
    expect(await count("mark-a")).toBe(sqlite ? 0 : 1);
    // one row met it: the second runs on both
    expect(await raw.transaction([reading(`"key" = 'mark-seed-2'`), follows("mark-b")])).toEqual([1, 1]);
    expect(await count("mark-b")).toBe(1);
    // the mark is the statement's just before: an earlier statement's does not count
    expect(await raw.transaction([reading(`"key" = 'mark-seed-2'`), reading(`"key" = 'mark-none'`), follows("mark-c")])).toEqual([1, 2, sqlite ? 0 : 1]);
    // a skipped statement marks nothing either
    expect(await raw.transaction([reading(`"key" = 'mark-none'`), { ...reading(`"key" = 'mark-seed-2'`), onlyIfPreviousMarked: true as const }, follows("mark-d")])).toEqual(sqlite ? [2, 0, 0] : [2, 1, 1]);
  });
});
