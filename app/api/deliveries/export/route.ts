import { ApiError } from "@/lib/api/errors";
import { withInternal } from "@/lib/api/with-internal";
import { CampaignNotFoundError } from "@/lib/campaigns/campaigns";
import { deliveryLogFilter } from "@/lib/api/schemas/delivery-log";
import { deliveryCsvStream, deliveryExportFileName } from "@/lib/delivery/store/log-export";

export const dynamic = "force-dynamic";

/** The delivery log as CSV for the log's filter (?campaignId=&state=&actionId=&user=), streamed. */
export const GET = withInternal({ role: "viewer", query: deliveryLogFilter, heavy: true }, async ({ query }) => {
  const fileName = await deliveryExportFileName({ campaignId: query.campaignId }).catch((err) => {
    if (err instanceof CampaignNotFoundError) throw new ApiError(404, "not_found", `No campaign with id ${JSON.stringify(query.campaignId)}; it may have been deleted.`);
    throw err;
  });
  return new Response(deliveryCsvStream({ campaignId: query.campaignId, state: query.state, actionId: query.actionId, userId: query.user }), {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${fileName}"`,
      "cache-control": "no-store",
    },
  });
});
