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
 * How the cap reads a send of a campaign with more than one step, by the other rows of its chain (the same
 * campaign, user and trigger): a chain counts once, and the cap decides at whichever of its steps comes to
 * it first; every other step follows. `counted`: another row of the chain counts (delivered, or being sent
 * past the cap, or retrying after its request left), so this send goes and adds nothing; `stopped`: the
 * cap stopped an earlier step's row that decided (its step's label and reason; a later step's stop is
 * never followed, or two stops could wait for each other) and none counts, so this one is stopped too;
 * `inBatch`: the chain's first row
 * in this batch (its index, before this one; its step's label) decides, and this one follows its verdict.
 * Without a fate a send is judged on its own and, passing, makes its chain count.
 */
export type ChainFate = { counted: true } | { stopped: { label: string; reason: string } } | { inBatch: number; label: string };

const FOLLOWED = / was stopped for this user \(.*\)$/;

/** Whether a reason the cap gave says the send followed another step of its chain (it did not decide). */
export function followedChainStep(reason: string | null | undefined): boolean {
  return stoppedByFrequencyCap(reason) && FOLLOWED.test(reason!);
}

/**
 * What a step says when the cap stopped another step of its chain for the user:
 * "Frequency cap: Webhook 1 (Create contact) was stopped for this user (3 per day reached)". A reason
 * that says so already (that step followed another) is kept as it is.
 */
export function chainStepStoppedReason(label: string, stoppedReason: string): string {
  if (followedChainStep(stoppedReason)) return stoppedReason;
  return `${CAP_REASON}${label} was stopped for this user (${capReasonWords(stoppedReason)})`;
}

export type CapSend = { userId: string; exempt: boolean; chain?: ChainFate };

/**
 * Which of a batch of sends the cap stops, in order: each allowed send counts against the ones after it,
 * except one that follows its chain (see ChainFate), which counts nothing more. Returns the reason per stopped index.
 */
export function applyFrequencyCap(cap: FrequencyCap | null | undefined, sends: CapSend[], counts: Map<string, SentCounts>): Map<number, string> {
  const stopped = new Map<number, string>();
  if (!capIsSet(cap)) return stopped;
  const running = new Map<string, SentCounts>();
  sends.forEach((send, index) => {
    if (send.exempt) return;
    const chain = send.chain;
    if (chain) {
      const by = "stopped" in chain ? chain.stopped : "inBatch" in chain && stopped.has(chain.inBatch) ? { label: chain.label, reason: stopped.get(chain.inBatch)! } : null;
      if (by) stopped.set(index, chainStepStoppedReason(by.label, by.reason));
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
  return stopped;
}
