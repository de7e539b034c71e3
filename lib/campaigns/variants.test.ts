import { describe, expect, it } from "vitest";
import { assignmentPoint, assignVariant, splitProblems, userShares, variantKey, type SplitConfig } from "./variants";

const USERS = Array.from({ length: 100_000 }, (_, i) => `u${String(i).padStart(6, "0")}`);
const ids = (userId: string) => ({ campaignId: "cmp_1", actionId: "act_1", userId });

function shares(config: SplitConfig): Map<string, number> {
  const counts = new Map<string, number>();
  for (const u of USERS) {
    const a = assignVariant(ids(u), config);
    counts.set(a, (counts.get(a) ?? 0) + 1);
  }
  return new Map([...counts].map(([k, n]) => [k, (n / USERS.length) * 100]));
}

function moved(a: SplitConfig, b: SplitConfig): number {
  let n = 0;
  for (const u of USERS) if (assignVariant(ids(u), a) !== assignVariant(ids(u), b)) n++;
  return (n / USERS.length) * 100;
}

describe("assignVariant", () => {
  it("is stable: the same ids always get the same answer, other campaigns or steps shuffle", () => {
    const config = { controlPercent: 10, variants: [{ key: "A", splitPercent: 50 }, { key: "B", splitPercent: 50 }] };
    const first = USERS.slice(0, 1000).map((u) => assignVariant(ids(u), config));
    expect(USERS.slice(0, 1000).map((u) => assignVariant(ids(u), config))).toEqual(first);
    const other = USERS.slice(0, 1000).map((u) => assignVariant({ ...ids(u), actionId: "act_2" }, config));
    expect(other).not.toEqual(first);
    // pinned values: the hash must not change between versions (users would switch variants)
    expect(assignmentPoint({ campaignId: "c", actionId: "a", userId: "alice" })).toBeCloseTo(0.7306131867, 9);
    expect(assignmentPoint({ campaignId: "c", actionId: "a", userId: "bob" })).toBeCloseTo(0.9863816211, 9);
  });

  it("splits 50/50 within ±1% over 100,000 users", () => {
    const s = shares({ controlPercent: 0, variants: [{ key: "A", splitPercent: 50 }, { key: "B", splitPercent: 50 }] });
    expect(Math.abs(s.get("A")! - 50)).toBeLessThan(1);
    expect(Math.abs(s.get("B")! - 50)).toBeLessThan(1);
    expect(s.has("control")).toBe(false);
  });

  it("splits 20/30/50 within ±1%", () => {
    const s = shares({ controlPercent: 0, variants: [{ key: "A", splitPercent: 20 }, { key: "B", splitPercent: 30 }, { key: "C", splitPercent: 50 }] });
    expect(Math.abs(s.get("A")! - 20)).toBeLessThan(1);
    expect(Math.abs(s.get("B")! - 30)).toBeLessThan(1);
    expect(Math.abs(s.get("C")! - 50)).toBeLessThan(1);
  });

  it("holds out a 20% control group, splitting the rest 50/50 (40% each)", () => {
    const s = shares({ controlPercent: 20, variants: [{ key: "A", splitPercent: 50 }, { key: "B", splitPercent: 50 }] });
    expect(Math.abs(s.get("control")! - 20)).toBeLessThan(1);
    expect(Math.abs(s.get("A")! - 40)).toBeLessThan(1);
    expect(Math.abs(s.get("B")! - 40)).toBeLessThan(1);
  });

  it("a control group without variants sends the rest variant A", () => {
    const s = shares({ controlPercent: 30, variants: [] });
    expect(Math.abs(s.get("control")! - 30)).toBeLessThan(1);
    expect(Math.abs(s.get("A")! - 70)).toBeLessThan(1);
  });

  it("moves the fewest users when one split changes (50/50 -> 60/40 moves ~10%, not ~50%)", () => {
    const before = { controlPercent: 0, variants: [{ key: "A", splitPercent: 50 }, { key: "B", splitPercent: 50 }] };
    const after = { controlPercent: 0, variants: [{ key: "A", splitPercent: 60 }, { key: "B", splitPercent: 40 }] };
    expect(Math.abs(moved(before, after) - 10)).toBeLessThan(1);
    // and only from B to A
    for (const u of USERS.slice(0, 5000)) {
      if (assignVariant(ids(u), before) === "A") expect(assignVariant(ids(u), after)).toBe("A");
    }
  });

  it("keeps the control group's members when the splits change", () => {
    const before = { controlPercent: 20, variants: [{ key: "A", splitPercent: 50 }, { key: "B", splitPercent: 50 }] };
    const after = { controlPercent: 20, variants: [{ key: "A", splitPercent: 10 }, { key: "B", splitPercent: 30 }, { key: "C", splitPercent: 60 }] };
    for (const u of USERS.slice(0, 20_000)) {
      expect(assignVariant(ids(u), before) === "control").toBe(assignVariant(ids(u), after) === "control");
    }
  });
});

