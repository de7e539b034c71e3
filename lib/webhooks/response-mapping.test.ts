import { describe, expect, it } from "vitest";
import { isStorableText } from "../db/storable-text";
import { TOO_MANY_SECRETS } from "./echoed-secrets";
import { applyResponseMapping, kindsFromCatalogue, mappingNote, parseMappingPath, parseStoredMapping, responseMappingSchema, typedMapping, type ResponseMapping } from "./response-mapping";

const JSON_TYPE = "application/json; charset=utf-8";
const body = JSON.stringify({
  customer: { id: "cus_42", score: "17.5", vip: "true", since: "2026-01-02T03:04:05Z", tags: ["a", "b"], nested: { deep: [{ id: 7 }] } },
  items: [{ id: "first" }, { id: "second" }],
  "odd key": { "with.dot": 1 },
  nothing: null,
  epoch: 1767225600,
});
const map = (...entries: [string, string, ResponseMapping[number]["type"]?][]): ResponseMapping => entries.map(([path, attribute, type]) => ({ path, attribute, ...(type ? { type } : {}) }));

describe("parseMappingPath", () => {
  it("reads names, indexes and quoted keys", () => {
    expect(parseMappingPath("$.customer.id")).toEqual({ ok: true, segments: ["customer", "id"] });
    expect(parseMappingPath("$.items[0].id")).toEqual({ ok: true, segments: ["items", 0, "id"] });
    expect(parseMappingPath('$["odd key"]["with.dot"]')).toEqual({ ok: true, segments: ["odd key", "with.dot"] });
    expect(parseMappingPath("$['it\\'s']")).toEqual({ ok: true, segments: ["it's"] });
    expect(parseMappingPath("$[2][0]")).toEqual({ ok: true, segments: [2, 0] });
  });
  it("says where a path is wrong", () => {
    expect(parseMappingPath("customer.id")).toMatchObject({ ok: false, message: expect.stringContaining('Start the path with "$"') });
    expect(parseMappingPath("$")).toMatchObject({ ok: false, message: expect.stringContaining("Name a value") });
    expect(parseMappingPath("$.")).toMatchObject({ ok: false, message: expect.stringContaining("character 2") });
    expect(parseMappingPath("$.a[x]")).toMatchObject({ ok: false, message: expect.stringContaining("[number]") });
    expect(parseMappingPath("$.a b")).toMatchObject({ ok: false, message: expect.stringContaining('Unexpected " "') });
    expect(parseMappingPath("$.a[*]")).toMatchObject({ ok: false });
    expect(parseMappingPath("$" + ".a".repeat(150))).toMatchObject({ ok: false, message: expect.stringContaining("at most 200") });
  });
});

