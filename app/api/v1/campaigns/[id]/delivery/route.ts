import { actorOf } from "@/lib/api/authenticate";
import { deliverySettingsResponse, saveDeliverySettingsByApi } from "@/lib/api/campaign-delivery";
import { ifMatchOf } from "@/lib/api/etag";
import { deliverySettingsBodySchema } from "@/lib/api/schemas/delivery-settings";
import { withApi } from "@/lib/api/with-api";

export const dynamic = "force-dynamic";

/** The settings, with the campaign's version as the ETag. */
export const GET = withApi({ role: "viewer" }, async ({ params }) => deliverySettingsResponse(params.id ?? ""));

/**
 * Replaces the campaign's rule; audience, dates, cap exemption and the listed webhooks' settings when given.
 * With If-Match (the campaign's ETag) a campaign changed since is refused with 412; the answer carries its new ETag.
 */
export const PUT = withApi({ body: deliverySettingsBodySchema, role: "editor" }, async ({ req, body, params, principal }) =>
  saveDeliverySettingsByApi(params.id ?? "", body, actorOf(principal), principal.role, ifMatchOf(req.headers.get("if-match"))),
);