describe("splitProblems", () => {
  it("accepts splits adding up to 100 and a control of 0..90", () => {
    expect(splitProblems({ controlPercent: 20, variants: [{ key: "A", splitPercent: 50 }, { key: "B", splitPercent: 50 }] })).toEqual([]);
    expect(splitProblems({ controlPercent: 0, variants: [] })).toEqual([]);
    expect(splitProblems({ controlPercent: 90, variants: [{ key: "A", splitPercent: 100 }] })).toEqual([]);
  });

  it("names splits that do not add up, out-of-range splits, a control over 90 and more than 16 variants", () => {
    expect(splitProblems({ controlPercent: 0, variants: [{ key: "A", splitPercent: 50 }, { key: "B", splitPercent: 40 }] })).toEqual([
      { path: "splitPercent", message: "The variants' splits add up to 90%; they must add up to 100%" },
    ]);
    expect(splitProblems({ controlPercent: 91, variants: [] })[0]!.path).toBe("controlPercent");
    expect(splitProblems({ controlPercent: 0, variants: [{ key: "A", splitPercent: 100 }, { key: "B", splitPercent: 0 }] }).map((p) => p.path)).toContain("variants.0.splitPercent");
    const seventeen = Array.from({ length: 17 }, (_, i) => ({ key: `V${i}`, splitPercent: 1 }));
    expect(splitProblems({ controlPercent: 0, variants: seventeen }).map((p) => p.path)).toContain("variants");
  });

  it("keys run A..P", () => {
    expect(variantKey(0)).toBe("A");
    expect(variantKey(15)).toBe("P");
    expect(() => variantKey(16)).toThrow();
  });
});

describe("userShares", () => {
  it("gives each split as a share of all users: the splits share what the control group leaves", () => {
    // the editor read "Split A 50, Split B 50, Control 20" as 120%
    expect(userShares({ controlPercent: 20, variants: [{ key: "A", splitPercent: 50 }, { key: "B", splitPercent: 50 }] })).toEqual({
      control: 20,
      variants: [{ key: "A", percent: 40 }, { key: "B", percent: 40 }],
    });
    expect(userShares({ controlPercent: 0, variants: [{ key: "A", splitPercent: 70 }, { key: "B", splitPercent: 30 }] }).variants.map((v) => v.percent)).toEqual([70, 30]);
    expect(userShares({ controlPercent: 10, variants: [{ key: "A", splitPercent: 33 }, { key: "B", splitPercent: 33 }, { key: "C", splitPercent: 34 }] }).variants.map((v) => v.percent)).toEqual([29.7, 29.7, 30.6]);
  });

  it("matches where assignVariant puts users", () => {
    const config: SplitConfig = { controlPercent: 20, variants: [{ key: "A", splitPercent: 25 }, { key: "B", splitPercent: 75 }] };
    const counts: Record<string, number> = {};
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const a = assignVariant({ campaignId: "c", actionId: "a", userId: `u${i}` }, config);
      counts[a] = (counts[a] ?? 0) + 1;
    }
    const shares = userShares(config);
    expect(Math.abs((counts.control! / n) * 100 - shares.control)).toBeLessThan(1.5);
    for (const v of shares.variants) expect(Math.abs((counts[v.key]! / n) * 100 - v.percent)).toBeLessThan(1.5);
  });
});