describe("responseMappingSchema", () => {
  it("accepts up to 20 mappings and refuses the 21st", () => {
    const twenty = Array.from({ length: 20 }, (_, i) => ({ path: `$.v${i}`, attribute: `a${i}` }));
    expect(responseMappingSchema.safeParse(twenty).success).toBe(true);
    const parsed = responseMappingSchema.safeParse([...twenty, { path: "$.x", attribute: "x" }]);
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]!.message).toBe("At most 20 mappings per webhook");
  });
  it("puts errors at the field: path, attribute name rules, duplicates", () => {
    const parsed = responseMappingSchema.safeParse([
      { path: "customer", attribute: "ok" },
      { path: "$.a", attribute: "__proto__" },
      { path: "$.b", attribute: "x".repeat(129) },
      { path: "$.c", attribute: "ok" },
    ]);
    expect(parsed.success).toBe(false);
    const byPath = Object.fromEntries(parsed.error!.issues.map((i) => [i.path.join("."), i.message]));
    expect(byPath["0.path"]).toContain('Start the path with "$"');
    expect(byPath["1.attribute"]).toContain("reserved");
    expect(byPath["2.attribute"]).toContain("at most 128");
    expect(byPath["3.attribute"]).toBe('"ok" is already mapped above');
  });
  it("refuses unknown types and keys", () => {
    expect(responseMappingSchema.safeParse([{ path: "$.a", attribute: "a", type: "object" }]).success).toBe(false);
    expect(responseMappingSchema.safeParse([{ path: "$.a", attribute: "a", secret: true }]).success).toBe(false);
  });
  it("refuses an attribute named like a built-in user field: {{user.email}} and audience conditions read the field, never such an attribute", () => {
    for (const name of ["id", "email", "timezone"]) {
      const parsed = responseMappingSchema.safeParse([{ path: "$.a", attribute: ` ${name} ` }]);
      expect(parsed.success).toBe(false);
      expect(parsed.error!.issues[0]).toMatchObject({ path: [0, "attribute"], message: `"${name}" is a built-in user field, not an attribute: set the field itself or choose another name` });
    }
    // a name that only looks alike is an attribute of its own
    expect(responseMappingSchema.safeParse([{ path: "$.a", attribute: "Email" }, { path: "$.b", attribute: "crmTimezone" }]).success).toBe(true);
    // names no template or condition reads as a field stay attributes (Segment-style traits send createdAt)
    expect(responseMappingSchema.safeParse([{ path: "$.a", attribute: "createdAt" }, { path: "$.b", attribute: "userId" }, { path: "$.c", attribute: "updatedAt" }]).success).toBe(true);
  });
  it("a mapping stored before that rule keeps saving its other entries; the built-in one is a problem, not a write", () => {
    const stored = parseStoredMapping([{ path: "$.customer.id", attribute: "crmId" }, { path: "$.tz", attribute: "timezone" }, { path: "$.mail", attribute: "email" }]);
    expect(stored).toHaveLength(3);
    const result = applyResponseMapping(JSON.stringify({ customer: { id: "cus_1" }, tz: "Pacific/Kiritimati", mail: "evil@example.com" }), JSON_TYPE, stored);
    expect(result.set).toEqual({ crmId: "cus_1" });
    expect(result.problems).toEqual([
      '$.tz -> timezone: "timezone" is a built-in user field, not an attribute: set the field itself or choose another name; not saved',
      '$.mail -> email: "email" is a built-in user field, not an attribute: set the field itself or choose another name; not saved',
    ]);
  });
  it("reads a stored mapping, null when empty or unreadable", () => {
    expect(parseStoredMapping(null)).toBeNull();
    expect(parseStoredMapping([])).toBeNull();
    expect(parseStoredMapping("nope")).toBeNull();
    expect(parseStoredMapping([{ path: "$.a", attribute: "a" }])).toEqual([{ path: "$.a", attribute: "a" }]);
  });
});

