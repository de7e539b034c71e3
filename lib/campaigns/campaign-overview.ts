// What the campaign list shows beside each campaign's name: its audience size, delivered and
// failed counts and its last send. Two aggregates over the deliveries (GROUP BY campaign), one
// pass over the users for every segment at once.
import { countMatchingUsersForEach } from "../audience/count";
import { parseSegment } from "../audience/segment";
import { db } from "../db";
import { SUCCESS_RATE_STATES } from "../delivery/core/states";

export type CampaignOverview = { audience: number; delivered: number; failed: number; lastSentAt: Date | null };

export async function campaignOverviews(): Promise<Map<string, CampaignOverview>> {
  const [campaigns, byState, lastSends] = await Promise.all([
    db().campaign.findMany({ select: { id: true, audience: true } }),
    db().delivery.groupBy({ by: ["campaignId", "state"], where: { state: { in: SUCCESS_RATE_STATES } }, _count: { _all: true } }),
    db().delivery.groupBy({ by: ["campaignId"], where: { sentAt: { not: null } }, _max: { sentAt: true } }),
  ]);
  // a stored segment that no longer parses counts as nobody rather than breaking the list
  const segments = campaigns.map((c) => {
    try {
      return parseSegment(c.audience);
    } catch {
      return undefined;
    }
  });
  const sizes = await countMatchingUsersForEach(segments.map((s) => s ?? null));
  const overviews = new Map<string, CampaignOverview>(
    campaigns.map((c, i) => [c.id, { audience: segments[i] === undefined ? 0 : sizes[i], delivered: 0, failed: 0, lastSentAt: null }]),
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
