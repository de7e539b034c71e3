// When an active scheduled or recurring campaign sends next, for the Delivery section and the
// campaign list: a campaign activated after its users' 09:00 today plans nothing yet, and its page
// said "No deliveries yet" and nothing of Monday. Read from what the engine really uses: the
// deliveries already planned (their due time), else the pending run (Campaign.nextRunAt) and, in
// each user's zone, its time in the audience's earliest zone (occurrenceDueTimes, as the fan-out).
import { DateTime } from "luxon";
import { db } from "../../db";
import { audienceZones } from "../../audience/count";
import { parseSegment } from "../../audience/segment";
import { parseDeliveryRule, type DeliveryRule } from "../core/rules";
import { occurrenceDueTimes, zoneOrFallback } from "../core/schedule-time";
import { WAITING } from "../core/states";

/**
 * `at`: the first send, to the second; `local`: in each user's zone, the date and wall-clock time
 * it is at in every user's zone (its first user's, when a delivery is planned already).
 */
export type NextSend = { at: Date; local: { date: string; time: string } | null };

type Stored = { id: string; status: string; deliveryRule: unknown; audience: unknown; nextRunAt: Date | null };
const SELECT = { id: true, status: true, deliveryRule: true, audience: true, nextRunAt: true } as const;

function ruleOf(raw: unknown): DeliveryRule | null {
  try {
    return parseDeliveryRule(raw);
  } catch {
    return null;
  }
}

/** The campaign's earliest waiting delivery and its user's zone: the first row of each waiting state in the (campaignId, state, dueAt) index. */
async function earliestPlanned(campaignId: string): Promise<{ dueAt: Date; zone: string | null } | null> {
  const firsts = await Promise.all(
    WAITING.map((state) => db().delivery.findFirst({ where: { campaignId, state }, orderBy: { dueAt: "asc" }, select: { dueAt: true, user: { select: { timezone: true } } } })),
  );
  const first = firsts.filter((d) => d !== null).sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime())[0];
  return first ? { dueAt: first.dueAt, zone: first.user.timezone } : null;
}

function localOf(at: Date, zone: string): { date: string; time: string } {
  const dt = DateTime.fromJSDate(at, { zone });
  return { date: dt.toISODate() ?? "", time: dt.toFormat("HH:mm") };
}

/**
 * The pending run's first send: in the rule's zone its time; in each user's zone the audience's
 * earliest zone's time on its date (`zones`: false, the list, reads no users: the rule's zone's).
 */
async function pendingRun(campaign: Stored, rule: Extract<DeliveryRule, { when: "recurring" }>, zones: boolean): Promise<NextSend | null> {
  if (!campaign.nextRunAt) return null;
  if (!rule.inUserTimeZone) return { at: campaign.nextRunAt, local: null };
  const dueIn = occurrenceDueTimes(rule, campaign.nextRunAt);
  let segment = null;
  try {
    segment = parseSegment(campaign.audience);
  } catch {
    // an audience that no longer parses sends to nobody (fan-out); its run still says when
  }
  const tally = zones ? (await audienceZones(segment)).zones : [];
  const times = (tally.length ? tally.map((z) => z.zone) : [null]).map((z) => dueIn(z));
  const at = new Date(Math.min(...times.map((t) => t.getTime())));
  return { at, local: localOf(dueIn(null), zoneOrFallback(null, rule.timeZone)) };
}

/** What `campaign` sends next, or null: not active, not scheduled or recurring, or nothing left to send. */
async function nextSendOfStored(campaign: Stored, { zones }: { zones: boolean }): Promise<NextSend | null> {
  if (campaign.status !== "active") return null;
  const rule = ruleOf(campaign.deliveryRule);
  if (rule?.when !== "scheduled" && rule?.when !== "recurring") return null;
  const [planned, pending] = await Promise.all([earliestPlanned(campaign.id), rule.when === "recurring" ? pendingRun(campaign, rule, zones) : null]);
  if (planned && (!pending || planned.dueAt <= pending.at)) {
    return { at: planned.dueAt, local: rule.inUserTimeZone ? localOf(planned.dueAt, zoneOrFallback(planned.zone, rule.timeZone)) : null };
  }
  return pending;
}

/** The campaign page's next send (its audience's zones read for the first user's time). */
export async function nextSendOf(campaignId: string): Promise<NextSend | null> {
  const campaign = await db().campaign.findUnique({ where: { id: campaignId }, select: SELECT });
  return campaign ? nextSendOfStored(campaign, { zones: true }) : null;
}

/**
 * The list's: the next send of each active scheduled or recurring campaign among `ids` (a page of
 * the list), by id; no users are read (a run in each user's zone is at its time in the rule's zone).
 */
export async function nextSendsOf(ids: string[]): Promise<Map<string, NextSend>> {
  const campaigns = ids.length ? await db().campaign.findMany({ where: { id: { in: ids }, status: "active" }, select: SELECT }) : [];
  const out = new Map<string, NextSend>();
  for (const c of campaigns) {
    const next = await nextSendOfStored(c, { zones: false });
    if (next) out.set(c.id, next);
  }
  return out;
}
