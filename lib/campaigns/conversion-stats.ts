// The statistics of the results table, pure functions of counts:
// - a conversion rate's 95% confidence interval is the Wilson score interval (it stays inside [0, 1]
//   and behaves at 0 or all conversions, where the textbook p ± 1.96·SE does not);
// - the lift of a group over the baseline is the relative difference of their rates, (p - p0) / p0;
// - its significance is a pooled two-proportion z-test with a two-sided p-value.
// No winner is declared until every group compared has MIN_USERS_PER_GROUP users and
// MIN_CONVERSIONS_PER_GROUP conversions: below that the normal approximation and the rates mislead.

/** z for a two-sided 95% interval (the 0.975 quantile of the standard normal). */
const Z_95 = 1.959963984540054;
/** A lift is significant when its two-sided p-value is below this. */
const SIGNIFICANCE_LEVEL = 0.05;
export const MIN_USERS_PER_GROUP = 100;
export const MIN_CONVERSIONS_PER_GROUP = 10;

/** The one-line statement of the method the results table shows. */
export const METHOD_STATEMENT =
  `Reached = users the step's request was sent to (control: held out); delivered = of those, answered 2xx (control: past their send time); ` +
  `converted = of those, tracked the goal within its window after their first delivery. ` +
  `Conversion rate = converted ÷ delivered users (control: ÷ held-out users past their send time), with a 95% Wilson score interval; ` +
  `lift = relative difference from the baseline (the control group, or variant A without one), tested with a pooled two-proportion z-test (two-sided, significant below p = ${SIGNIFICANCE_LEVEL}); ` +
  `no winner below ${MIN_USERS_PER_GROUP} users and ${MIN_CONVERSIONS_PER_GROUP} conversions per group.`;

export type Proportion = { converted: number; users: number };
export type Interval = { low: number; high: number };

export function conversionRate({ converted, users }: Proportion): number | null {
  return users > 0 ? converted / users : null;
}

/** The Wilson score interval of converted/users (null without users). */
export function wilsonInterval({ converted, users }: Proportion, z = Z_95): Interval | null {
  if (users <= 0) return null;
  const p = converted / users;
  const z2 = z * z;
  const denominator = 1 + z2 / users;
  const center = (p + z2 / (2 * users)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / users + z2 / (4 * users * users));
  return { low: Math.max(0, center - half), high: Math.min(1, center + half) };
}

/** erfc(x), with a fractional error below 1.2e-7 everywhere (Numerical Recipes' Chebyshev fit), so small p-values keep their digits. */
export function erfc(x: number): number {
  const t = 1 / (1 + 0.5 * Math.abs(x));
  const poly =
    -1.26551223 +
    t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const value = t * Math.exp(-x * x + poly);
  return x >= 0 ? value : 2 - value;
}

/** P(|Z| ≥ |z|) for a standard normal Z. */
export function twoSidedPValue(z: number): number {
  return Math.min(1, erfc(Math.abs(z) / Math.SQRT2));
}

export type ZTest = { z: number; pValue: number };

/**
 * Pooled two-proportion z-test of a against b: z = (p_a - p_b) / sqrt(p(1-p)(1/n_a + 1/n_b)) with
 * p = (x_a + x_b) / (n_a + n_b). Null when a group has no users or the pooled rate is 0 or 1 (no variance).
 */
export function twoProportionZTest(a: Proportion, b: Proportion): ZTest | null {
  if (a.users <= 0 || b.users <= 0) return null;
  const pooled = (a.converted + b.converted) / (a.users + b.users);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / a.users + 1 / b.users));
  if (!(se > 0)) return null;
  const z = (a.converted / a.users - b.converted / b.users) / se;
  return { z, pValue: twoSidedPValue(z) };
}

/** (p - p0) / p0: null when the baseline has no users or converts nobody (a relative change of 0 is undefined). */
export function relativeLift(group: Proportion, baseline: Proportion): number | null {
  const p = conversionRate(group);
  const p0 = conversionRate(baseline);
  return p === null || p0 === null || p0 === 0 ? null : (p - p0) / p0;
}

export function hasMinimumSample(group: Proportion): boolean {
  return group.users >= MIN_USERS_PER_GROUP && group.converted >= MIN_CONVERSIONS_PER_GROUP;
}

export type GroupStatistics = {
  rate: number | null;
  interval: Interval | null;
  /** against the baseline; null for the baseline itself */
  comparison: { lift: number | null; z: number | null; pValue: number | null; significant: boolean } | null;
};

export type Verdict =
  | { kind: "single" }
  | { kind: "too_small"; minUsers: number; minConversions: number }
  | { kind: "winner"; key: string; lift: number | null; pValue: number }
  | { kind: "no_difference" };

/**
 * The statistics of one step's groups against its baseline (the key given), and the verdict: a
 * winner is the group with the highest rate among those significantly better than the baseline
 * (the baseline wins when every other group is significantly worse), and only once every group has
 * the minimum sample.
 */
export function compareGroups<K extends string>(groups: (Proportion & { key: K })[], baselineKey: K | null) {
  const baseline = baselineKey === null ? undefined : groups.find((g) => g.key === baselineKey);
  const stats = new Map<K, GroupStatistics>();
  for (const g of groups) {
    const test = baseline && g !== baseline ? twoProportionZTest(g, baseline) : null;
    stats.set(g.key, {
      rate: conversionRate(g),
      interval: wilsonInterval(g),
      comparison:
        baseline && g !== baseline
          ? { lift: relativeLift(g, baseline), z: test?.z ?? null, pValue: test?.pValue ?? null, significant: !!test && test.pValue < SIGNIFICANCE_LEVEL }
          : null,
    });
  }
  return { stats, verdict: verdictOf(groups, baseline, stats) };
}

function verdictOf<K extends string>(groups: (Proportion & { key: K })[], baseline: (Proportion & { key: K }) | undefined, stats: Map<K, GroupStatistics>): Verdict {
  if (!baseline || groups.length < 2) return { kind: "single" };
  if (!groups.every(hasMinimumSample)) return { kind: "too_small", minUsers: MIN_USERS_PER_GROUP, minConversions: MIN_CONVERSIONS_PER_GROUP };
  const others = groups.filter((g) => g !== baseline);
  const better = others
    .filter((g) => stats.get(g.key)!.comparison!.significant && conversionRate(g)! > conversionRate(baseline)!)
    .sort((x, y) => conversionRate(y)! - conversionRate(x)!);
  if (better.length) {
    const c = stats.get(better[0]!.key)!.comparison!;
    return { kind: "winner", key: better[0]!.key, lift: c.lift, pValue: c.pValue! };
  }
  const allWorse = others.every((g) => stats.get(g.key)!.comparison!.significant && conversionRate(g)! < conversionRate(baseline)!);
  if (allWorse) return { kind: "winner", key: baseline.key, lift: null, pValue: Math.max(...others.map((g) => stats.get(g.key)!.comparison!.pValue!)) };
  return { kind: "no_difference" };
}
