// The one wording of a delivery held for quiet hours or until its campaign's start date (and of one
// paused by its host's breaker):
// written by decide() when it holds a row, and read back by the log, its detail, the API and the CSV
// export so that all of them say the same.
// A held row stays "scheduled" (no state of its own: the engine claims it when the hours end);
// what tells it apart is this reason.
import { DateTime } from "luxon";
import { capReasonWords, stoppedByFrequencyCap } from "./frequency-cap";

const QUIET_PREFIX = "Held for quiet hours";
/** How rows held before this wording existed read: "Held for quiet hours in Europe/Berlin until 2026-12-05T07:00:00.000Z". */
const LEGACY = /^Held for quiet hours in (\S+) until (\d{4}-\d{2}-\d{2}T[\d:.]+Z)$/;

/** "Held for quiet hours until 08:00 Sat 5 Dec (Europe/Berlin)": the end of quiet hours in the user's own zone. */
export function quietHoursHoldReason(until: Date, zone: string): string {
  const local = DateTime.fromJSDate(until, { zone }).setLocale("en-GB");
  const when = local.isValid ? local.toFormat("HH:mm ccc d LLL") : until.toISOString();
  return `${QUIET_PREFIX} until ${when} (${zone})`;
}

const START_PREFIX = "Held until the campaign's start:";

/**
 * "Held until the campaign's start: 2026-12-07 09:00 UTC": a start date set (or moved later while paused)
 * after the row was planned; in UTC, as the start date is stored and the API gives it.
 */
