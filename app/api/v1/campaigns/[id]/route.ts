import { actorOf } from "@/lib/api/authenticate";
import { campaignById, deleteByApi, saveCampaignByApi, withEtag } from "@/lib/api/campaigns";
import { ifMatchOf } from "@/lib/api/etag";
import { campaignBodySchema } from "@/lib/api/schemas/campaigns";
import { refusingUnknownWebhookKeys } from "@/lib/api/schemas/webhook-keys";
import { withApi } from "@/lib/api/with-api";

export const dynamic = "force-dynamic";

/** The campaign with its version as the ETag. */
export const GET = withApi({ role: "viewer" }, async ({ params, principal }) => withEtag(await campaignById(params.id ?? "", principal.role)));

/**
 * Updates the name, description and actions: those with an id in place, those without one added; actions left out stay.
 * With If-Match (the ETag a GET gave; a list, or "*") a campaign changed since is refused with 412; without it, the last write wins.
 */
export const PUT = withApi({ body: refusingUnknownWebhookKeys(campaignBodySchema), role: "editor" }, async ({ req, body, params, principal }) => {
  const ifMatch = ifMatchOf(req.headers.get("if-match"));
  return withEtag(await saveCampaignByApi({ ...body, id: params.id ?? "", ifMatch }, actorOf(principal), principal));
});

/** Deletes the campaign with its webhooks and its deliveries, sent or waiting. */
export const DELETE = withApi({ role: "editor" }, async ({ params, principal }) => deleteByApi(params.id ?? "", actorOf(principal)));
