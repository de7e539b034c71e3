// The per-user frequency cap across campaigns: at most N webhook sends per user per rolling day
// and per rolling week. Campaigns marked cap-exempt neither count against it nor are stopped.
import { z } from "zod";

export const frequencyCapSchema = z
  .object({
    perDay: z.number().int().min(1).max(100000).nullish(),
    perWeek: z.number().int().min(1).max(1000000).nullish(),
  })
  .strict();
export type FrequencyCap = z.infer<typeof frequencyCapSchema>;

export const DAY_MS = 24 * 60 * 60 * 1000;
export const WEEK_MS = 7 * DAY_MS;

export function capIsSet(cap: FrequencyCap | null | undefined): cap is FrequencyCap {
  return !!cap && (!!cap.perDay || !!cap.perWeek);
}

export type SentCounts = { day: number; week: number };

/** How a reason the cap gave starts ("Frequency cap: 1 per day reached"). */
const CAP_REASON = "Frequency cap: ";

/** Whether a suppressed delivery's reason is the frequency cap's: Retry sends it only once the cap no longer stops its user. */
export function stoppedByFrequencyCap(reason: string | null | undefined): boolean {
  return !!reason && reason.startsWith(CAP_REASON);
}

/** "1 per day reached" of "Frequency cap: 1 per day reached". */
export function capReasonWords(reason: string): string {
  return reason.startsWith(CAP_REASON) ? reason.slice(CAP_REASON.length) : reason;
}

/**
 * Which of a batch of sends the cap stops, in order: each allowed send counts against the
 * ones after it. Returns the reason per stopped index.
 */
export function applyFrequencyCap(
  cap: FrequencyCap | null | undefined,
  sends: { userId: string; exempt: boolean }[],
  counts: Map<string, SentCounts>,
): Map<number, string> {
  const stopped = new Map<number, string>();
  if (!capIsSet(cap)) return stopped;
  const running = new Map<string, SentCounts>();
  sends.forEach((send, index) => {
    if (send.exempt) return;
    const c = running.get(send.userId) ?? { ...(counts.get(send.userId) ?? { day: 0, week: 0 }) };
    if (cap.perDay && c.day >= cap.perDay) stopped.set(index, `${CAP_REASON}${cap.perDay} per day reached`);
    else if (cap.perWeek && c.week >= cap.perWeek) stopped.set(index, `${CAP_REASON}${cap.perWeek} per week reached`);
    else {
      c.day += 1;
      c.week += 1;
    }
    running.set(send.userId, c);
  });
  return stopped;
}
