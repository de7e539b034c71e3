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
    if (cap.perDay && c.day >= cap.perDay) stopped.set(index, `Frequency cap: ${cap.perDay} per day reached`);
    else if (cap.perWeek && c.week >= cap.perWeek) stopped.set(index, `Frequency cap: ${cap.perWeek} per week reached`);
    else {
      c.day += 1;
      c.week += 1;
    }
    running.set(send.userId, c);
  });
  return stopped;
}
