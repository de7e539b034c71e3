// One comparison rule for segment conditions (user attributes) and trigger conditions (event
// parameters), so "contains" or "greater" means the same thing everywhere.
import { z } from "zod";
import { parseDateInput } from "../date-input";

export const CONDITION_OPERATORS = ["equals", "notEquals", "contains", "exists", "greater", "less", "inList"] as const;

/** Bounds on one condition: each is stored with its campaign and compared against every user or
 * event, so its size is what every count, fan-out and tracked-event batch pays. */
export const MAX_CONDITION_KEY = 256;
export const MAX_CONDITION_TEXT = 100_000;
export const MAX_CONDITION_LIST = 10_000;
export const MAX_CONDITION_LIST_ITEM = 500;

export const conditionSchema = z
  .object({
    key: z.string().trim().min(1, "Choose an attribute or parameter").max(MAX_CONDITION_KEY, `A key can be at most ${MAX_CONDITION_KEY} characters`),
    operator: z.enum(CONDITION_OPERATORS),
    /** ignored for "exists"; a list for "inList" (a comma-separated string is accepted too) */
    value: z.union([z.string(), z.number(), z.boolean(), z.array(z.union([z.string(), z.number()]))]).optional(),
  })
  .strict()
  // the sizes checked here rather than inside the union, whose refusal would only say "Invalid input"
  .superRefine(({ value }, ctx) => {
    const at = (message: string) => ctx.addIssue({ code: "custom", path: ["value"], message });
    if (typeof value === "string" && value.length > MAX_CONDITION_TEXT) at(`A value can be at most ${MAX_CONDITION_TEXT.toLocaleString("en-US")} characters`);
    if (!Array.isArray(value)) return;
    if (value.length > MAX_CONDITION_LIST) return at(`A list can hold at most ${MAX_CONDITION_LIST.toLocaleString("en-US")} values`);
    if (value.some((v) => typeof v === "string" && v.length > MAX_CONDITION_LIST_ITEM)) at(`Each value in a list can be at most ${MAX_CONDITION_LIST_ITEM} characters`);
  });
export type Condition = z.infer<typeof conditionSchema>;

/**
 * Reads `a.b.c` from a record; a key with a literal dot is tried first. Own keys only, at every step:
 * `constructor` or `toString` would otherwise find what every object inherits, and match every user.
 */
export function readPath(source: Record<string, unknown> | null | undefined, key: string): unknown {
  if (!source) return undefined;
  if (Object.hasOwn(source, key)) return source[key];
  let current: unknown = source;
  for (const part of key.split(".")) {
    if (current === null || typeof current !== "object" || !Object.hasOwn(current, part)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/**
 * What `greater` and `less` compare: a number (a JSON number, a string of digits, a boolean as 0 or 1),
 * or a date (any other string that reads as one: lib/date-input.ts), in milliseconds.
 */
type Ordered = { kind: "number" | "date"; value: number };

function ordered(v: unknown): Ordered | null {
  if (typeof v === "number") return Number.isFinite(v) ? { kind: "number", value: v } : null;
  if (typeof v === "boolean") return { kind: "number", value: v ? 1 : 0 };
  if (typeof v !== "string" || v.trim() === "") return null;
  const n = Number(v);
  if (Number.isFinite(n)) return { kind: "number", value: n };
  // a date compares as its instant, UTC unless it carries an offset (not in the server's zone)
  const ms = parseDateInput(v)?.getTime();
  return ms === undefined ? null : { kind: "date", value: ms };
}

/**
 * a - b, in one unit. A number compared with a date is Unix seconds, as everywhere a number stands for
 * a time (lib/date-input.ts): "signupDate after 1793491200" is after 2026-11-01T00:00:00Z, not after
 * 1970 (the milliseconds of the date against the seconds of the number put every date after it).
 */
function difference(a: Ordered, b: Ordered): number {
  if (a.kind === b.kind) return a.value - b.value;
  return (a.kind === "number" ? a.value * 1000 : a.value) - (b.kind === "number" ? b.value * 1000 : b.value);
}

/**
 * What asText below means for a marketer, said under every list of conditions (audience, event): a
 * segment "plan equals pro" also takes users whose plan is "PRO" (a walkthrough's surprise).
 */
export const CONDITIONS_COMPARE_NOTE = "Text is compared ignoring case and spaces around it: \"Pro\" equals \"pro\", 42 equals \"42\".";

// Values compare as text, case-insensitively: "Paris" equals "paris", 42 equals "42".
function asText(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "object") return JSON.stringify(v).toLowerCase();
  return String(v).trim().toLowerCase();
}

function listOf(value: Condition["value"]): string[] {
  if (Array.isArray(value)) return value.map(asText);
  if (typeof value === "string") return value.split(",").map((s) => s.trim().toLowerCase()).filter(Boolean);
  return value === undefined ? [] : [asText(value)];
}

/** One value's test against a condition, its own value read once (a count tests it against every user). */
type ConditionTest = (actual: unknown) => boolean;

const isPresent = (actual: unknown) => actual !== undefined && actual !== null && actual !== "";

function compileCondition(condition: Condition): ConditionTest {
  switch (condition.operator) {
    case "exists":
      return isPresent;
    case "equals": {
      const expected = asText(condition.value);
      return (actual) => isPresent(actual) && asText(actual) === expected;
    }
    case "notEquals": {
      const expected = asText(condition.value);
      return (actual) => asText(actual) !== expected;
    }
    case "contains": {
      const expected = asText(condition.value);
      return (actual) => {
        if (!isPresent(actual)) return false;
        if (Array.isArray(actual)) return actual.some((a) => asText(a) === expected);
        return asText(actual).includes(expected);
      };
    }
    case "greater":
    case "less": {
      const bound = ordered(condition.value);
      if (!bound) return () => false;
      const greater = condition.operator === "greater";
      return (actual) => {
        const a = ordered(actual);
        if (!a) return false;
        const d = difference(a, bound);
        return greater ? d > 0 : d < 0;
      };
    }
    case "inList": {
      const list = new Set(listOf(condition.value));
      return (actual) => isPresent(actual) && list.has(asText(actual));
    }
  }
}

/** A test of a record (a user's attributes, an event's parameters) against conditions, each read once. */
export function compileConditions(conditions: Condition[], combinator: "all" | "any" = "all"): (source: Record<string, unknown>) => boolean {
  if (conditions.length === 0) return () => true;
  const tests = conditions.map((c) => ({ key: c.key, test: compileCondition(c) }));
  if (combinator === "all") return (source) => tests.every(({ key, test }) => test(readPath(source, key)));
  return (source) => tests.some(({ key, test }) => test(readPath(source, key)));
}

/** One record against conditions (compileConditions to test many). */
export function matchesAll(source: Record<string, unknown>, conditions: Condition[], combinator: "all" | "any" = "all") {
  return compileConditions(conditions, combinator)(source);
}