export function startDateHoldReason(startAt: Date): string {
  return `${START_PREFIX} ${startAt.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** how every hold for an earlier step begins (the wake of store/earlier-step-wake.ts finds them by it) */
export const EARLIER_STEP_PREFIX = "Waiting for ";

/**
 * "Waiting for Webhook 1 (Create contact) to finish: it saves crmId from its response": a step that reads
 * what an earlier step saves from its answer, held until that step's delivery to the same user has
 * finished (lib/campaigns/awaited-steps.ts). `step` as the editor names it.
 */
export function earlierStepHoldReason(step: string, attributes: string[]): string {
  return `${EARLIER_STEP_PREFIX}${step} to finish: it saves ${attributes.join(", ")} from its response`;
}

/**
 * Why a step that names what an earlier step saves from its answer was not sent (core/decide.ts
 * unsavedAnswer): the user has no value of `attributes` and that step's delivery to the same user saved
 * none. Failed (not retried), not suppressed: "Retry all failed" retries it. By `state`, that delivery's:
 * - failed, suppressed, cancelled: "Not sent: Webhook 1 (Create contact) did not deliver (failed), so crmId
 *   was never saved; retried with it, this one waits for its answer" (retried beside it, it waits for it);
 * - delivered: "Not sent: Webhook 1 (Create contact) delivered, but saved nothing from $.id (its attempt says why), so crmId
 *   was never saved; once the user has crmId, Retry sends this one" (`paths`: each attribute's mapped path;
 *   the answer itself is never quoted: the attempt of that delivery says more);
 * - null, there is none (a webhook added in front after the users were planned): "Not sent: Webhook 1
 *   (Create contact) has no delivery to this user, so crmId was never saved; once the user has crmId, …".
 */
export function earlierStepMissedReason(step: string, state: string | null, attributes: string[], paths?: ReadonlyMap<string, string>): string {
  const names = listed(attributes, "and");
  const saved = `so ${names} ${attributes.length < 2 ? "was" : "were"} never saved`;
  const retry = `once the user has ${names}, Retry sends this one`;
  if (state === null) return `Not sent: ${step} has no delivery to this user, ${saved}; ${retry}`;
  if (state === "delivered") {
    const at = listed([...new Set(attributes.flatMap((a) => (paths?.has(a) ? [paths.get(a)!] : [])))], "or");
    // not "had no value at": the answer may have had one that could not be saved (not JSON, too long, of
    // another type), which that delivery's attempt says (the review)
    return `Not sent: ${step} delivered, but saved nothing from ${at || "its mapped path"} (its attempt says why), ${saved}; ${retry}`;
  }
  return `Not sent: ${step} did not deliver (${state}), ${saved}; retried with it, this one waits for its answer`;
}

/**
 * What a Retry by hand answers for a step whose earlier step (`step`, as the editor names it) finished
 * without an answer for the user (`state`: failed, suppressed, cancelled; `reason` its stored reason) and
 * whose `attributes` the user has no value of: retried alone it would fail or be suppressed again at once
 * (core/decide.ts). "Waits for Webhook 1 (Create contact), which the frequency cap stopped for this user
 * (1 per day reached), so crmId was never saved: retry that one first."
 */
export function retryWaitsForStepMessage(step: string, state: string, reason: string | null | undefined, attributes: string[]): string {
  const saved = `${listed(attributes, "and")} ${attributes.length < 2 ? "was" : "were"} never saved`;
  // a cancelled delivery is never sent again (Retry is for failed ones): no advice that cannot be followed
  if (state === "cancelled") return `Waits for ${step}, which was cancelled for this user, so ${saved}: a cancelled delivery is not sent again, so neither is this one (duplicate the campaign to send both).`;
  const why = state === "suppressed" && stoppedByFrequencyCap(reason) ? `which the frequency cap stopped for this user (${capReasonWords(reason!)})` : `which did not deliver to this user (${state})`;
  return `Waits for ${step}, ${why}, so ${saved}: retry that one first.`;
}

/**
 * Why a step timed from a user attribute an earlier step saves (core/plan.ts timeAfterEarlierStep) was
 * suppressed once that step's delivery had finished: planning's own reason (`planned`), naming the step:
 * - no time: 'No time in user attribute "dueAt" after Webhook 1 (Due lookup) finished: it saves dueAt from its response';
 * - past the end: "Planned after the campaign's end date: timed from dueAt, which Webhook 1 (Due lookup) saves from its response".
 */
/**
 * Why a step timed from a user attribute an earlier step saves was suppressed when that step's delivery
 * to the user finished without an answer (`state`: failed, suppressed, cancelled), whatever the user held
 * from before: "Webhook 1 (Due lookup) did not deliver (failed), so dueAt was not saved".
 */
export function earlierStepUnansweredTimingReason(step: string, state: string, attribute: string): string {
  return `${step} did not deliver (${state}), so ${attribute} was not saved`;
}

export function earlierStepTimingReason(planned: string, step: string, attribute: string): string {
  if (planned.startsWith("No time in ")) return `${planned} after ${step} finished: it saves ${attribute} from its response`;
  return `${planned}: timed from ${attribute}, which ${step} saves from its response`;
}

/** "a", "a and b", "a, b and c" */
function listed(items: string[], word: string): string {
  return items.length < 2 ? items.join("") : `${items.slice(0, -1).join(", ")} ${word} ${items.at(-1)}`;
}

/** how every breaker hold's reason begins (the store finds a host's held rows by it: store/host-hold.ts) */
export const BREAKER_REASON_PREFIX = "Host on hold:";

/** A next try as the stored reasons write it: "18:39:41 UTC". */
const utcClock = (at: Date) => `${at.toISOString().slice(11, 19)} UTC`;
/** How a breaker's hold read before: "Paused: …" read as if the campaign were paused. */
const LEGACY_BREAKER = /^Paused: (\S+ failed many requests in a row; next try after )/;
const BREAKER = /^(Host on hold: \S+ failed many requests in a row; next try after )(\d{2}):(\d{2}):(\d{2}) UTC$/;

/**
 * "Host on hold: hooks.example.com failed many requests in a row; next try after 02:43:10 UTC": the host's
 * breaker opens for about a minute, so the time of day to the second, in UTC (the log's reader may be anywhere).
 * Not "Paused:", which read as the campaign being paused.
 */
export function breakerPauseReason(host: string, until: Date): string {
  return `${BREAKER_REASON_PREFIX} ${host} failed many requests in a row; next try after ${utcClock(until)}`;
}

/**
 * What a Retry by hand answers when the delivery's host is on hold: "Retrying once the hold on
 * hooks.example.com ends: next try after " and the time (the log shows it in the viewer's format, as the
 * row's own next try; the action's message in UTC, as the stored reason; the API's retry answers its state only).
 */
export function retryOnHoldWords(host: string): string {
  return `Retrying once the hold on ${host} ends: next try after `;
}

/** retryOnHoldWords with the time in UTC: "…: next try after 18:39:41 UTC." */
export function retryOnHoldMessage(host: string, until: Date): string {
  return `${retryOnHoldWords(host)}${utcClock(until)}.`;
}

/**
 * A breaker's reason as its words and the instant of its next try, for the log to show that time as it
 * shows its other times (the viewer's own format): the instant with that UTC time of day nearest to `now`
 * (the hold lasts about a minute, so the row is read within hours of it). Null for any other reason.
 */
export function breakerNextTry(reason: string | null, now: Date): { before: string; at: Date } | null {
  const m = reason ? BREAKER.exec(reason) : null;
  if (!m) return null;
  const at = new Date(now);
  at.setUTCHours(Number(m[2]), Number(m[3]), Number(m[4]), 0);
  const day = 86_400_000;
  const off = at.getTime() - now.getTime();
  if (off > day / 2) at.setTime(at.getTime() - day);
  else if (off < -day / 2) at.setTime(at.getTime() + day);
  return { before: m[1]!, at };
}

/** A stored reason as people read it: an older quiet-hours hold or breaker hold is reworded; anything else is as stored. */
export function readableReason(reason: string | null): string | null {
  const legacy = reason ? LEGACY.exec(reason) : null;
  if (legacy) return quietHoursHoldReason(new Date(legacy[2]), legacy[1]);
  return reason?.replace(LEGACY_BREAKER, `${BREAKER_REASON_PREFIX} $1`) ?? null;
}

/**
 * Why a waiting row is not going out yet, when it is held rather than simply scheduled: its campaign
 * is paused (nothing goes out until it is resumed, whatever its due time; the log's "Held: campaign
 * paused"), quiet hours (the log's "Held: quiet hours"), or its campaign's start date has not come
 * (the log's "Held: before start date"), or an earlier step it reads the answer of has not finished
 * with this user (the log's "Held: earlier step").
 */
export const HOLDS = ["campaign_paused", "quiet_hours", "before_start", "earlier_step"] as const;
export type Hold = (typeof HOLDS)[number];

/** THE rule: a waiting row (scheduled or retrying) of a paused campaign is held by the pause first; a scheduled row held for quiet hours, its start date or an earlier step next. */
export function holdOf(state: string, reason: string | null, campaignStatus?: string): Hold | null {
  const waiting = state === "scheduled" || state === "retrying";
  if (waiting && campaignStatus === "paused") return "campaign_paused";
  if (state !== "scheduled" || !reason) return null;
  if (reason.startsWith(QUIET_PREFIX)) return "quiet_hours";
  if (reason.startsWith(EARLIER_STEP_PREFIX)) return "earlier_step";
  return reason.startsWith(START_PREFIX) ? "before_start" : null;
}

/** How the log and its detail say a paused campaign's row waits, instead of a "next attempt" time that will not happen. */
export const PAUSED_HOLD_TEXT = "Held while the campaign is paused: goes out when it is resumed";

/**
 * What the log shows under "Held: quiet hours" or "Held: before start date": "until 08:00 Sat 5 Dec
 * (Europe/Berlin)", "until 2026-12-07 09:00 UTC" (the reason read by readableReason).
 */
export function heldUntilText(reason: string | null): string | null {
  const readable = readableReason(reason);
  if (readable?.startsWith(`${START_PREFIX} `)) return `until ${readable.slice(START_PREFIX.length + 1)}`;
  return readable?.startsWith(`${QUIET_PREFIX} until `) ? readable.slice(QUIET_PREFIX.length + 1) : null;
}
