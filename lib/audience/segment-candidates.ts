// What the database can rule out of a segment before its users are read: a condition that needs a value
// (every operator but notEquals) cannot hold for a user whose attributes lack its key. The segment's own
// test (segmentMatcher) still decides; this only spares reading the users who cannot match (Activate's
// sample of a rare segment read 10,000 users' attributes to find its 20).
import { canNameJsonKey, jsonKeyPresentSql } from "../db/dialect";
import type { SqlParams } from "../db/raw-sql";
import type { Condition } from "./conditions";
import type { Segment } from "./segment";

/** Keys a segment reads from the user's own columns, not from the attributes (segmentView). */
const BUILT_IN = new Set(["id", "email", "timezone"]);

/**
 * The attribute keys of which a user the condition can hold for has one: its key, or, for `a.b`, `a`
 * (readPath tries the literal key, then the path). Null when nothing can be ruled out (notEquals holds
 * for a missing value; a built-in key; a key the database's path cannot name).
 */
function candidateKeys(condition: Condition): string[] | null {
  if (condition.operator === "notEquals") return null;
  const key = condition.key;
  const first = key.split(".")[0]!;
  if (BUILT_IN.has(key) || BUILT_IN.has(first)) return null;
  const keys = first === key ? [key] : [key, first];
  return keys.every(canNameJsonKey) ? keys : null;
}

/**
 * A SQL condition on `attributes` (User's column) that every user matching `segment` meets (more may
 * meet it), its parameters added to `p`; null when it rules nobody out (nothing added). "all": each
 * condition that rules some out; "any": one of them, if each condition rules some out.
 */
export function segmentCandidatesSql(segment: Segment, attributes: string, p: SqlParams): string | null {
  const each = segment.conditions.map(candidateKeys);
  const known = each.filter((k): k is string[] => k !== null);
  if (!known.length || (segment.match === "any" && known.length < each.length)) return null;
  const sql = known.map((keys) => `(${keys.map((k) => jsonKeyPresentSql(attributes, k, p)).join(" OR ")})`);
  return segment.match === "all" ? sql.join(" AND ") : `(${sql.join(" OR ")})`;
}
