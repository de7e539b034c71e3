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

/**
 * `sent`: the campaign was activated, so the count is of the audience now, not of who it sent to
 * (a finished campaign read "39 of 39 users match" beside 37 sends).
 */
export function audienceCountLine(
  audience: AudienceDraft,
  counted: { data: { matching: number; total: number } | undefined; error: Error | null },
  options: { sent?: boolean } = {},
): string {
  if (!countableAudience(audience)) return COMPLETE_TO_COUNT;
  if (counted.error) return counted.error.message;
  if (counted.data) {
    const line = `${counted.data.matching} of ${counted.data.total} ${pluralWord(counted.data.total, "user", "users")} match`;
    return options.sent ? `${line} now; who it sent to was fixed when it was activated (the delivery log lists them)` : line;
  }
  return "Counting users…";
}

/** What an immediate rule does, told as the campaign's status has it: before, while and after it sends. */
export function immediateRuleLine(status: string): string {
  if (status === "draft") return "Every user in the audience gets each webhook as soon as the campaign is activated.";
  if (status === "finished") return "Sent: every user in the audience when the campaign was activated was sent each webhook.";
  return "Every user in the audience when the campaign was activated is sent each webhook.";
}
