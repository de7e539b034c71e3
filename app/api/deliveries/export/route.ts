import { withInternal } from "@/lib/api/with-internal";
import { deliveryLogFilter } from "@/lib/api/schemas/delivery-log";
import { deliveryCsvStream } from "@/lib/delivery/store/log-export";

export const dynamic = "force-dynamic";

/** The delivery log as CSV for the log's filter (?campaignId=&state=&actionId=&user=), streamed. */
export const GET = withInternal({ role: "viewer", query: deliveryLogFilter, heavy: true }, async ({ query }) => {
  const stamp = new Date().toISOString().slice(0, 19).replace(/[T:]/g, "-");
  return new Response(deliveryCsvStream({ campaignId: query.campaignId, state: query.state, actionId: query.actionId, userId: query.user }), {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="deliveries-${stamp}.csv"`,
      "cache-control": "no-store",
    },
  });
});
