// A Prisma transaction that reads, then writes, while the delivery engine's raw handle commits in
// between (it commits a flush every few ms while a campaign sends). SQLite: Prisma's adapter began
// transactions DEFERRED, and a transaction whose snapshot is older than another connection's commit
// cannot start writing (SQLITE_BUSY_SNAPSHOT, without waiting): saving a campaign or a member failed
// while another campaign sent. They now begin IMMEDIATE (lib/db/client.ts); the engine's write waits.
import { describe, expect, it } from "vitest";
import { db } from "./index";
import { tableName } from "./bulk-insert";
import { rawDb } from "./raw";
import { SqlParams } from "./raw-sql";

describe("a Prisma transaction beside the engine's raw writes", () => {
  it("reads, lets the engine try to commit, writes, and both writes land", async () => {
    await db().user.createMany({ data: [{ id: "snap-a", attributes: {} }, { id: "snap-b", attributes: {} }] });
    let engineWrite: Promise<number[]> | undefined;
    await db().$transaction(async (tx) => {
      await tx.user.findUniqueOrThrow({ where: { id: "snap-a" } });
      const p = new SqlParams();
      engineWrite = rawDb(db()).transaction([{ sql: `UPDATE ${tableName("User")} SET "email" = ${p.add("text", "engine@example.com")} WHERE "id" = ${p.add("text", "snap-b")}`, values: p.values }]);
      // a later turn of the event loop: the engine's write has run (or is waiting for this one)
      await new Promise((r) => setTimeout(r, 30));
      await tx.user.update({ where: { id: "snap-a" }, data: { email: "api@example.com" } });
    });
    expect(await engineWrite).toEqual([1]);
    const users = await db().user.findMany({ where: { id: { startsWith: "snap-" } }, orderBy: { id: "asc" } });
    expect(users.map((u) => u.email)).toEqual(["api@example.com", "engine@example.com"]);
  });
});
