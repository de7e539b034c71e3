// THE rule of whether a Retry by hand would really send: the log's Retry, the API's retry and "Retry all
// failed" ask it, so none of them answers "Retrying" while the engine suppresses or fails the row again
// at once. A delivery is refused (the answer says why and what to do) when
// - the frequency cap that stopped it still stops its user (frequency-cap-holds.ts capStopsSend);
// - its step reads what an earlier step saves from its answer, that step finished for the user without
//   one (failed, suppressed, cancelled) and is not retried with it, and the user has no value of it: the
//   engine would suppress it again (the cap stopped that step) or fail it ("Not sent: ...") (core/decide.ts
//   unsavedAnswer), whatever the cap now says of this campaign (exempt, or no cap at all); a step TIMED
//   from what that step saves is refused whatever value the user holds (decide.ts times it only from this
//   run's answer: it would be suppressed again, "Retrying now." said otherwise).
import type { Tx } from "../../db/transaction";
import { prismaRawTx } from "../../db/raw";
import { usersByIdThrough, type UserForPlanning } from "../../audience/users";
import { awaitedSteps, chainStepLabels, type AwaitedStep } from "../../campaigns/awaited-steps";
import { attributesNeeded, storedAttributeTemplate } from "../../campaigns/unknown-attributes";
import { capReasonWords, stoppedByFrequencyCap } from "../core/frequency-cap";
import { lacksValue } from "../core/decide";
import { retryWaitsForStepMessage } from "../core/hold-reason";
import { failedBehindFinishedSteps, isUnfinished, undeliveredEarlierSteps } from "./earlier-steps";
import { capStopsSend } from "./frequency-cap-holds";
import { getFrequencyCap } from "./frequency-cap-setting";

/** A retry by hand that would not send: the message says why (the log shows it, the API answers 409 with it). */
export class RetryRefusedError extends Error {}

export type RetriedDelivery = { id: string; state: string; reason: string | null; userId: string; campaignId: string; actionId: string; variantActionId: string | null; campaign: { capExempt: boolean } };

/** An earlier step's row of the same user and trigger, as the rule reads it. */
type EarlierRow = { actionId: string; state: string; reason?: string | null };

/** The campaign's steps as the wait reads them (awaited-steps.ts), and the attributes each row's own templates name. */
async function stepsOf(tx: Tx, campaignId: string) {
  const actions = await tx.action.findMany({ where: { campaignId } });
  const awaits = awaitedSteps(actions.map((a) => ({ ...a, template: storedAttributeTemplate(a) })));
  const names = new Map(actions.map((a) => [a.id, new Set(attributesNeeded(storedAttributeTemplate(a)))]));
  return { actions, awaits, names };
}

/**
 * The pure core: why a row of a step waiting for `awaited` (in step order) would not send, retried
 * without the earlier rows `rows` (of its user and trigger), or null. An earlier row still under way
 * holds it, which is what "Retrying" promises; otherwise the first step it names (`names`) whose row
 * finished without an answer, for a user lacking a value that step saves, stops it, as decide() does.
 */
export function earlierStepRefusal(awaited: AwaitedStep[], names: ReadonlySet<string> | undefined, rows: EarlierRow[], user: UserForPlanning | undefined): string | null {
  const rowOf = (s: AwaitedStep) => rows.find((r) => r.actionId === s.actionId);
  if (rows.some((r) => isUnfinished(r.state))) return null;
  if (!user) return null;
  for (const step of awaited) {
    const row = rowOf(step);
    if (!row || row.state === "delivered") continue;
    // its time (awaited-steps.ts `timing`) comes only from what that step's answer saves for this run or
    // event: a value the user holds from another (or from before) times nothing, so it is suppressed again
    const absent = step.attributes.filter((a) => a === step.timing || (names?.has(a) && lacksValue(user, a)));
    if (absent.length) return retryWaitsForStepMessage(step.label, row.state, row.reason, absent);
  }
  return null;
}

/** Why the frequency cap that stopped this delivery would stop it again (as the engine would), or null. */
async function capRefusal(tx: Tx, delivery: RetriedDelivery, steps: ReadonlyMap<string, string> | undefined, now: Date): Promise<string | null> {
  if (delivery.state !== "suppressed" || !stoppedByFrequencyCap(delivery.reason) || delivery.campaign.capExempt) return null;
  const cap = await getFrequencyCap(tx);
  if (!cap) return null;
  // a step follows the other rows of its chain for the user (same campaign and trigger), as the engine does (frequency-cap-holds.ts)
  const stop = await capStopsSend(tx, cap, { id: delivery.id, userId: delivery.userId, actionId: delivery.actionId, steps }, now);
  if (!stop) return null;
  if (stop.byStep) {
    return `The frequency cap stopped it: ${capReasonWords(stop.reason)}, and this step follows it. Retry ${stop.byStep} for this user first, or an admin can exempt the campaign from the cap.`;
  }
  return `The frequency cap stopped it: ${capReasonWords(stop.reason)} for this user, and it still applies. Retry once it no longer does, or an admin can exempt the campaign from the cap.`;
}

/**
 * Why one delivery retried by hand (the log's Retry, the API) would not send, or null; read in the
 * retry's own transaction `tx`. Retried alone: an earlier step's row it waits for is not retried with it.
 */
export async function retryRefusal(tx: Tx, delivery: RetriedDelivery, now: Date): Promise<string | null> {
  const { actions, awaits, names } = await stepsOf(tx, delivery.campaignId);
  const capped = await capRefusal(tx, delivery, chainStepLabels(actions) ?? undefined, now);
  if (capped) return capped;
  const awaited = awaits.get(delivery.actionId);
  if (!awaited) return null;
  const raw = prismaRawTx(tx);
  const rows = (await undeliveredEarlierSteps(raw, [delivery.id], awaited.map((s) => s.actionId))).get(delivery.id) ?? [];
  if (!rows.length) return null;
  const user = (await usersByIdThrough(raw, [delivery.userId])).get(delivery.userId);
  return earlierStepRefusal(awaited, names.get(delivery.variantActionId ?? delivery.actionId), rows, user);
}

/**
 * Which of a campaign's failed deliveries "Retry all failed" would reopen only for the engine to stop
 * again (by id, with why): their earlier step's row finished without an answer and is not failed (so not
 * retried with them). Read in its transaction `tx`; one statement, and only for a campaign whose steps wait.
 */
export async function retryAllRefusals(tx: Tx, campaignId: string): Promise<Map<string, string>> {
  const refused = new Map<string, string>();
  const { awaits, names } = await stepsOf(tx, campaignId);
  if (!awaits.size) return refused;
  const raw = prismaRawTx(tx);
  const found = await failedBehindFinishedSteps(raw, campaignId, [...awaits.keys()], [...new Set([...awaits.values()].flatMap((steps) => steps.map((s) => s.actionId)))]);
  if (!found.length) return refused;
  const users = await usersByIdThrough(raw, [...new Set(found.map((r) => r.userId))]);
  const byRow = new Map<string, typeof found>();
  for (const r of found) byRow.set(r.deliveryId, [...(byRow.get(r.deliveryId) ?? []), r]);
  for (const [id, rows] of byRow) {
    const { waitingId, variantActionId, userId } = rows[0]!;
    // the earlier rows found are suppressed or cancelled: Retry all failed reopens none of them
    const why = earlierStepRefusal(awaits.get(waitingId)!, names.get(variantActionId ?? waitingId), rows, users.get(userId));
    if (why) refused.set(id, why);
  }
  return refused;
}
