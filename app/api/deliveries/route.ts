import { refusal } from "@/lib/auth/guard";
import { deliveryCounts, deliveryStats, listDeliveries } from "@/lib/delivery/log-queries";

export const dynamic = "force-dynamic";

/** The delivery log (one campaign with ?campaignId=, else every campaign): counts, stats, one page. */
export async function GET(req: Request) {
  const refused = await refusal(req.headers, "viewer");
  if (refused) return refused;
  const q = new URL(req.url).searchParams;
  const campaignId = q.get("campaignId") || undefined;
  const filter = {
    campaignId,
    state: q.get("state") || undefined,
    actionId: q.get("actionId") || undefined,
    userId: q.get("user") || undefined,
    page: Number(q.get("page")) || 1,
  };
  const [counts, stats, list] = await Promise.all([deliveryCounts(campaignId), deliveryStats(campaignId), listDeliveries(filter)]);
  return Response.json({ counts, stats, list });
}
