// What the campaign list shows beside each campaign's name: its audience size, delivered, failed
// and retrying counts and its last send, for the campaigns of one page of the list only. The counts by
// state over those campaigns' deliveries (GROUP BY campaign), the last send one index look each, one
// pass over the users for their segments.
import { countMatchingUsersForEach } from "../audience/count";
import { parseSegment } from "../audience/segment";
import { db } from "../db";
import { tableName } from "../db/bulk-insert";
import { nullableDateOf, SqlParams } from "../db/raw-sql";
import type { DeliveryState } from "../delivery/core/states";

/**
 * audience: users matching it now, or null when the list did not count it (past MAX_LISTED_CONDITIONS).
 * Not a count of users sent to: that is a COUNT(DISTINCT user) over every sent row of a campaign (a
 * million for a large one), too dear for each visit of the list; delivered and failed are the sends, retrying the ones waiting for
 * another attempt.
 */
export type CampaignOverview = { audience: number | null; delivered: number; failed: number; retrying: number; lastSentAt: Date | null };

/**
 * The states the list counts: the sends' answers, and the ones waiting to be tried again (a campaign
 * whose every send fails with 500 and is retried read "Delivered 0, Failed 0").
 */
const LISTED_STATES = ["delivered", "failed", "retrying"] as const satisfies readonly DeliveryState[];
type ListedState = (typeof LISTED_STATES)[number];

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
    db().delivery.groupBy({ by: ["campaignId", "state"], where: { campaignId: { in: ids }, state: { in: [...LISTED_STATES] } }, _count: { _all: true } }),
    lastSendsOf(ids),
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
    campaigns.map((c, i) => [c.id, { audience: segments[i] === undefined ? 0 : counted[i] ? sizes[i]! : null, delivered: 0, failed: 0, retrying: 0, lastSentAt: null }]),
  );
  for (const g of byState) {
    const o = overviews.get(g.campaignId);
    if (o) o[g.state as ListedState] = g._count._all;
  }
  for (const [id, sentAt] of lastSends) {
    const o = overviews.get(id);
    if (o) o.lastSentAt = sentAt;
  }
  return overviews;
}

/**
 * Each campaign's last send: the last entry of its range in Delivery_campaign_sent_idx (rows with a
 * sentAt), one look per campaign. A MAX grouped over the campaigns read every delivery of the page's
 * campaigns through their other indexes: 600 ms on SQLite for 50 campaigns of 200,000 deliveries.
 */
async function lastSendsOf(ids: string[]): Promise<Map<string, Date | null>> {
  const params = new SqlParams();
  const sql =
    `SELECT c."id" AS "id", (SELECT MAX(d."sentAt") FROM ${tableName("Delivery")} d WHERE d."campaignId" = c."id" AND d."sentAt" IS NOT NULL) AS "sentAt" ` +
    `FROM ${tableName("Campaign")} c WHERE c."id" IN (${params.list("text", ids)})`;
  const rows = await db().$queryRawUnsafe<{ id: string; sentAt: unknown }[]>(sql, ...params.values);
  return new Map(rows.map((r) => [r.id, nullableDateOf(r.sentAt)]));
}
