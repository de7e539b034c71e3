// The line over the audience's conditions: how many users match, or why there is no count. A count of
// the audience before the last change is never shown as the count of this one.
import type { Condition } from "./conditions";
import { pluralWord } from "../text/plural";

/** The audience as typed: its conditions may lack an attribute yet. */
type AudienceDraft = { match: "all" | "any"; conditions: readonly Pick<Condition, "key">[] };

export const COMPLETE_TO_COUNT = "Complete the condition to count";

/** Whether the count can be asked: a condition without an attribute yet is refused (400), so it is not asked. */
export function countableAudience(audience: AudienceDraft): boolean {
  return audience.conditions.every((c) => c.key.trim() !== "");
}

export function audienceCountLine(
  audience: AudienceDraft,
  counted: { data: { matching: number; total: number } | undefined; error: Error | null },
): string {
  if (!countableAudience(audience)) return COMPLETE_TO_COUNT;
  if (counted.error) return counted.error.message;
  if (counted.data) return `${counted.data.matching} of ${counted.data.total} ${pluralWord(counted.data.total, "user", "users")} match`;
  return "Counting users…";
}
