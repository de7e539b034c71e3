// A/B variants and the control group of a webhook step: which variant (or the control group) each
// user gets. Pure and deterministic: a hash of campaign, step and user picks a point in [0, 1); the
// control group is the start of the interval, the rest is cut by the variants' cumulative splits,
// so a retry, a recurring occurrence or a second trigger lands the same user in the same place, and
// changing one split moves only the users between the old and the new cut.
// Client-safe (no imports), so the editor checks splits with the same rule.

/** Variant keys: the step itself is "A", its variants B, C, ... (16 in all, as Leanplum allows). */
export const VARIANT_KEYS = ["A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O", "P"] as const;
export type VariantKey = (typeof VARIANT_KEYS)[number];
export const MAX_VARIANTS = VARIANT_KEYS.length;
/** variant rows besides the step itself */
export const MAX_EXTRA_VARIANTS = MAX_VARIANTS - 1;
export const MAX_CONTROL_PERCENT = 90;

export type VariantSplit = { key: string; splitPercent: number };
export type SplitConfig = { controlPercent: number; variants: VariantSplit[] };
/** The group of held-out users (ControlGroupMember rows), beside the variant keys A..P. */
export const CONTROL = "control";
export type Assignment = typeof CONTROL | string;

export function variantKey(index: number): VariantKey {
  const key = VARIANT_KEYS[index];
  if (!key) throw new RangeError(`A webhook can have at most ${MAX_VARIANTS} variants`);
  return key;
}

const FNV_OFFSET = 0x811c9dc5;

/** FNV-1a (32 bit) of the text, as an unsigned integer; `from` continues the hash of a prefix. */
export function fnv1a(text: string, from = FNV_OFFSET): number {
  let hash = from;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * The user's point in [0, 1). FNV-1a alone clusters for ids that differ in their last characters
 * ("u000001", "u000002"), so its result goes through a murmur3 finaliser to spread the bits.
 */
// A fan-out hashes each step's prefix for every user (a later step also its earlier steps' control
// groups, user by user): each prefix is hashed once and continued per user.
const prefixHashes = new Map<string, number>();
const MAX_PREFIXES = 64;

function prefixHash(prefix: string): number {
  let hash = prefixHashes.get(prefix);
  if (hash === undefined) {
    if (prefixHashes.size >= MAX_PREFIXES) prefixHashes.clear();
    prefixHashes.set(prefix, (hash = fnv1a(prefix)));
  }
  return hash;
}

export function assignmentPoint(ids: { campaignId: string; actionId: string; userId: string }): number {
  let h = fnv1a(ids.userId, prefixHash(`${ids.campaignId}:${ids.actionId}:`));
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 0x1_0000_0000;
}

/**
 * Where [0, 1) is cut: the control group below `control`, then each variant below its `upTo`. The
 * splits are shares of the users left after the control group (50/50 with a 20% control: 40% each).
 */
function splitCuts(config: SplitConfig): { control: number; variants: { key: string; upTo: number }[] } {
  const control = config.controlPercent / 100;
  const total = config.variants.reduce((sum, v) => sum + v.splitPercent, 0) || 1;
  let cumulative = 0;
  const variants = config.variants.map((v) => {
    cumulative += v.splitPercent;
    return { key: v.key, upTo: control + ((1 - control) * cumulative) / total };
  });
  return { control, variants };
}

/** "control" or the key of the user's variant. Splits are taken as given (checked by splitProblems at save). */
export function assignVariant(ids: { campaignId: string; actionId: string; userId: string }, config: SplitConfig): Assignment {
  const point = assignmentPoint(ids);
  const cuts = splitCuts(config);
  if (point < cuts.control) return CONTROL;
  if (cuts.variants.length === 0) return "A";
  return (cuts.variants.find((v) => point < v.upTo) ?? cuts.variants[cuts.variants.length - 1]!).key;
}

/**
 * Whether the user is in the step's control group: assignVariant's first cut alone. A step's control
 * group holds its users out of every later step of the campaign too (core/plan.ts), so planning a later
 * step asks this of each earlier one, from the same hash, without reading what was planned for it.
 */
export function inControlGroup(ids: { campaignId: string; actionId: string; userId: string }, controlPercent: number): boolean {
  return controlPercent > 0 && assignmentPoint(ids) < controlPercent / 100;
}

/**
 * The percent of all users each variant and the control group get, from the cuts assignVariant uses:
 * what the editor shows beside each split ("= 40% of users"), so 50 + 50 + 20 does not read as 120%.
 */
export function userShares(config: SplitConfig): { control: number; variants: { key: string; percent: number }[] } {
  const cuts = splitCuts(config);
  let from = cuts.control;
  const variants = cuts.variants.map((v) => {
    const percent = (v.upTo - from) * 100;
    from = v.upTo;
    return { key: v.key, percent: Math.round(percent * 10) / 10 };
  });
  return { control: config.controlPercent, variants };
}

/** Whether a step splits its users at all: some variant besides A, or a control group. */
export function splitsUsers(config: SplitConfig): boolean {
  return config.controlPercent > 0 || config.variants.length > 1;
}

/**
 * Problems with a step's split (empty when fine): 2..16 variants including A when there are any,
 * whole percents adding up to 100, control 0..90. `variants` includes A (the step itself).
 */
export function splitProblems(config: SplitConfig): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  const { controlPercent, variants } = config;
  if (!Number.isInteger(controlPercent) || controlPercent < 0 || controlPercent > MAX_CONTROL_PERCENT) {
    problems.push({ path: "controlPercent", message: `The control group is a whole percent from 0 to ${MAX_CONTROL_PERCENT}` });
  }
  if (variants.length > MAX_VARIANTS) problems.push({ path: "variants", message: `A webhook can have at most ${MAX_VARIANTS} variants (A to P)` });
  if (variants.length <= 1) return problems;
  variants.forEach((v, i) => {
    if (!Number.isInteger(v.splitPercent) || v.splitPercent < 1 || v.splitPercent > 99) {
      problems.push({ path: i === 0 ? "splitPercent" : `variants.${i - 1}.splitPercent`, message: `Variant ${v.key}'s split is a whole percent from 1 to 99` });
    }
  });
  const sum = variants.reduce((s, v) => s + v.splitPercent, 0);
  if (sum !== 100) {
    problems.push({ path: "splitPercent", message: `The variants' splits add up to ${sum}%; they must add up to 100%` });
  }
  return problems;
}

/** Under the webhook's name field while a variant's tab is open: the name there is the variant's, not the webhook's (a walkthrough thought it had renamed the webhook). */
export const variantNameHint = (variant: string) => `Variant ${variant}'s own name, shown in results and the log as "${variant} · …". The webhook's name is on tab A.`;
