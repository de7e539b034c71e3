// What a tracked event may carry: a time between 2000 and 5 minutes ahead, parameters at most 32
// levels deep and 64 KiB as JSON; checked without recursion, so a 100,000-deep value is refused
// rather than overflowing the stack. User attributes are bounded in size too (API and CSV import).
import { describe, expect, it } from "vitest";
import { attributesSchema, MAX_ATTRIBUTES_BYTES } from "../api/schemas/users";
import { pathDeeperThan } from "../api/schemas/json";
import { eventsBodySchema, MAX_PARAMS_DEPTH } from "./events";
import { rowToUser } from "./import/mapping";

function nested(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: 1 };
  for (let i = 1; i < levels; i++) value = { a: value };
  return value;
}
const issuesOf = (input: unknown) => {
  const r = eventsBodySchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
};
const now = () => Math.floor(Date.now() / 1000);

describe("tracked events: bounds", () => {
  it("finds the path of a value nested too deeply without recursing (100,000 levels)", () => {
    expect(pathDeeperThan(nested(100_000), 64)).toHaveLength(64);
    expect(pathDeeperThan(nested(64), 64)).toBeNull();
    expect(pathDeeperThan([[[1]]], 2)).toEqual([0, 0]);
  });

  it("names the one too-deep value among 200,000 shallow ones beside it, by its keys and indexes", () => {
    const wide = Array.from({ length: 200_000 }, (): unknown => []);
    wide[123_456] = { x: [[{}]] };
    const value = { a: { b: wide }, c: [] };
    expect(pathDeeperThan(value, 5)).toEqual(["a", "b", 123_456, "x", 0]);
    expect(pathDeeperThan(value, 6)).toEqual(["a", "b", 123_456, "x", 0, 0]);
    expect(pathDeeperThan(value, 7)).toBeNull();
  });

  it("accepts parameters 32 levels deep, refuses 33 at params", () => {
    expect(issuesOf({ userId: "u", event: "e", params: nested(MAX_PARAMS_DEPTH) })).toEqual([]);
    expect(issuesOf({ userId: "u", event: "e", params: nested(MAX_PARAMS_DEPTH + 1) })).toEqual(["params: Parameters can be nested at most 32 levels deep"]);
    expect(issuesOf({ userId: "u", event: "e", params: nested(100_000) })).toEqual(["params: Parameters can be nested at most 32 levels deep"]);
  });

  it("refuses parameters over 64 KiB", () => {
    expect(issuesOf({ userId: "u", event: "e", params: { s: "x".repeat(64 * 1024) } })).toEqual(["params: Parameters can be at most 64 KiB as JSON"]);
  });

  it("takes times from 2000 to 5 minutes ahead (clock skew), as Unix seconds or ISO-8601", () => {
    for (const time of [now(), now() + 240, Date.UTC(2000, 0, 1) / 1000, "2026-01-01T10:00:00Z"]) expect(issuesOf({ userId: "u", event: "e", time }), String(time)).toEqual([]);
    for (const time of [1e20, Date.now(), 946684799, now() + 600, now() + 300 * 86400, "1999-12-31T23:59:59Z", "9999-12-31T00:00:00Z"]) {
      expect(issuesOf({ userId: "u", event: "e", time }), String(time)).toEqual([expect.stringMatching(/^time: Must be between 2000-01-01 and 5 minutes from now/)]);
    }
  });
});

describe("user attributes: size", () => {
  const big = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`a${i}`, "x".repeat(10_000)]));
  it("refuses more than 256 KiB of attributes per user in the API", () => {
    const r = attributesSchema.safeParse(big);
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.message).toBe(`A user's attributes can be at most ${MAX_ATTRIBUTES_BYTES / 1024} KiB as JSON`);
    expect(attributesSchema.safeParse({ a: "x".repeat(10_000) }).success).toBe(true);
  });

  it("skips a CSV row whose attributes are over 256 KiB, with the reason", () => {
    const mapping = [{ target: "userId" as const }, ...Object.keys(big).map((name) => ({ target: "attribute" as const, name, type: "string" as const }))];
    const row = rowToUser(["u1", ...Object.values(big)], mapping);
    expect(row).toEqual({ ok: false, reason: `A user's attributes can be at most ${MAX_ATTRIBUTES_BYTES / 1024} KiB as JSON` });
  });
});
