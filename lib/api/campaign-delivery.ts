// The campaigns API's delivery settings: when a campaign sends (its rule), to whom (its audience),
// between which dates, each webhook's sub-delivery, retry policy and rate limit. The same settings,
// schema and save as the campaign page's Delivery section (lib/delivery/forms/settings.ts).
import { parseSegment } from "../audience/segment";
import { parseDeliveryRule, parseSubDelivery } from "../delivery/core/rules";
import { parseRetryPolicy } from "../delivery/core/retry-policy";
import { saveDeliverySettings, storedDeliverySettings, type DeliverySettings } from "../delivery/forms/settings";
import { ApiError } from "./errors";
import type { Role } from "../auth/roles";

const notFound = (id: string) => new ApiError(404, "not_found", `No campaign with id ${JSON.stringify(id)}`);

/** The settings in the shape PUT takes, so a GET can be changed and sent back. */
export async function deliverySettingsByApi(id: string) {
  const stored = await storedDeliverySettings(id);
  if (!stored) throw notFound(id);
  const { rule, audience, actions, ...dates } = stored.settings;
  return {
    rule: parseDeliveryRule(rule),
    audience: parseSegment(audience),
    actions: actions.map((a) => ({ id: a.id, subDelivery: parseSubDelivery(a.subDelivery), retryPolicy: parseRetryPolicy(a.retryPolicy), rateLimitPerSecond: a.rateLimitPerSecond })),
    ...dates,
  };
}

export async function saveDeliverySettingsByApi(id: string, settings: DeliverySettings, actor: string, role: Role) {
  const saved = await saveDeliverySettings(id, settings, { unknownActions: "refuse", actor, role });
  if (!saved.ok) {
    if (saved.problem === "not_found") throw notFound(id);
    if (saved.problem === "active") throw new ApiError(409, "conflict", "The campaign is active: pause it before changing how it delivers");
    if (saved.problem === "finished" || saved.problem === "paused") throw new ApiError(409, "conflict", saved.message);
    throw new ApiError(400, "validation_error", `${saved.path}: ${saved.message}`, [{ path: saved.path, message: saved.message }]);
  }
  return deliverySettingsByApi(id);
}

