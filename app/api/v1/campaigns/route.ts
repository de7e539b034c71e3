import { actorOf } from "@/lib/api/authenticate";
import { campaignList, saveCampaignByApi } from "@/lib/api/campaigns";
import { campaignCreateBodySchema } from "@/lib/api/schemas/campaigns";
import { refusingUnknownWebhookKeys } from "@/lib/api/schemas/webhook-keys";
import { withApi } from "@/lib/api/with-api";

export const dynamic = "force-dynamic";

export const GET = withApi({ role: "viewer" }, async () => campaignList());

/** Creates a draft campaign with its webhook actions. */
export const POST = withApi({ body: refusingUnknownWebhookKeys(campaignCreateBodySchema), role: "editor" }, async ({ body: { delivery, ...draft }, principal }) =>
  Response.json(await saveCampaignByApi(draft, actorOf(principal), principal, delivery ?? null), { status: 201 }),
);
