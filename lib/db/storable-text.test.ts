import { describe, expect, it } from "vitest";
import { unstorableText } from "./storable-text";

describe("unstorableText", () => {
  it("names the first key or string holding U+0000 or half of a surrogate pair, by its path", () => {
    expect(unstorableText({ a: ["ok", { b: "x\u0000" }] })).toEqual({ path: "a.1.b", problem: "the NUL character (U+0000)" });
    expect(unstorableText({ a: { "k\ud800": 1 } })).toMatchObject({ path: "a.k\ud800", problem: expect.stringMatching(/^a broken character/) });
    expect(unstorableText(["\udc00"])).toMatchObject({ path: "0" });
    expect(unstorableText({ a: "\u{1F600}", b: ["\ud83d\ude00"] })).toBeNull();
  });

  it("finds a bad string however many keys name it, and a circular object ends", () => {
    const shared = `${"😀".repeat(1000)}\ud800`;
    const many: Record<string, string> = {};
    for (let i = 0; i < 40_000; i++) many[`k${i}`] = shared;
    expect(unstorableText({ many })).toMatchObject({ path: "many.k0" });
    const circular: Record<string, unknown> = { a: "ok" };
    circular.self = circular;
    expect(unstorableText(circular)).toBeNull();
  });

  it("enters plain objects and arrays only: a typed array of a million bytes is one value", () => {
    expect(unstorableText({ bytes: new Uint8Array(1_000_000) }, 10)).toBeNull();
    expect(unstorableText({ when: new Date(0), set: new Set(["\u0000"]) })).toBeNull();
  });

  it("stops at its budget of values and says so, without a path", () => {
    const big = Array.from({ length: 1001 }, () => "ok");
    expect(unstorableText(big, 1000)).toEqual({ path: "", problem: "more than 1,000 values", tooLarge: true });
    expect(unstorableText(big.slice(0, 999), 1000)).toBeNull();
  });
});
