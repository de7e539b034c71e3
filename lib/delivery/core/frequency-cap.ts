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
 * How the cap reads a send of a campaign's later step (not its first step; a variant belongs to its step),
 * by the same user's delivery of the first step for the same trigger: a campaign's steps for one trigger
 * count once, and the cap decides at the first step. `passed`: the cap let that delivery through (it was
 * sent, or is being sent past the cap), so this send is neither stopped nor counted; `stopped`: the cap
 * stopped it (its reason), so this one is stopped too; `inBatch`: it is in the same batch (its index),
 * whose verdict this one follows. A later step without any of these (no delivery of the first step, or
 * one the cap never judged) is capped and counted on its own.
 */
export type FirstStepFate = { label: string } & ({ passed: true } | { stopped: string } | { inBatch: number });

const FOLLOWED = / was stopped for this user \(.*\)$/;

/**
 * What a later step says when the cap stopped an earlier step (its campaign's first) for the user:
 * "Frequency cap: Webhook 1 (Create contact) was stopped for this user (3 per day reached)". A reason
 * that says so already (that step followed its own first step) is kept as it is.
 */
export function firstStepStoppedReason(label: string, firstReason: string): string {
  if (stoppedByFrequencyCap(firstReason) && FOLLOWED.test(firstReason)) return firstReason;
  return `${CAP_REASON}${label} was stopped for this user (${capReasonWords(firstReason)})`;
}

export type CapSend = { userId: string; exempt: boolean; firstStep?: FirstStepFate };

/** Whether a send the cap did not stop counts against it: a later step that follows its first step does not. */
export function countsAgainstCap(send: CapSend): boolean {
  return !send.exempt && !send.firstStep;
}

/**
 * Which of a batch of sends the cap stops, in order: each allowed send counts against the
 * ones after it (not one that follows its first step: see FirstStepFate). Returns the reason per stopped index.
 */
export function applyFrequencyCap(cap: FrequencyCap | null | undefined, sends: CapSend[], counts: Map<string, SentCounts>): Map<number, string> {
  const stopped = new Map<number, string>();
  if (!capIsSet(cap)) return stopped;
  const running = new Map<string, SentCounts>();
  const following: number[] = [];
  sends.forEach((send, index) => {
    if (send.exempt) return;
    if (send.firstStep) {
      // decided once every first step of the batch is, and counting nothing: the order does not matter
      following.push(index);
      return;
    }
    const c = running.get(send.userId) ?? { ...(counts.get(send.userId) ?? { day: 0, week: 0 }) };
    if (cap.perDay && c.day >= cap.perDay) stopped.set(index, `${CAP_REASON}${cap.perDay} per day reached`);
    else if (cap.perWeek && c.week >= cap.perWeek) stopped.set(index, `${CAP_REASON}${cap.perWeek} per week reached`);
    else {
      c.day += 1;
      c.week += 1;
    }
    running.set(send.userId, c);
  });
  for (const index of following) {
    const fate = sends[index]!.firstStep!;
    const firstReason = "stopped" in fate ? fate.stopped : "inBatch" in fate ? stopped.get(fate.inBatch) : undefined;
    if (firstReason) stopped.set(index, firstStepStoppedReason(fate.label, firstReason));
  }
  return stopped;
}
