import { statSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { db } from "./index";
import { rawDb } from "./raw";
import { prismaProvider } from "./dialect";
import { env } from "../env";

describe("the SQLite checkpoint thread", () => {
  it.runIf(prismaProvider() === "sqlite")("keeps the write-ahead log small while the raw handle's commits leave it to the thread", async () => {
    const raw = rawDb(db());
    const deadline = Date.now() + 10_000;
    while (raw.walCheckpoints !== "thread" && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    // the handle's own commits checkpoint only past 10,000 pages (wal_autocheckpoint), over this test's 32 MiB
    expect(raw.walCheckpoints).toBe("thread");
    await raw.transaction([{ sql: `CREATE TABLE IF NOT EXISTS "_checkpoint_test" ("x" TEXT)`, values: [] }]);
    // 32 MiB through the log in 160 commits: without a checkpoint the log would hold all of it
    const row = "x".repeat(4096);
    for (let i = 0; i < 160; i++) {
      await raw.transaction([{ sql: `INSERT INTO "_checkpoint_test" ("x") SELECT ? || value FROM json_each(?)`, values: [row, JSON.stringify(Array.from({ length: 50 }, (_, k) => k))] }]);
      await new Promise((r) => setTimeout(r, 5));
    }
    const file = (env().database as { file: string }).file;
    expect(statSync(`${file}-wal`).size).toBeLessThan(20 * 1024 * 1024);
    await raw.transaction([{ sql: `DROP TABLE "_checkpoint_test"`, values: [] }]);
  });
});
