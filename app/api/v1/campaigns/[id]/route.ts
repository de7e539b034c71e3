import { actorOf } from "@/lib/api/authenticate";
import { campaignById, deleteByApi, saveCampaignByApi } from "@/lib/api/campaigns";
import { campaignBodySchema } from "@/lib/api/schemas/campaigns";
import { refusingUnknownWebhookKeys } from "@/lib/api/schemas/webhook-keys";
import { withApi } from "@/lib/api/with-api";

export const dynamic = "force-dynamic";

export const GET = withApi({ role: "viewer" }, async ({ params, principal }) => campaignById(params.id ?? "", principal.role));

/** Updates the name, description and actions: those with an id in place, those without one added; actions left out stay. */
export const PUT = withApi({ body: refusingUnknownWebhookKeys(campaignBodySchema), role: "editor" }, async ({ body, params, principal }) =>
  saveCampaignByApi({ ...body, id: params.id ?? "" }, actorOf(principal), principal),
);

/** Deletes the campaign with its webhooks and its deliveries, sent or waiting. */
export const DELETE = withApi({ role: "editor" }, async ({ params, principal }) => deleteByApi(params.id ?? "", actorOf(principal)));
