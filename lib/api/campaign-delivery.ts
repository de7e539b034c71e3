// The campaigns API's delivery settings: when a campaign sends (its rule), to whom (its audience),
// between which dates, each webhook's sub-delivery, retry policy and rate limit. The same settings,
// schema and save as the campaign page's Delivery section (lib/delivery/forms/settings.ts).
import { parseSegment } from "../audience/segment";
import { parseDeliveryRule, parseSubDelivery } from "../delivery/core/rules";
import { parseRetryPolicy } from "../delivery/core/retry-policy";
import { saveDeliverySettings, storedDeliverySettings, type DeliverySettings } from "../delivery/forms/settings";
import { ApiError } from "./errors";
import type { Role } from "../auth/roles";
import { CampaignConflictError } from "../campaigns/campaign-conflict";
import type { IfMatch } from "../campaigns/campaign-version";
import { etagOf, staleIfMatch } from "./etag";

const notFound = (id: string) => new ApiError(404, "not_found", `No campaign with id ${JSON.stringify(id)}`);

/** The settings in the shape PUT takes, so a GET can be changed and sent back. */
export async function deliverySettingsByApi(id: string) {
  return (await deliverySettingsWithVersion(id)).settings;
}

/** The settings with the campaign's version read with them (the ETag GET …/delivery answers). */
async function deliverySettingsWithVersion(id: string) {
  const stored = await storedDeliverySettings(id);
  if (!stored) throw notFound(id);
  return { settings: apiShapeOf(stored.settings), version: stored.campaign.version };
}

/** GET …/delivery: the settings, and the campaign's ETag (If-Match on PUT …/delivery or PUT …/campaigns/{id}). */
export async function deliverySettingsResponse(id: string): Promise<Response> {
  const { settings, version } = await deliverySettingsWithVersion(id);
  return Response.json(settings, { headers: { ETag: etagOf(version) } });
}

function apiShapeOf({ rule, audience, actions, ...dates }: NonNullable<Awaited<ReturnType<typeof storedDeliverySettings>>>["settings"]) {
  return {
    rule: parseDeliveryRule(rule),
    audience: parseSegment(audience),
    actions: actions.map((a) => ({ id: a.id, subDelivery: parseSubDelivery(a.subDelivery), retryPolicy: parseRetryPolicy(a.retryPolicy), rateLimitPerSecond: a.rateLimitPerSecond })),
    ...dates,
  };
}

/**
 * PUT …/delivery: `ifMatch` (its If-Match) refuses with 412 a campaign changed since, as PUT …/campaigns/{id}
 * does. The answer carries the campaign's ETag as this save left it (not one read after it).
 */
export async function saveDeliverySettingsByApi(id: string, settings: DeliverySettings, actor: string, role: Role, ifMatch?: IfMatch): Promise<Response> {
  let saved;
  try {
    saved = await saveDeliverySettings(id, settings, { unknownActions: "refuse", actor, role, ...(ifMatch !== undefined ? { check: { ifMatch } } : {}) });
  } catch (err) {
    if (err instanceof CampaignConflictError) throw staleIfMatch(err, ifMatch);
    throw err;
  }
  if (!saved.ok) {
    if (saved.problem === "not_found") throw notFound(id);
    if (saved.problem === "active") throw new ApiError(409, "conflict", "The campaign is active: pause it before changing how it delivers");
    if (saved.problem === "finished") throw new ApiError(409, "conflict", saved.message);
    // nothing of the settings was saved; the field that was refused is named
    if (saved.problem === "paused") throw new ApiError(409, "conflict", saved.message, [{ path: saved.path, message: saved.message }]);
    throw new ApiError(400, "validation_error", `${saved.path}: ${saved.message}`, [{ path: saved.path, message: saved.message }]);
  }
  return Response.json(await deliverySettingsByApi(id), { headers: { ETag: etagOf(saved.version) } });
}

