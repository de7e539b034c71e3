import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { env } from "../env";
import { db } from "./index";
import { rawDb } from "./raw";

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
