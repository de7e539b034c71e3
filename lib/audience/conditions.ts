// One comparison rule for segment conditions (user attributes) and trigger conditions (event
// parameters), so "contains" or "greater" means the same thing everywhere.
import { z } from "zod";
import { parseDateInput } from "../date-input";

export const CONDITION_OPERATORS = ["equals", "notEquals", "contains", "exists", "greater", "less", "inList"] as const;
export type ConditionOperator = (typeof CONDITION_OPERATORS)[number];

export const conditionSchema = z
  .object({
    key: z.string().trim().min(1, "Choose an attribute or parameter"),
    operator: z.enum(CONDITION_OPERATORS),
    /** ignored for "exists"; a list for "inList" (a comma-separated string is accepted too) */
    value: z.union([z.string(), z.number(), z.boolean(), z.array(z.union([z.string(), z.number()]))]).optional(),
  })
  .strict();
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

function asNumber(v: unknown): number | null {
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (typeof v === "string" && v.trim() !== "") {
    const n = Number(v);
    if (Number.isFinite(n)) return n;
    // a date compares as its instant, UTC unless it carries an offset (not in the server's zone)
    return parseDateInput(v)?.getTime() ?? null;
  }
  if (typeof v === "boolean") return v ? 1 : 0;
  return null;
}

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

export function matchesCondition(actual: unknown, condition: Condition): boolean {
  const present = actual !== undefined && actual !== null && actual !== "";
  switch (condition.operator) {
    case "exists":
      return present;
    case "equals":
      return present && asText(actual) === asText(condition.value);
    case "notEquals":
      return asText(actual) !== asText(condition.value);
    case "contains":
      if (!present) return false;
      if (Array.isArray(actual)) return actual.some((a) => asText(a) === asText(condition.value));
      return asText(actual).includes(asText(condition.value));
    case "greater":
    case "less": {
      const a = asNumber(actual);
      const b = asNumber(condition.value);
      if (a === null || b === null) return false;
      return condition.operator === "greater" ? a > b : a < b;
    }
    case "inList":
      return present && listOf(condition.value).includes(asText(actual));
  }
}

export function matchesAll(source: Record<string, unknown>, conditions: Condition[], combinator: "all" | "any" = "all") {
  if (conditions.length === 0) return true;
  const test = (c: Condition) => matchesCondition(readPath(source, c.key), c);
  return combinator === "all" ? conditions.every(test) : conditions.some(test);
}
