// The database rules out of a segment's sample the users whose attributes lack a key its conditions need
// (segment-candidates.ts); the segment's own test still decides. Never one user too few: each segment
// here selects, through the narrowed query, exactly the users its test selects from everyone.
import { describe, expect, it } from "vitest";
import { db } from "../db";
import { firstAudienceUsers } from "../delivery/store/sample-renders";
import { segmentMatcher, type Segment } from "./segment";

const users: [string, Record<string, unknown>, string?][] = [
  ["c01", { city: "Paris" }],
  ["c02", { city: " paris " }],
  ["c03", { city: null }],
  ["c04", { city: "" }],
  ["c05", { "a.b": 1 }],
  ["c06", { a: { b: 2 } }],
  ["c07", { a: { b: null }, "a.b": null }],
  ["c08", { tags: ["x", "y"] }],
  ["c09", { n: 5, plan: true }],
  ["c10", {}],
  ["c11", { email: "attr@example.com" }, "col@example.com"],
  ["c12", { 'we"ird': 1, "back\\slash": 2 }],
  ["c13", { signup: "2026-11-02" }],
  ["c14", { a: [{ b: 1 }] }],
  ["c15", { city: 75 }],
];

const segments: Segment[] = [
  { match: "all", conditions: [{ key: "city", operator: "equals", value: "paris" }] },
  { match: "all", conditions: [{ key: "city", operator: "exists" }] },
  { match: "all", conditions: [{ key: "city", operator: "notEquals", value: "paris" }] },
  { match: "any", conditions: [{ key: "city", operator: "contains", value: "ar" }, { key: "n", operator: "greater", value: 1 }] },
  { match: "any", conditions: [{ key: "city", operator: "exists" }, { key: "plan", operator: "notEquals", value: "x" }] },
  { match: "all", conditions: [{ key: "a.b", operator: "exists" }] },
  { match: "all", conditions: [{ key: "a.0.b", operator: "equals", value: 1 }] },
  { match: "all", conditions: [{ key: "tags", operator: "contains", value: "y" }] },
  { match: "all", conditions: [{ key: "email", operator: "contains", value: "example" }] },
  { match: "all", conditions: [{ key: "id", operator: "inList", value: ["c10", "c12"] }] },
  { match: "all", conditions: [{ key: 'we"ird', operator: "exists" }] },
  { match: "all", conditions: [{ key: "back\\slash", operator: "equals", value: 2 }] },
  { match: "all", conditions: [{ key: "signup", operator: "greater", value: "2026-11-01" }, { key: "nothing", operator: "notEquals", value: "x" }] },
  { match: "all", conditions: [{ key: "city", operator: "inList", value: "75, lyon" }] },
  { match: "all", conditions: [{ key: "constructor", operator: "exists" }] },
];

describe("a segment's sample narrowed by the database", () => {
  it("selects exactly the users the segment's own test selects", async () => {
    await db().user.createMany({ data: users.map(([id, attributes, email]) => ({ id, attributes: attributes as object, email: email ?? null })) });
    for (const segment of segments) {
      const matches = segmentMatcher(segment);
      const expected = users.filter(([id, attributes, email]) => matches({ id, attributes, email })).map(([id]) => id);
      expect([JSON.stringify(segment), (await firstAudienceUsers(segment, 100)).map((u) => u.id)]).toEqual([JSON.stringify(segment), expected]);
    }
  });
});
