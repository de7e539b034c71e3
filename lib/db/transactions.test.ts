// A Prisma transaction that reads, then writes, while the delivery engine's raw handle commits in
// between (it commits a flush every few ms while a campaign sends). SQLite: a deferred transaction
// whose snapshot is older than another connection's commit cannot start writing (SQLITE_BUSY_SNAPSHOT,
// at once): saving a campaign or a member failed while another campaign sent. transaction()
// (lib/db/transaction.ts) runs it again; the event loop is never held waiting for the lock.
import { describe, expect, it } from "vitest";
import { db } from "./index";
import { tableName } from "./bulk-insert";
import { rawDb } from "./raw";
import { SqlParams } from "./raw-sql";
import { transaction } from "./transaction";

describe("a Prisma transaction beside the engine's raw writes", () => {
  it("reads, lets the engine try to commit, writes, and both writes land", async () => {
    await db().user.createMany({ data: [{ id: "snap-a", attributes: {} }, { id: "snap-b", attributes: {} }] });
    let engineWrite: Promise<number[]> | undefined;
    let attempts = 0;
    const ticks = { n: 0 };
    const clock = setInterval(() => ticks.n++, 5);
    await transaction(async (tx) => {
      attempts++;
      await tx.user.findUniqueOrThrow({ where: { id: "snap-a" } });
      const p = new SqlParams();
      // the engine commits once, between this first attempt's read and its write
      engineWrite ??= rawDb(db()).transaction([{ sql: `UPDATE ${tableName("User")} SET "email" = ${p.add("text", "engine@example.com")} WHERE "id" = ${p.add("text", "snap-b")}`, values: p.values }]);
      // a later turn of the event loop: the engine's write has run (or is waiting for this one)
      await new Promise((r) => setTimeout(r, 30));
      await tx.user.update({ where: { id: "snap-a" }, data: { email: "api@example.com" } });
    });
    clearInterval(clock);
    expect(await engineWrite).toEqual([1]);
    // SQLite: the first attempt could not write and was run again; PostgreSQL: one attempt
    expect(attempts).toBeGreaterThanOrEqual(1);
    expect(attempts).toBeLessThanOrEqual(2);
    // the event loop kept turning meanwhile (nothing waited for a lock synchronously)
    expect(ticks.n).toBeGreaterThan(3);
    const users = await db().user.findMany({ where: { id: { startsWith: "snap-" } }, orderBy: { id: "asc" } });
    expect(users.map((u) => u.email)).toEqual(["api@example.com", "engine@example.com"]);
  });

  it("beside a fan-out on the raw handle (awaiting between its statements), finishes at once, and so does the next one", async () => {
    await db().user.createMany({ data: [{ id: "fan-a", attributes: {} }, { id: "fan-b", attributes: {} }] });
    const started = Date.now();
    const fanOut = rawDb(db()).interactive(async (tx) => {
      for (let i = 0; i < 200; i++) {
        const p = new SqlParams();
        await tx.run(`UPDATE ${tableName("User")} SET "email" = ${p.add("text", `fan${i}@example.com`)} WHERE "id" = ${p.add("text", "fan-b")}`, p.values);
      }
    });
    const save = transaction(async (tx) => {
      await tx.user.findUniqueOrThrow({ where: { id: "fan-a" } });
      await tx.user.update({ where: { id: "fan-a" }, data: { email: "save@example.com" } });
    });
    await Promise.all([fanOut, save]);
    await transaction((tx) => tx.user.update({ where: { id: "fan-a" }, data: { timezone: "Europe/Paris" } }));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await db().user.findUniqueOrThrow({ where: { id: "fan-a" } })).toMatchObject({ email: "save@example.com", timezone: "Europe/Paris" });
    expect((await db().user.findUniqueOrThrow({ where: { id: "fan-b" } })).email).toBe("fan199@example.com");
  });
});