describe("applyResponseMapping", () => {
  it("a response hidden for the secrets its request carried says so, whatever its content type", () => {
    for (const type of [JSON_TYPE, "application/json; charset=utf-8; x=y", "text/plain"]) {
      expect(applyResponseMapping(TOO_MANY_SECRETS, type, map(["$.customer.id", "crmId"]))).toEqual({ set: {}, problems: [`${TOO_MANY_SECRETS}; nothing saved`] });
    }
  });

  it("reads nested paths, array indexes and odd keys", () => {
    const result = applyResponseMapping(body, JSON_TYPE, map(["$.customer.id", "crmId"], ["$.items[1].id", "second"], ['$["odd key"]["with.dot"]', "odd"], ["$.customer.nested.deep[0].id", "deep"]));
    expect(result).toEqual({ set: { crmId: "cus_42", second: "second", odd: 1, deep: 7 }, problems: [] });
  });

  it("types values as the catalogue says", () => {
    const catalogue = { score: "number", vip: "boolean", since: "date", tags: "list", label: "string" } as const;
    const result = applyResponseMapping(body, JSON_TYPE, map(["$.customer.score", "score"], ["$.customer.vip", "vip"], ["$.customer.since", "since"], ["$.customer.tags", "tags"], ["$.customer.nested.deep[0].id", "label"], ["$.epoch", "when", "date"]), catalogue);
    expect(result.problems).toEqual([]);
    expect(result.set).toEqual({ score: 17.5, vip: true, since: "2026-01-02T03:04:05Z", tags: ["a", "b"], label: "7", when: "2026-01-01T00:00:00Z" }); // Unix seconds: an instant, even at midnight UTC (storedDateText)
  });

  it("a type saved with the entry wins over the catalogue", () => {
    const result = applyResponseMapping(body, JSON_TYPE, map(["$.customer.score", "score", "string"]), { score: "number" });
    expect(result.set).toEqual({ score: "17.5" });
  });

  it("a value that cannot be converted is a problem, not a write; the others still apply", () => {
    const result = applyResponseMapping(body, JSON_TYPE, map(["$.customer.id", "score"], ["$.customer.id", "vip"], ["$.customer.id", "since"], ["$.customer", "obj"], ["$.nothing", "gone"], ["$.items[0].id", "ok"]), {
      score: "number",
      vip: "boolean",
      since: "date",
    });
    expect(result.set).toEqual({ ok: "first" });
    expect(result.problems).toEqual([
      '$.customer.id -> score: "cus_42" is not a number; not saved',
      '$.customer.id -> vip: "cus_42" is not true or false; not saved',
      '$.customer.id -> since: "cus_42" is not an ISO date or Unix seconds; not saved',
      "$.customer -> obj: an object is not text, a number, true/false or a list of strings; not saved",
      "$.nothing -> gone: the value is null; not saved",
    ]);
  });

  it("a missing path records why and changes nothing for it", () => {
    const result = applyResponseMapping(body, JSON_TYPE, map(["$.customer.missing", "a"], ["$.items[5].id", "b"], ["$.customer.id[0]", "c"], ["$.items.id", "d"], ["$.customer.id", "crmId"]));
    expect(result.set).toEqual({ crmId: "cus_42" });
    expect(result.problems).toEqual(["$.customer.missing is not in the response", "$.items[5].id is not in the response", "$.customer.id[0] is not in the response", "$.items.id is not in the response"]);
  });

  it("does not read inherited keys", () => {
    const result = applyResponseMapping("{}", JSON_TYPE, map(["$.constructor", "a"], ['$["__proto__"]', "b"]));
    expect(result.set).toEqual({});
    expect(result.problems).toHaveLength(2);
  });

  it("a body that is not JSON changes nothing", () => {
    const mapping = map(["$.customer.id", "crmId"]);
    expect(applyResponseMapping("<html>", "text/html", mapping)).toEqual({ set: {}, problems: ["the response is not JSON (text/html); nothing saved"] });
    expect(applyResponseMapping('{"customer": {"id": "x"', JSON_TYPE, mapping)).toEqual({ set: {}, problems: ["the response is not valid JSON (or was cut at 64 KiB); nothing saved"] });
    expect(applyResponseMapping("", JSON_TYPE, mapping)).toEqual({ set: {}, problems: ["the response was empty; nothing saved"] });
    // vendor JSON types and an unnamed type are read as JSON
    expect(applyResponseMapping('{"customer":{"id":"x"}}', "application/vnd.api+json", mapping).set).toEqual({ crmId: "x" });
    expect(applyResponseMapping('{"customer":{"id":"x"}}', undefined, mapping).set).toEqual({ crmId: "x" });
  });

  it("bounds values as the users API does", () => {
    const long = JSON.stringify({ t: "x".repeat(10_001), l: Array.from({ length: 1001 }, () => "a"), n: [1, 2] });
    const result = applyResponseMapping(long, JSON_TYPE, map(["$.t", "t"], ["$.l", "l"], ["$.n", "n"]));
    expect(result.set).toEqual({});
    expect(result.problems.map((p) => p.split(":")[0])).toEqual(["$.t -> t", "$.l -> l", "$.n -> n"]);
  });

  it("a number too large for JSON (1e999 reads as Infinity, written as null) is a problem under every type, not a write", () => {
    const result = applyResponseMapping('{"big": 1e999, "neg": -1e999, "max": 1e308}', JSON_TYPE, map(["$.big", "big"], ["$.neg", "neg", "string"], ["$.big", "asNumber", "number"], ["$.max", "max"]));
    expect(result.set).toEqual({ max: 1e308 });
    expect(result.problems).toEqual([
      "$.big -> big: the number is too large to store (JSON reads it as infinite); not saved",
      "$.neg -> neg: the number is too large to store (JSON reads it as infinite); not saved",
      "$.big -> asNumber: the number is too large to store (JSON reads it as infinite); not saved",
    ]);
  });

  it("a hostile receiver's U+0000 or lone surrogate is a problem, not a write (PostgreSQL's jsonb would fail the whole flush)", () => {
    const hostile = '{"nul": "a\\u0000b", "half": "x\\ud800", "list": ["ok", "\\u0000"], "fine": "\\ud83d\\ude00"}';
    const result = applyResponseMapping(hostile, JSON_TYPE, map(["$.nul", "nul"], ["$.half", "half"], ["$.list", "list"], ["$.fine", "fine"]));
    expect(result.set).toEqual({ fine: "\u{1F600}" });
    expect(result.problems.map((p) => p.split(":")[0])).toEqual(["$.nul -> nul", "$.half -> half", "$.list -> list"]);
    // a problem quoting the value never ends in half an emoji (a test send stores problems in a jsonb column)
    const cut = applyResponseMapping(JSON.stringify({ v: `${"a".repeat(38)}\u{1F600}tail` }), JSON_TYPE, map(["$.v", "v", "number"]));
    expect(cut.problems).toHaveLength(1);
    expect(isStorableText(cut.problems[0]!)).toBe(true);
    expect(isStorableText(mappingNote({ set: {}, problems: [`${"b".repeat(487)}\u{1F600}${"c".repeat(20)}`] })!)).toBe(true);
  });

  it("saves no value over 1,024 bytes as JSON (an id or a score is tens of bytes) and says how big it was", () => {
    const blob = "x".repeat(63_998);
    const result = applyResponseMapping(JSON.stringify({ blob, id: "cus_1", list: Array.from({ length: 200 }, (_, i) => `tag${i}`) }), JSON_TYPE, map(["$.blob", "blob"], ["$.id", "crmId"], ["$.list", "tags"]));
    expect(result.set).toEqual({ crmId: "cus_1" });
    expect(result.problems).toEqual([
      "$.blob -> blob: the value is 64,000 bytes; mapped values are at most 1,024; not saved",
      "$.list -> tags: the value is 1,691 bytes; mapped values are at most 1,024; not saved",
    ]);
    // counted in UTF-8 bytes to the byte: 1,022 bytes of text and its quotes fit, one more does not
    const fits = (text: string) => Object.keys(applyResponseMapping(JSON.stringify({ v: text }), JSON_TYPE, map(["$.v", "v"])).set).length === 1;
    expect(fits("\u20ac".repeat(340) + "ab")).toBe(true);
    expect(fits("\u20ac".repeat(340) + "abc")).toBe(false);
    expect(fits("\u{1F600}".repeat(255) + "ab")).toBe(true);
    expect(fits("\u{1F600}".repeat(255) + "abc")).toBe(false);
  });

  it("one response saves at most 8 KiB on the user (20 entries naming one 1 KiB value)", () => {
    const big = JSON.stringify({ t: "\u00e9".repeat(500) });
    const mapping = map(...Array.from({ length: 20 }, (_, i): [string, string] => ["$.t", `t${i}`]));
    const result = applyResponseMapping(big, JSON_TYPE, mapping);
    expect(new TextEncoder().encode(JSON.stringify(result.set)).length).toBeLessThanOrEqual(8 * 1024);
    expect(Object.keys(result.set)).toHaveLength(8);
    expect(result.problems).toHaveLength(12);
    expect(result.problems[0]).toBe("$.t -> t8: the values saved from one response are over 8 KiB; not saved");
  });

  it("costs nothing without a mapping", () => {
    expect(applyResponseMapping("not even json", "text/plain", null)).toEqual({ set: {}, problems: [] });
    expect(applyResponseMapping(body, JSON_TYPE, [])).toEqual({ set: {}, problems: [] });
  });

  it("writes a short note for the attempt", () => {
    expect(mappingNote({ set: {}, problems: [] })).toBeNull();
    expect(mappingNote({ set: {}, problems: ["$.a is not in the response", "$.b is not in the response"] })).toBe("mapping: $.a is not in the response; $.b is not in the response");
    expect(mappingNote({ set: {}, problems: Array.from({ length: 40 }, () => "$.abcdefghij is not in the response") })!.length).toBe(500);
  });
});

