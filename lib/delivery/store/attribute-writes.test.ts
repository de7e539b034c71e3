// The statements a flush's mapped results make: none without any, a few per flush however many
// deliveries, a user written twice in a flush in two rounds (in order).
import { describe, expect, it } from "vitest";
import { attributeWriteStatements, mappingOf, type MappedAttributes } from "./attribute-writes";

const at = new Date("2026-12-03T10:00:00Z");
const write = (userId: string, deliveryId: string, set: MappedAttributes["set"]): MappedAttributes => ({ deliveryId, userId, campaignId: "c", actionId: "a", set, setAt: at });

describe("attributeWriteStatements", () => {
  it("writes nothing for nothing", () => {
    expect(attributeWriteStatements([], "w")).toEqual([]);
    expect(attributeWriteStatements([write("u1", "d1", {})], "w")).toEqual([]);
  });

  it("one users statement and one sources statement for a flush of 500", () => {
    const writes = Array.from({ length: 500 }, (_, i) => write(`u${i}`, `d${i}`, { crmId: `c${i}`, score: i }));
    const statements = attributeWriteStatements(writes, "w");
    expect(statements).toHaveLength(2);
    expect(statements[0]!.sql).toMatch(/^UPDATE /);
    expect(statements[1]!.sql).toMatch(/^INSERT INTO .*UserAttributeSource/);
  });

  it("writes any number of rows with the same statement text (one JSON parameter), so it is prepared once", () => {
    const one = attributeWriteStatements([write("u1", "d1", { a: 1 })], "w");
    const many = attributeWriteStatements(Array.from({ length: 300 }, (_, i) => write(`u${i}`, `d${i}`, { a: i })), "w");
    expect(many.map((s) => s.sql)).toEqual(one.map((s) => s.sql));
    expect(many.map((s) => s.values.length)).toEqual(one.map((s) => s.values.length));
  });

  it("splits sources beyond 2,000 rows and writes a repeated user in a later round", () => {
    const writes = Array.from({ length: 500 }, (_, i) => write(`u${i}`, `d${i}`, Object.fromEntries(Array.from({ length: 5 }, (_, k) => [`a${k}`, k]))));
    writes.push(write("u0", "d-again", { a0: 9 }));
    const statements = attributeWriteStatements(writes, "w");
    // round 1: users + 2 sources statements (2,500 rows); round 2: users + sources for u0
    expect(statements.map((s) => s.sql.split(" ")[0])).toEqual(["UPDATE", "INSERT", "INSERT", "UPDATE", "INSERT"]);
    expect(JSON.stringify(statements[3]!.values)).toContain("d-again");
  });
});

describe("mappingOf", () => {
  it("is null at once for an action without a mapping, parsed once per loaded row otherwise", () => {
    expect(mappingOf({ responseMapping: null })).toBeNull();
    expect(mappingOf({ responseMapping: [] })).toBeNull();
    const row = { responseMapping: [{ path: "$.a", attribute: "a" }] };
    const first = mappingOf(row);
    expect(first).toEqual([{ path: "$.a", attribute: "a" }]);
    expect(mappingOf(row)).toBe(first);
    expect(mappingOf({ responseMapping: [{ path: "nope", attribute: "a" }] })).toBeNull();
  });
});
