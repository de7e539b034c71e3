// The results table's statistics against values worked out by hand (z = 1.959964, z² = 3.841459).
import { describe, expect, it } from "vitest";
import {
  compareGroups,
  conversionRate,
  erfc,
  hasMinimumSample,
  MIN_CONVERSIONS_PER_GROUP,
  MIN_USERS_PER_GROUP,
  relativeLift,
  twoProportionZTest,
  twoSidedPValue,
  wilsonInterval,
} from "./conversion-stats";

describe("Wilson score interval (95%)", () => {
  it("20 of 200", () => {
    // p = 0.1, n = 200; z²/n = 0.0192073, denominator = 1.0192073
    // center = (0.1 + z²/(2n) = 0.0096036) / 1.0192073 = 0.1075384
    // half = z/1.0192073 · sqrt(0.1·0.9/200 + z²/(4·200²)) = 1.923030 · sqrt(0.00045 + 0.0000240091) = 1.923030 · 0.0217717 = 0.0418676
    // => [0.0656708, 0.1494060]
    const ci = wilsonInterval({ converted: 20, users: 200 })!;
    expect(ci.low).toBeCloseTo(0.0656708, 5);
    expect(ci.high).toBeCloseTo(0.149406, 5);
  });

  it("60 of 400", () => {
    // p = 0.15, n = 400; denominator = 1 + 3.841459/400 = 1.0096036
    // center = (0.15 + 0.0048018) / 1.0096036 = 0.1533291
    // half = 1.941321 · sqrt(0.15·0.85/400 + 3.841459/640000) = 1.941321 · sqrt(0.00031875 + 0.0000060023) = 1.941321 · 0.0180209 = 0.0349844
    // => [0.1183447, 0.1883135]
    const ci = wilsonInterval({ converted: 60, users: 400 })!;
    expect(ci.low).toBeCloseTo(0.1183447, 5);
    expect(ci.high).toBeCloseTo(0.1883135, 5);
  });

  it("stays inside [0, 1] at none and all converted", () => {
    // 0 of 50: center = (z²/100 = 0.0384146) / (1 + z²/50 = 1.0768292) = 0.0356738; half = (z/1.0768292)·(z/100) = 0.0356738 => [0, 0.0713476]
    const none = wilsonInterval({ converted: 0, users: 50 })!;
    expect(none.low).toBe(0);
    expect(none.high).toBeCloseTo(0.0713476, 5);
    // 50 of 50 is its mirror image: [0.9286524, 1]
    const all = wilsonInterval({ converted: 50, users: 50 })!;
    expect(all.low).toBeCloseTo(0.9286524, 5);
    expect(all.high).toBe(1);
  });

  it("is null without users, as is the rate", () => {
    expect(wilsonInterval({ converted: 0, users: 0 })).toBeNull();
    expect(conversionRate({ converted: 0, users: 0 })).toBeNull();
    expect(conversionRate({ converted: 3, users: 12 })).toBe(0.25);
  });
});

describe("pooled two-proportion z-test, two-sided", () => {
  it("60 of 400 against 20 of 200: z = 1.6984, p = 0.0894 (not significant)", () => {
    // pooled p = 80/600 = 0.1333333; SE = sqrt(0.1333333 · 0.8666667 · (1/400 + 1/200)) = sqrt(0.1155556 · 0.0075) = sqrt(0.00086667) = 0.0294392
    // z = (0.15 - 0.10) / 0.0294392 = 1.698416 ; p = 2·(1 - Φ(1.698416)) = 2 · 0.044715 = 0.08943
    const test = twoProportionZTest({ converted: 60, users: 400 }, { converted: 20, users: 200 })!;
    expect(test.z).toBeCloseTo(1.698416, 5);
    expect(test.pValue).toBeCloseTo(0.08943, 4);
  });

  it("150 of 1,000 against 100 of 1,000: z = 3.3806, p = 0.00072 (significant)", () => {
    // pooled p = 250/2000 = 0.125; SE = sqrt(0.125 · 0.875 · 0.002) = sqrt(0.00021875) = 0.0147902
    // z = 0.05 / 0.0147902 = 3.380617 ; p = 2·(1 - Φ(3.380617)) = 0.000723
    const test = twoProportionZTest({ converted: 150, users: 1000 }, { converted: 100, users: 1000 })!;
    expect(test.z).toBeCloseTo(3.380617, 5);
    expect(test.pValue).toBeCloseTo(0.000723, 5);
    // the sign follows the order: b against a is the mirror
    expect(twoProportionZTest({ converted: 100, users: 1000 }, { converted: 150, users: 1000 })!.z).toBeCloseTo(-3.380617, 5);
  });

  it("has no answer without users or without variance (nobody or everybody converted)", () => {
    expect(twoProportionZTest({ converted: 0, users: 0 }, { converted: 1, users: 10 })).toBeNull();
    expect(twoProportionZTest({ converted: 0, users: 100 }, { converted: 0, users: 100 })).toBeNull();
    expect(twoProportionZTest({ converted: 100, users: 100 }, { converted: 50, users: 50 })).toBeNull();
  });

  it("p-values of the normal distribution's landmarks", () => {
    // P(|Z| ≥ 1.959964) = 0.05, P(|Z| ≥ 3) = 0.0026998, P(|Z| ≥ 0) = 1
    expect(twoSidedPValue(1.959963984540054)).toBeCloseTo(0.05, 6);
    expect(twoSidedPValue(-3)).toBeCloseTo(0.0026998, 6);
    expect(twoSidedPValue(0)).toBe(1);
    expect(erfc(-1)).toBeCloseTo(2 - 0.1572992, 6);
  });
});

