import { withInternal } from "@/lib/api/with-internal";
import { deliveryLogQuery } from "@/lib/api/schemas/delivery-log";
import { deliveryCounts } from "@/lib/delivery/store/log-counts";
import { deliveryStats, listDeliveries } from "@/lib/delivery/store/log-queries";

export const dynamic = "force-dynamic";

/** The delivery log (one campaign with ?campaignId=, else every campaign): counts, stats, one page. */
export const GET = withInternal({ role: "viewer", query: deliveryLogQuery }, async ({ query }) => {
  const { campaignId, state, actionId, user, page, after } = query;
  const [counts, stats, list] = await Promise.all([deliveryCounts(campaignId), deliveryStats(campaignId), listDeliveries({ campaignId, state, actionId, userId: user, page, after })]);
  return { counts, stats, list };
});
