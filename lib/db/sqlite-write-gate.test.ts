// Two real connections to one SQLite file: the delivery engine's raw handle holds the write lock in an
// interactive transaction (a fan-out) while Prisma's connection writes. Before the gate, Prisma's write
// waited in SQLite's busy handler, synchronously, on the event loop the fan-out needed: the process froze
// for the 10 s busy timeout, then the write failed with "database is locked" (recordAudit after an
// activation, as CI saw). Now every Prisma write waits for the fan-out without holding the loop.
// And Prisma's own interactive transactions share its one connection: a statement from elsewhere ran
// inside an open one (rolled back with it after reporting success, or failing with its SQLITE_BUSY).
import { describe, expect, it } from "vitest";
import { recordAudit } from "../auth/audit";
import { env } from "../env";
import { db } from "./index";
import { tableName } from "./bulk-insert";
import { rawDb } from "./raw";
import { SqlParams } from "./raw-sql";
import { transaction } from "./transaction";

const onSqlite = env().database.provider === "sqlite";

/** a fan-out on the raw handle: 200 writes in one transaction, letting the event loop turn now and then */
function fanOut(userId: string) {
  return rawDb(db()).interactive(async (tx) => {
    for (let i = 0; i < 200; i++) {
      const p = new SqlParams();
      await tx.run(`UPDATE ${tableName("User")} SET "email" = ${p.add("text", `fan${i}@example.com`)} WHERE "id" = ${p.add("text", userId)}`, p.values);
      if (i % 50 === 0) await new Promise((r) => setTimeout(r, 5));
    }
  });
}

/** counts turns of the event loop while `work` runs */
async function loopTurnsDuring<T>(work: () => Promise<T>): Promise<{ result: T; turns: number; ms: number }> {
  let turns = 0;
  const timer = setInterval(() => turns++, 2);
  const started = Date.now();
  try {
    const result = await work();
    return { result, turns, ms: Date.now() - started };
  } finally {
    clearInterval(timer);
  }
}

describe.skipIf(!onSqlite)("Prisma's writes beside the raw handle's open write transaction (SQLite)", () => {
  it("a plain create, an update, recordAudit and a transaction all wait for the fan-out, with the loop turning, and land", async () => {
    await db().user.createMany({ data: [{ id: "gate-fan", attributes: {} }, { id: "gate-api", attributes: {} }] });
    const { ms, turns } = await loopTurnsDuring(async () => {
      const fan = fanOut("gate-fan");
      // started while the fan-out holds the write lock (it took it synchronously in interactive())
      await Promise.all([
        fan,
        db().auditLog.create({ data: { actor: "gate@example.com", action: "gate.plain" } }),
        db().user.update({ where: { id: "gate-api" }, data: { email: "api@example.com" } }),
        recordAudit({ actor: "gate@example.com", action: "gate.recorded" }),
        transaction(async (tx) => {
          await tx.user.findUniqueOrThrow({ where: { id: "gate-api" } });
          await tx.user.update({ where: { id: "gate-api" }, data: { timezone: "Europe/Paris" } });
        }),
      ]);
    });
    // before: 10 s frozen (no turn of the loop), then SQLITE_BUSY
    expect(ms).toBeLessThan(3_000);
    expect(turns).toBeGreaterThan(2);
    expect((await db().auditLog.findMany({ where: { action: { startsWith: "gate." } }, orderBy: { action: "asc" } })).map((a) => a.action)).toEqual(["gate.plain", "gate.recorded"]);
    expect(await db().user.findUniqueOrThrow({ where: { id: "gate-api" } })).toMatchObject({ email: "api@example.com", timezone: "Europe/Paris" });
    expect((await db().user.findUniqueOrThrow({ where: { id: "gate-fan" } })).email).toBe("fan199@example.com");
  });

  it("reads do not wait for the fan-out (WAL: a reader never blocks), and see what was committed before it", async () => {
    await db().user.create({ data: { id: "gate-read", email: "before@example.com", attributes: {} } });
    let readDone = false;
    const fan = rawDb(db()).interactive(async (tx) => {
      const p = new SqlParams();
      await tx.run(`UPDATE ${tableName("User")} SET "email" = ${p.add("text", "during@example.com")} WHERE "id" = ${p.add("text", "gate-read")}`, p.values);
      // the read below finishes while this transaction is still open
      for (let i = 0; i < 100 && !readDone; i++) await new Promise((r) => setTimeout(r, 5));
    });
    const read = await db().user.findUniqueOrThrow({ where: { id: "gate-read" } });
    readDone = true;
    expect(read.email).toBe("before@example.com");
    await fan;
    expect((await db().user.findUniqueOrThrow({ where: { id: "gate-read" } })).email).toBe("during@example.com");
  });

  it("a write made elsewhere while a Prisma transaction is open is not rolled back with it", async () => {
    const rolledBack = db().$transaction(async (tx) => {
      await tx.setting.findFirst();
      await new Promise((r) => setTimeout(r, 50));
      await tx.setting.create({ data: { key: "gate-in-tx", value: "1" } });
      throw new Error("the save fails");
    });
    await new Promise((r) => setTimeout(r, 10));
    // before: "succeeded" inside the open transaction, then vanished with its rollback
    await db().auditLog.create({ data: { actor: "gate@example.com", action: "gate.outside" } });
    await expect(rolledBack).rejects.toThrow("the save fails");
    expect(await db().auditLog.count({ where: { action: "gate.outside" } })).toBe(1);
    expect(await db().setting.count({ where: { key: "gate-in-tx" } })).toBe(0);
  });

  it("a write made elsewhere while a Prisma transaction is open does not meet that transaction's stale snapshot", async () => {
    await db().user.createMany({ data: [{ id: "gate-snap-a", attributes: {} }, { id: "gate-snap-b", attributes: {} }] });
    let engineCommitted = false;
    const saving = transaction(async (tx) => {
      await tx.user.findUniqueOrThrow({ where: { id: "gate-snap-a" } });
      if (!engineCommitted) {
        // the engine's raw handle commits after this transaction's read: its snapshot is stale
        const p = new SqlParams();
        await rawDb(db()).transaction([{ sql: `UPDATE ${tableName("User")} SET "email" = ${p.add("text", "engine@example.com")} WHERE "id" = ${p.add("text", "gate-snap-b")}`, values: p.values }]);
        engineCommitted = true;
      }
      await new Promise((r) => setTimeout(r, 50));
      await tx.user.update({ where: { id: "gate-snap-a" }, data: { email: "save@example.com" } });
    });
    await new Promise((r) => setTimeout(r, 10));
    // before: "database is locked": it ran inside the transaction whose snapshot is stale
    await recordAudit({ actor: "gate@example.com", action: "gate.snapshot" });
    await db().auditLog.create({ data: { actor: "gate@example.com", action: "gate.snapshot-plain" } });
    await saving;
    expect(await db().auditLog.count({ where: { action: { startsWith: "gate.snapshot" } } })).toBe(2);
    expect((await db().user.findUniqueOrThrow({ where: { id: "gate-snap-a" } })).email).toBe("save@example.com");
  });
});
