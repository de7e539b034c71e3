// The JSON-parameter INSERT writes exactly what the VALUES one writes, read back through Prisma:
// texts (a lone surrogate too), times, JSON values of every shape, nulls, shared and varying columns.
import { describe, expect, it } from "vitest";
import { db } from "./index";
import { rawDb } from "./raw";
import { bulkInsertSql, jsonInsertSql, tableName, type ColumnKind } from "./bulk-insert";
import { jsonMergeSql } from "./dialect";
import { SqlParams } from "./raw-sql";

const COLUMNS: [string, ColumnKind][] = [["id", "text"], ["userId", "text"], ["name", "text"], ["params", "json"], ["time", "date"], ["createdAt", "date"]];

describe("jsonInsertSql", () => {
  it("writes the same rows as bulkInsertSql", async () => {
    await db().user.create({ data: { id: "json-insert-user", attributes: {} } });
    const t1 = new Date("2026-03-01T10:00:00.123Z");
    const shared = { order: { id: 7, lines: [1, 2] }, note: 'quote " and é' };
    const rows = (prefix: string) => [
      [`${prefix}1`, "json-insert-user", "purchase", shared, t1, t1],
      [`${prefix}2`, "json-insert-user", "lone \ud800 surrogate", "just a string", new Date(t1.getTime()), t1],
      [`${prefix}3`, "json-insert-user", "purchase", [], new Date("2026-03-02T00:00:00Z"), t1],
      [`${prefix}4`, "json-insert-user", "purchase", shared, t1, t1],
    ];
    const one = jsonInsertSql("Event", COLUMNS, rows("json-"));
    // the user and the creation time are the same in every row: bound once, not in the JSON
    expect(one.values).toHaveLength(3);
    await rawDb(db()).transaction([one, bulkInsertSql("Event", COLUMNS, rows("values-"))]);
    const read = async (prefix: string) =>
      (await db().event.findMany({ where: { id: { startsWith: prefix } }, orderBy: { id: "asc" } })).map(({ id, ...rest }) => ({ id: id.slice(prefix.length), ...rest }));
    const written = await read("json-");
    expect(written).toEqual(await read("values-"));
    expect(written[1]!.params).toBe("just a string");
    expect(written[0]!.params).toEqual(shared);
  });

  it("binds every column once when all rows agree", async () => {
    const t = new Date("2026-03-01T10:00:00Z");
    const statement = jsonInsertSql("Event", COLUMNS, [["same-1", "json-insert-user", "x", {}, t, t]]);
    expect(statement.values).toHaveLength(COLUMNS.length + 1);
    expect(statement.values.at(-1)).toBe("[[]]");
    await rawDb(db()).transaction([statement]);
    expect(await db().event.findUnique({ where: { id: "same-1" } })).toMatchObject({ name: "x", params: {}, time: t });
  });
});

describe("SqlParams.records (the same JSON rows, read as a table in an UPDATE)", () => {
  it("gives each column what Prisma would store: texts, times and nulls, JSON merged into a JSON column", async () => {
    await db().user.createMany({ data: [{ id: "records-mapped-user", attributes: { keep: 1, plan: "free" } }, { id: "records-plain-user", attributes: {} }] });
    const at = new Date("2026-04-01T08:00:00.250Z");
    const p = new SqlParams();
    const from = p.records(
      [["u", "text"], ["patch", "json"], ["seen", "date"]],
      [
        ["records-mapped-user", { plan: "pro", score: 4.5, tags: ["a", 'q"uote'] }, at],
        ["records-plain-user", { plan: "trial" }, null],
      ],
    );
    const sql =
      `UPDATE ${tableName("User")} AS t SET "attributes" = ${jsonMergeSql(`t."attributes"`, `p."patch"`)}, "updatedAt" = COALESCE(p."seen", t."updatedAt") ` +
      `FROM ${from} WHERE t."id" = p."u"`;
    const [changed] = await rawDb(db()).transaction([{ sql, values: p.values }]);
    expect(changed).toBe(2);
    const users = await db().user.findMany({ where: { id: { startsWith: "records-" } }, orderBy: { id: "asc" } });
    const odd = users.find((u) => u.id !== "records-plain-user")!;
    expect(odd.attributes).toEqual({ keep: 1, plan: "pro", score: 4.5, tags: ["a", 'q"uote'] });
    expect(odd.updatedAt).toEqual(at);
    expect(users.find((u) => u.id === "records-plain-user")!.attributes).toEqual({ plan: "trial" });
  });
});
