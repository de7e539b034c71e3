import { campaignById } from "@/lib/api/campaigns";
import { deliveriesQuerySchema } from "@/lib/api/schemas/campaigns";
import { withApi } from "@/lib/api/with-api";
import { listDeliveries } from "@/lib/delivery/store/log-queries";

export const dynamic = "force-dynamic";

/** The campaign's deliveries, most recently changed first, 50 a page; pass nextCursor back as ?cursor= for the next one. */
export const GET = withApi({ query: deliveriesQuerySchema, role: "viewer" }, async ({ params, query, principal }) => {
  await campaignById(params.id ?? "", principal.role);
  return listDeliveries({ campaignId: params.id, state: query.state, page: query.page, after: query.cursor });
});
