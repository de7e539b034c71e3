import { actorOf } from "@/lib/api/authenticate";
import { deliverySettingsByApi, saveDeliverySettingsByApi } from "@/lib/api/campaign-delivery";
import { deliverySettingsBodySchema } from "@/lib/api/schemas/delivery-settings";
import { withApi } from "@/lib/api/with-api";

export const dynamic = "force-dynamic";

export const GET = withApi({ role: "viewer" }, async ({ params }) => deliverySettingsByApi(params.id ?? ""));

/** Replaces the campaign's rule; audience, dates, cap exemption and the listed webhooks' settings when given. */
export const PUT = withApi({ body: deliverySettingsBodySchema, role: "editor" }, async ({ body, params, principal }) =>
  saveDeliverySettingsByApi(params.id ?? "", body, actorOf(principal), principal.role),
);