describe("lift and the minimum sample", () => {
  it("lift is the relative difference of the rates", () => {
    // (0.15 - 0.10) / 0.10 = 0.5 ; (0.08 - 0.10) / 0.10 = -0.2
    expect(relativeLift({ converted: 60, users: 400 }, { converted: 20, users: 200 })).toBeCloseTo(0.5, 10);
    expect(relativeLift({ converted: 8, users: 100 }, { converted: 10, users: 100 })).toBeCloseTo(-0.2, 10);
    expect(relativeLift({ converted: 8, users: 100 }, { converted: 0, users: 100 })).toBeNull();
  });

  it("needs 100 users and 10 conversions per group", () => {
    expect(MIN_USERS_PER_GROUP).toBe(100);
    expect(MIN_CONVERSIONS_PER_GROUP).toBe(10);
    expect(hasMinimumSample({ users: 100, converted: 10 })).toBe(true);
    expect(hasMinimumSample({ users: 99, converted: 50 })).toBe(false);
    expect(hasMinimumSample({ users: 5000, converted: 9 })).toBe(false);
  });
});

describe("compareGroups: the verdict", () => {
  it("declares the best significantly better group the winner", () => {
    const { stats, verdict } = compareGroups(
      [
        { key: "control", users: 1000, converted: 100 },
        { key: "A", users: 1000, converted: 150 },
        { key: "B", users: 1000, converted: 110 },
      ],
      "control",
    );
    expect(verdict).toMatchObject({ kind: "winner", key: "A" });
    expect(stats.get("A")!.comparison).toMatchObject({ significant: true });
    expect(stats.get("A")!.comparison!.lift).toBeCloseTo(0.5, 10);
    // B: pooled 210/2000 = 0.105, SE = sqrt(0.105 · 0.895 · 0.002) = 0.0137095, z = 0.01 / 0.0137095 = 0.7294, p = 0.4658
    expect(stats.get("B")!.comparison!.pValue).toBeCloseTo(0.4658, 3);
    expect(stats.get("B")!.comparison!.significant).toBe(false);
    expect(stats.get("control")!.comparison).toBeNull();
  });

  it("declares nothing below the minimum sample, whatever the p-value", () => {
    const { verdict } = compareGroups(
      [
        { key: "control", users: 99, converted: 10 },
        { key: "A", users: 400, converted: 200 },
      ],
      "control",
    );
    expect(verdict).toEqual({ kind: "too_small", minUsers: 100, minConversions: 10 });
  });

  it("says there is no difference when nothing is significant, and compares nothing with one group or no baseline", () => {
    expect(compareGroups([{ key: "control", users: 200, converted: 20 }, { key: "A", users: 400, converted: 60 }], "control").verdict).toEqual({ kind: "no_difference" });
    expect(compareGroups([{ key: "A", users: 400, converted: 60 }], "A").verdict).toEqual({ kind: "single" });
    expect(compareGroups([{ key: "A", users: 400, converted: 60 }, { key: "B", users: 400, converted: 60 }], null).verdict).toEqual({ kind: "single" });
  });
});
