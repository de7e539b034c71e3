// What the campaign list shows beside each campaign's name: its audience size, delivered and
// failed counts and its last send, for the campaigns of one page of the list only. Two aggregates
// over those campaigns' deliveries (GROUP BY campaign), one pass over the users for their segments.
import { countMatchingUsersForEach } from "../audience/count";
import { parseSegment } from "../audience/segment";
import { db } from "../db";
import { SUCCESS_RATE_STATES } from "../delivery/core/states";

/** audience: users matching it now, or null when the list did not count it (past MAX_LISTED_CONDITIONS). */
export type CampaignOverview = { audience: number | null; delivered: number; failed: number; lastSentAt: Date | null };

/**
 * The conditions the list's one pass over the users checks for each user, all campaigns together:
 * 1,000 campaigns of 50 conditions made every visit of the list 50,000 checks per user. Audiences are
 * counted most recently edited first; a campaign past the budget has no count in the list.
 */
export const MAX_LISTED_CONDITIONS = 2000;

/** The figures of these campaigns (a page of the list: every campaign's were minutes of CPU with thousands). */
export async function campaignOverviews(ids: string[]): Promise<Map<string, CampaignOverview>> {
  if (!ids.length) return new Map();
  const [campaigns, byState, lastSends] = await Promise.all([
    db().campaign.findMany({ where: { id: { in: ids } }, select: { id: true, audience: true }, orderBy: { updatedAt: "desc" } }),
    db().delivery.groupBy({ by: ["campaignId", "state"], where: { campaignId: { in: ids }, state: { in: SUCCESS_RATE_STATES } }, _count: { _all: true } }),
    db().delivery.groupBy({ by: ["campaignId"], where: { campaignId: { in: ids }, sentAt: { not: null } }, _max: { sentAt: true } }),
  ]);
  // a stored segment that no longer parses counts as nobody rather than breaking the list
  const segments = campaigns.map((c) => {
    try {
      return parseSegment(c.audience);
    } catch {
      return undefined;
    }
  });
  let conditions = 0;
  const counted = segments.map((s) => {
    if (!s) return true;
    conditions += s.conditions.length;
    return conditions <= MAX_LISTED_CONDITIONS;
  });
  const sizes = await countMatchingUsersForEach(segments.map((s, i) => (counted[i] ? (s ?? null) : undefined)));
  const overviews = new Map<string, CampaignOverview>(
    campaigns.map((c, i) => [c.id, { audience: segments[i] === undefined ? 0 : counted[i] ? sizes[i]! : null, delivered: 0, failed: 0, lastSentAt: null }]),
  );
  for (const g of byState) {
    const o = overviews.get(g.campaignId);
    if (o) o[g.state as "delivered" | "failed"] = g._count._all;
  }
  for (const g of lastSends) {
    const o = overviews.get(g.campaignId);
    if (o) o.lastSentAt = g._max.sentAt;
  }
  return overviews;
}