describe("typedMapping", () => {
  it("gives an untyped entry its attribute's only type in the catalogue, and leaves the rest", () => {
    const kinds = kindsFromCatalogue([
      { name: "score", types: ["number"] },
      { name: "mixed", types: ["number", "string"] },
      { name: "since", types: ["date"] },
    ]);
    expect(kinds).toEqual({ score: "number", since: "date" });
    expect(typedMapping(map(["$.a", "score"], ["$.b", "mixed"], ["$.c", "since", "string"], ["$.d", "fresh"]), kinds)).toEqual([
      { path: "$.a", attribute: "score", type: "number" },
      { path: "$.b", attribute: "mixed" },
      { path: "$.c", attribute: "since", type: "string" },
      { path: "$.d", attribute: "fresh" },
    ]);
  });

  it("an attribute named like an object's own property (toString, valueOf, constructor) has no type but its catalogue's", () => {
    // these names once found Object.prototype's functions and saved them as the entry's type (a 500 at save)
    const kinds = kindsFromCatalogue([{ name: "valueOf", types: ["number"] }]);
    expect(typedMapping(map(["$.a", "toString"], ["$.b", "constructor"], ["$.c", "valueOf"], ["$.d", "hasOwnProperty"]), kinds)).toEqual([
      { path: "$.a", attribute: "toString" },
      { path: "$.b", attribute: "constructor" },
      { path: "$.c", attribute: "valueOf", type: "number" },
      { path: "$.d", attribute: "hasOwnProperty" },
    ]);
    expect(applyResponseMapping('{"a":"x","b":7}', "application/json", map(["$.a", "toString"], ["$.b", "isPrototypeOf"]))).toEqual({ set: { toString: "x", isPrototypeOf: 7 }, problems: [] });
  });
});
