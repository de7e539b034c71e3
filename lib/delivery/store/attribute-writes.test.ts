// The statements a flush's mapped results make: none without any, a few per flush however many
// deliveries, a user written twice in a flush in two rounds (in order).
import { describe, expect, it } from "vitest";
import { mappedPatchBytes } from "../../audience/attribute-limits";
import { attributeWriteStatements, mappingOf, type MappedAttributes } from "./attribute-writes";
import { encodeMapping } from "../../webhooks/response-mapping";
import { storableJsonText } from "../../db/dialect";

const at = new Date("2026-12-03T10:00:00Z");
const write = (userId: string, deliveryId: string, set: MappedAttributes["set"]): MappedAttributes => ({ deliveryId, userId, set, setAt: at });

describe("attributeWriteStatements", () => {
  it("writes nothing for nothing", () => {
    expect(attributeWriteStatements([], "w")).toEqual([]);
    expect(attributeWriteStatements([write("u1", "d1", {})], "w")).toEqual([]);
  });

  it("one statement for a flush of 500: the attributes and their sources in the same UPDATE", () => {
    const writes = Array.from({ length: 500 }, (_, i) => write(`u${i}`, `d${i}`, { crmId: `c${i}`, score: i }));
    const statements = attributeWriteStatements(writes, "w");
    expect(statements).toHaveLength(1);
    expect(statements[0]!.sql).toMatch(/^UPDATE .*"attributes" = .*"attributeSources" = /);
    const source = "d7";
    // the rows are one JSON parameter: [user, delivery, attributes, their sources, the attributes' bytes
    // for the users' limits], the attributes and sources nested objects (encoded once, not as JSON texts
    // inside the JSON)
    const rows = JSON.parse(statements[0]!.values.find((v) => typeof v === "string" && v.startsWith("[["))! as string) as unknown[][];
    const row = rows.find((r) => r[0] === "u7")!;
    expect(row.slice(0, 4)).toEqual(["u7", "d7", { crmId: "c7", score: 7 }, { crmId: source, score: source }]);
    expect(row[4]).toBe(mappedPatchBytes({ crmId: "c7", score: 7 }));
  });

  it("writes any number of rows with the same statement text (one JSON parameter), so it is prepared once", () => {
    const one = attributeWriteStatements([write("u1", "d1", { a: 1 })], "w");
    const many = attributeWriteStatements(Array.from({ length: 300 }, (_, i) => write(`u${i}`, `d${i}`, { a: i })), "w");
    expect(many.map((s) => s.sql)).toEqual(one.map((s) => s.sql));
    expect(many.map((s) => s.values.length)).toEqual(one.map((s) => s.values.length));
  });

  it("notes refused writes only when the users' UPDATE applied fewer than all of them, reading the same JSON parameter", () => {
    const writes = Array.from({ length: 50 }, (_, i) => ({ ...write(`u${i}`, `d${i}`, { crmId: `c${i}` }), attemptId: `a${i}` }));
    const [users, note] = attributeWriteStatements(writes, "w");
    // every write applied (the common case): the note statement is skipped, not run over the flush's users again
    expect(note!.skipIfPreviousChanged).toBe(50);
    expect(users!.skipIfPreviousChanged).toBeUndefined();
    // nor when it refused none (SQLite marks a refusal: markedSql), as in a steady state where it changed none
    expect(note!.onlyIfPreviousMarked).toBe(true);
    expect(users!.onlyIfPreviousMarked).toBeUndefined();
    // the rows are encoded once, for both statements (the attempt's id is in the users' rows)
    const json = (s: typeof users) => s!.values.filter((v) => typeof v === "string" && v.startsWith("[["));
    expect(json(note)).toHaveLength(1);
    expect(json(note)[0]).toBe(json(users)[0]);
  });

  it("binds the send gate's encoded values (the engine's writes) exactly as the same values given as an object", () => {
    // quotes, a backslash, non-ASCII, a list, a number, names JS orders itself (integer-like first), an attempt and none
    const sets = [
      { crmId: 'c"1\\', note: "café ✓", tags: ["a", "b"], score: 7.5, "2": true, "1": null },
      { crmId: "c2" },
    ] as MappedAttributes["set"][];
    const plain = sets.map((set, i) => ({ ...write(`u${i}`, `d${i}`, set), ...(i === 0 ? { attemptId: "a0" } : {}) }));
    const encoded = sets.map((set, i) => {
      const { set: _, ...rest } = plain[i]!;
      return { ...rest, encoded: encodeMapping({ set, problems: [] }) };
    });
    expect(attributeWriteStatements(encoded, "w")).toEqual(attributeWriteStatements(plain, "w"));
  });

  it("binds each row's ids as JSON.stringify writes them, whatever they hold", () => {
    // ids the app makes need no escape; any other is escaped as JSON.stringify does (quotes, a backslash,
    // control characters, U+2028, non-ASCII, a lone surrogate: on PostgreSQL a user id's is made well formed)
    const ids = ["u-plain_1", 'u"q', "u\\b", "u\n\u0001", "u\u2028é✓", "u\ud800x", "😀"];
    const writes = ids.map((id, i) => ({ ...write(id, `d${id}`, { crmId: `c${i}`, "a b": i }), ...(i % 2 ? { attemptId: `a${id}` } : {}) }));
    const encoded = writes.map(({ set, ...rest }) => ({ ...rest, encoded: encodeMapping({ set, problems: [] }) }));
    const sorted = [...writes].sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
    const rowOf = (w: MappedAttributes) => {
      const d = JSON.stringify(w.deliveryId);
      const sources = `{${Object.keys(w.set).map((name) => `${JSON.stringify(name)}:${d}`).join(",")}}`;
      return `[${JSON.stringify(storableJsonText(w.userId))},${d},${JSON.stringify(w.set)},${sources},${mappedPatchBytes(w.set)},${w.attemptId == null ? "null" : JSON.stringify(w.attemptId)}]`;
    };
    const expected = `[${sorted.map(rowOf).join(",")}]`;
    for (const given of [writes, encoded]) {
      const [users, note] = attributeWriteStatements(given, "w");
      expect(users!.values.filter((v) => typeof v === "string" && v.startsWith("[["))).toEqual([expected]);
      expect(note!.values.filter((v) => typeof v === "string" && v.startsWith("[["))).toEqual([expected]);
    }
  });

  it("splits beyond 1,000 users and writes a repeated user in a later round", () => {
    const writes = Array.from({ length: 1500 }, (_, i) => write(`u${i}`, `d${i}`, Object.fromEntries(Array.from({ length: 5 }, (_, k) => [`a${k}`, k]))));
    writes.push(write("u0", "d-again", { a0: 9 }));
    const statements = attributeWriteStatements(writes, "w");
    // round 1: 1,500 users in two statements; round 2: u0 again
    expect(statements.map((s) => s.sql.split(" ")[0])).toEqual(["UPDATE", "UPDATE", "UPDATE"]);
    expect(JSON.stringify(statements[2]!.values)).toContain("d-again");
    expect(JSON.stringify(statements[0]!.values)).not.toContain("d-again");
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
