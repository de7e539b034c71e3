// When an active campaign sends next (a scheduled or recurring one's run, or any planned delivery), for the Delivery section and the
// campaign list: a campaign activated after its users' 09:00 today plans nothing yet, and its page
// said "No deliveries yet" and nothing of Monday. Read from what the engine really uses: the
// deliveries already planned (their due time), else the pending run (Campaign.nextRunAt): in each
// user's zone its date and time of day, read without reading users (a campaign page any viewer opens
// must not scan every user's zone on each view).
import { DateTime } from "luxon";
import { db } from "../../db";
import { parseDeliveryRule, type DeliveryRule } from "../core/rules";
import { occurrenceDueTimes, zoneOrFallback } from "../core/schedule-time";

/**
 * `at`: the first send; `local`: in each user's zone, the date and wall-clock time it is at in every
 * user's zone (its first user's, when a delivery is planned already). `exact`: `at` is a planned
 * delivery's due time (or the run's in the rule's zone); false for a run in each user's zone not yet
 * fanned out, whose `at` is only the earliest any zone reaches it (no users are read for it).
 * `begun`: a send in each user's zone some of whose users (earlier zones) were sent it already, so
 * `at` is when its next users get it, not its first.
 */
export type NextSend = { at: Date; local: { date: string; time: string } | null; exact: boolean; begun: boolean };

/** The campaign's columns a next send is read from (the caller's read of the campaign selects them too). */
export const NEXT_SEND_FIELDS = { id: true, status: true, deliveryRule: true, nextRunAt: true } as const;
type Stored = { id: string; status: string; deliveryRule: unknown; nextRunAt: Date | null };

function ruleOf(raw: unknown): DeliveryRule | null {
  try {
    return parseDeliveryRule(raw);
  } catch {
    return null;
  }
}

/**
 * The campaign's earliest scheduled delivery and its user's zone: the first row in the (campaignId,
 * state, dueAt) index. Not a retry (its due time is the retry's, not the run's).
 */
async function earliestPlanned(campaignId: string): Promise<{ dueAt: Date; zone: string | null; triggerKey: string } | null> {
  const first = await db().delivery.findFirst({ where: { campaignId, state: "scheduled" }, orderBy: { dueAt: "asc" }, select: { dueAt: true, triggerKey: true, user: { select: { timezone: true } } } });
  return first ? { dueAt: first.dueAt, zone: first.user.timezone, triggerKey: first.triggerKey } : null;
}

const OCCURRENCE = "occurrence:";

// a run's row in one of these was claimed for sending (sentAt is written only once its request ends):
// the page read just after Activate finds the users whose time had passed mid-send, not yet sent
const CLAIMED_STATES = ["sending", "delivered", "retrying", "failed", "suppressed"];

/**
 * Whether a delivery of the campaign planned by `triggerKey` (one run) was claimed or sent already.
 * Read from the run's own time (an occurrence's key names it: none of its users is claimed before
 * it) in the (campaignId, state, dueAt) index, so the earlier runs' rows are not walked; a scheduled
 * send has one run ("activation"), all its rows are that run's. A cancelled row begins nothing.
 */
async function runBegun(campaignId: string, triggerKey: string): Promise<boolean> {
  const runAt = triggerKey.startsWith(OCCURRENCE) ? new Date(triggerKey.slice(OCCURRENCE.length)) : null;
  const dueAt = runAt && !Number.isNaN(runAt.getTime()) ? { gte: runAt } : undefined;
  return (await db().delivery.findFirst({ where: { campaignId, state: { in: CLAIMED_STATES }, dueAt, triggerKey }, select: { id: true } })) !== null;
}

function localOf(at: Date, zone: string): { date: string; time: string } {
  const dt = DateTime.fromJSDate(at, { zone });
  return { date: dt.toISODate() ?? "", time: dt.toFormat("HH:mm") };
}

/**
 * The pending run's first send: in the rule's zone its time; in each user's zone its date and time
 * of day, and as `at` the earliest instant any zone reaches it (Campaign.nextRunAt: when it fans out).
 */
function pendingRun(campaign: Stored, rule: Extract<DeliveryRule, { when: "recurring" }>): NextSend | null {
  if (!campaign.nextRunAt) return null;
  if (!rule.inUserTimeZone) return { at: campaign.nextRunAt, local: null, exact: true, begun: false };
  const dueIn = occurrenceDueTimes(rule, campaign.nextRunAt);
  return { at: campaign.nextRunAt, local: localOf(dueIn(null), zoneOrFallback(null, rule.timeZone)), exact: false, begun: false };
}

/**
 * What `campaign` sends next, or null: not active, or nothing planned or pending. A triggered or
 * immediate campaign's is its earliest planned delivery (an event's delayed steps: the list said "Never
 * sent" of a triggered campaign with 5 sends scheduled). The campaign page's: given the row its delivery
 * settings were read with (NEXT_SEND_FIELDS).
 */
export async function nextSendOf(campaign: Stored): Promise<NextSend | null> {
  if (campaign.status !== "active") return null;
  const rule = ruleOf(campaign.deliveryRule);
  if (!rule) return null;
  const planned = await earliestPlanned(campaign.id);
  if (rule.when !== "scheduled" && rule.when !== "recurring") return planned ? { at: planned.dueAt, local: null, exact: true, begun: false } : null;
  const pending = rule.when === "recurring" ? pendingRun(campaign, rule) : null;
  if (planned && (!pending || planned.dueAt <= pending.at)) {
    if (!rule.inUserTimeZone) return { at: planned.dueAt, local: null, exact: true, begun: false };
    const local = localOf(planned.dueAt, zoneOrFallback(planned.zone, rule.timeZone));
    return { at: planned.dueAt, local, exact: true, begun: await runBegun(campaign.id, planned.triggerKey) };
  }
  return pending;
}

/**
 * The list's: the next send of each active campaign among `ids` (a page of
 * the list), by id, read as the campaign page reads it (no users read).
 */
export async function nextSendsOf(ids: string[]): Promise<Map<string, NextSend>> {
  const campaigns = ids.length ? await db().campaign.findMany({ where: { id: { in: ids }, status: "active" }, select: NEXT_SEND_FIELDS }) : [];
  const nexts = await Promise.all(campaigns.map((c) => nextSendOf(c)));
  const out = new Map<string, NextSend>();
  campaigns.forEach((c, i) => nexts[i] && out.set(c.id, nexts[i]));
  return out;
}
