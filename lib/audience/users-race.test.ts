// A user upsert (POST /api/v1/users, an import) running while the delivery engine saves response
// mappings to the same users (lib/delivery/store/attribute-writes.ts, on the raw handle) keeps both:
// no mapped attribute is overwritten by a copy the upsert read before (PostgreSQL), and the upsert
// does not fail because the engine wrote after it read (SQLite: SQLITE_BUSY_SNAPSHOT).
import { describe, expect, it } from "vitest";
import { db } from "../db";
import { tableName } from "../db/bulk-insert";
import { jsonMergeSql } from "../db/dialect";
import { rawDb } from "../db/raw";
import { SqlParams } from "../db/raw-sql";
import { upsertUsers } from "./users";

const USERS = Array.from({ length: 40 }, (_, i) => `race-${String(i).padStart(2, "0")}`);
const WRITES = 60;
const UPSERTS = 12;

/** what a flush with mapped attributes does to these users: one key more each time */
async function mappingWrite(i: number) {
  const p = new SqlParams();
  const from = p.records([["u", "text"], ["patch", "json"]], USERS.map((u) => [u, { [`m${i}`]: true }]));
  await rawDb(db()).transaction([{ sql: `UPDATE ${tableName("User")} AS t SET "attributes" = ${jsonMergeSql(`t."attributes"`, `p."patch"`)} FROM ${from} WHERE t."id" = p."u"`, values: p.values }]);
}

describe("upserting users while the engine saves mapped attributes to them", () => {
  it("loses no mapped attribute and fails no upsert", async () => {
    await upsertUsers(USERS.map((userId) => ({ userId, attributes: { plan: "free" } })));
    const engine = (async () => {
      for (let i = 0; i < WRITES; i++) {
        await mappingWrite(i);
        // the next flush comes in a later turn of the event loop, as the recorder's do
        await new Promise((r) => setImmediate(r));
      }
    })();
    const api = (async () => {
      for (let k = 0; k < UPSERTS; k++) await upsertUsers(USERS.map((userId) => ({ userId, attributes: { plan: `p${k}` } })));
    })();
    await Promise.all([engine, api]);
    const mapped = Object.fromEntries(Array.from({ length: WRITES }, (_, i) => [`m${i}`, true]));
    for (const user of await db().user.findMany({ where: { id: { startsWith: "race-" } } })) {
      expect(user.attributes).toEqual({ plan: `p${UPSERTS - 1}`, ...mapped });
    }
  }, 60_000);
});
