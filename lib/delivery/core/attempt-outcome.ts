// What came of one attempt, in the delivery detail's words, agreeing with the delivery's reason: a
// retryable answer is "will be retried" only when another attempt follows; the last one without is "no
// retries left"; an attempt followed by another though none was due was retried by hand (Retry, Retry all
// failed), said with who did it: a campaign with No retries showed "failed, retried", as if its policy had.

/** `retriedBy`: who retried it by hand, as the audit log has it (null: not known). */
export type AttemptSeen = { outcome: string; nextAttemptAt: string | null; retriedBy?: string | null };

export function attemptOutcomeText(a: AttemptSeen, last: boolean): string {
  const failed = a.outcome === "retryable" ? "failed" : a.outcome;
  if (a.nextAttemptAt) return last ? "failed, will be retried" : "failed, retried automatically";
  if (!last) return `${failed}, retried by hand${a.retriedBy ? ` (by ${a.retriedBy})` : ""}`;
  return a.outcome === "retryable" ? "failed, no retries left" : a.outcome;
}
