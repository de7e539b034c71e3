import { actorOf } from "@/lib/api/authenticate";
import { campaignList, saveCampaignByApi, withEtag } from "@/lib/api/campaigns";
import { campaignCreateBodySchema, listCampaignsQuerySchema } from "@/lib/api/schemas/campaigns";
import { refusingUnknownWebhookKeys } from "@/lib/api/schemas/webhook-keys";
import { withApi } from "@/lib/api/with-api";

export const dynamic = "force-dynamic";

/** A page of campaigns, newest edited first; pass nextCursor back as ?cursor= for the next one. */
export const GET = withApi({ query: listCampaignsQuerySchema, role: "viewer" }, async ({ query }) => campaignList(query));

/** Creates a draft campaign with its webhook actions; its version comes back as the ETag too (If-Match on a PUT). */
export const POST = withApi({ body: refusingUnknownWebhookKeys(campaignCreateBodySchema), role: "editor" }, async ({ body: { delivery, ...draft }, principal }) =>
  withEtag(await saveCampaignByApi(draft, actorOf(principal), principal, delivery ?? null), { status: 201 }),
);
