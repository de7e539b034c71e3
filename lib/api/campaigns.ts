// The campaigns API between its routes and lib/campaigns + lib/delivery: not-found and conflict
// errors, the response shapes, and the audit trail of changes made with a key.
import { recordAudit } from "../auth/audit";
import type { MemberRole } from "../auth/roles";
import { loadCampaignGoal } from "../campaigns/campaign-goal";
import { campaignResults } from "../campaigns/conversion-results";
import { CampaignConflictError, CampaignNotFoundError, campaignSaveAudit, deleteAction, deleteCampaign, getCampaignDraft, StepInUseError, WebhookLimitError, WebhookNotInCampaignError } from "../campaigns/campaigns";
import { CampaignCursorError, listCampaigns, type CampaignFilter } from "../campaigns/campaign-list";
import { DeliveryFieldRefused, saveCampaignWithSettings } from "../campaigns/save-with-delivery";
import { removeSigningSecret, rotateSigningSecret, SigningSecretError } from "../campaigns/signing-secrets";
import type { CampaignDraft } from "../campaigns/schemas";
import { type SecretActor, UNTRUSTED_ACTOR } from "../campaigns/secret-resolver";
import { TemplateSyntaxError } from "../campaigns/template-check";
import { UrlPasswordError } from "../campaigns/url-password";
import { SecretHostError } from "../campaigns/fixed-host-secrets";
import { VariantInUseError } from "../campaigns/variant-rows";
import { storedCampaignUnknownAttributes, unknownAttributeActivationMessage } from "../campaigns/unknown-attributes";
import { db } from "../db";
import { describeSafely, log } from "../log";
import type { DeliverySettings } from "../delivery/forms/settings";
import { activateCampaign, cancelScheduled, pauseCampaign, resumeCampaign, resumeMessage, retryAllFailed, retryAllMessage, retryDelivery, RetryRefusedError } from "../delivery/store/lifecycle";
import { deliveryDetail } from "../delivery/store/log-queries";
import { deliverySettingsByApi } from "./campaign-delivery";
import { ApiError } from "./errors";
import { etagOf, staleIfMatch } from "./etag";
import type { IfMatch } from "../campaigns/campaign-version";

const notFound = (id: string) => new ApiError(404, "not_found", `No campaign with id ${JSON.stringify(id)}`);

/** A page of the list (newest edited first) and the cursor of the next one. */
export async function campaignList(query: CampaignFilter & { cursor?: string; limit?: number } = {}) {
  try {
    const { campaigns, nextCursor } = await listCampaigns(query);
    return { campaigns: campaigns.map((c) => ({ ...c, updatedAt: c.updatedAt.toISOString() })), nextCursor };
  } catch (err) {
    if (err instanceof CampaignCursorError) throw new ApiError(400, "validation_error", `cursor: ${err.message}`, [{ path: "cursor", message: err.message }]);
    throw err;
  }
}

/** The campaign as `reader` (the calling key's role) may read it: a viewer's with every credential part masked (getCampaignDraft). */
export async function campaignById(id: string, reader: MemberRole) {
  const [campaign, goal] = await Promise.all([getCampaignDraft(id, reader), loadCampaignGoal(id)]);
  if (!campaign || !goal) throw notFound(id);
  return { ...campaign, ...goal, updatedAt: campaign.updatedAt.toISOString() };
}

/** A campaign as JSON with its version as the ETag (If-Match on a PUT). */
export function withEtag(campaign: { version: number }, init?: ResponseInit): Response {
  return Response.json(campaign, { ...init, headers: { ...init?.headers, ETag: etagOf(campaign.version) } });
}

export async function resultsByApi(id: string) {
  const results = await campaignResults(id);
  if (!results) throw notFound(id);
  return results;
}

/**
 * `key` is the calling key: its role decides whether an unsaved copy's "••••" may reuse the original's
 * secrets. `delivery` (a new campaign only) is saved in the same transaction, its webhooks named "@0"…
 * `draft.ifMatch`: the PUT's If-Match (412 when the campaign changed since). The answer's `version`
 * (its ETag) is the one the save wrote, not one read after it: a save committed in between has its own.
 */
export async function saveCampaignByApi(draft: CampaignDraft & { ifMatch?: IfMatch }, actor: string, key: SecretActor = UNTRUSTED_ACTOR, delivery: DeliverySettings | null = null) {
  if (delivery) {
    const i = delivery.actions.findIndex((a) => !/^@\d+$/.test(a.id) || Number(a.id.slice(1)) >= draft.actions.length);
    if (i >= 0) {
      const path = `delivery.actions.${i}.id`;
      const n = draft.actions.length;
      const message = n ? `Name a webhook of this campaign by its position: ${n === 1 ? '"@0"' : `"@0" to "@${n - 1}"`}` : "This campaign has no webhooks: leave out delivery.actions";
      throw new ApiError(400, "validation_error", `${path}: ${message}`, [{ path, message }]);
    }
  }
  try {
    const saved = await saveCampaignWithSettings(draft, delivery, key, actor);
    // a new draft's settings are never refused (that is for an active campaign)
    if (saved.deliveryProblem) throw new Error(`Delivery settings refused: ${saved.deliveryProblem}`);
    const { id, notices, version } = saved;
    await recordAudit({ actor, target: id, ...campaignSaveAudit(draft, saved) });
    // e.g. a masked secret the secret resolver would not reuse: the caller must send it again
    return {
      ...(await campaignById(id, key.role)),
      version,
      ...(Object.keys(notices).length ? { notices } : {}),
      // created with its delivery settings: they come back as GET …/delivery answers them (ids, not "@0")
      ...(delivery ? { delivery: await deliverySettingsByApi(id) } : {}),
    };
  } catch (err) {
    if (err instanceof CampaignNotFoundError) throw notFound(draft.id ?? "");
    if (err instanceof CampaignConflictError) throw staleIfMatch(err, draft.ifMatch);
    if (err instanceof VariantInUseError || err instanceof WebhookLimitError) throw new ApiError(409, "conflict", err.message);
    if (err instanceof UrlPasswordError) throw new ApiError(400, "validation_error", err.message);
    // settings refused at a field (an end date already past): nothing was created
    if (err instanceof DeliveryFieldRefused) {
      const path = `delivery.${err.path}`;
      throw new ApiError(400, "validation_error", `${path}: ${err.message}`, [{ path, message: err.message }]);
    }
    if (err instanceof WebhookNotInCampaignError) {
      const path = err.field ?? "actions";
      const message = `${err.message} Leave out its id to add it as a new webhook.`;
      throw new ApiError(400, "validation_error", `${path}: ${message}`, [{ path, message }]);
    }
    if (err instanceof TemplateSyntaxError || err instanceof SecretHostError) {
      const details = Object.entries(err.fieldErrors).map(([path, message]) => ({ path, message }));
      throw new ApiError(400, "validation_error", `${details[0]!.path}: ${details[0]!.message}`, details);
    }
    throw err;
  }
}

/** The lifecycle's CampaignNotFoundError (an id of nothing, or a campaign deleted since statusOf read it) as the API's 404. */
async function orNotFound<T>(id: string, write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (err) {
    if (err instanceof CampaignNotFoundError) throw notFound(id);
    throw err;
  }
}

async function statusOf(id: string): Promise<string> {
  const row = await db().campaign.findUnique({ where: { id }, select: { status: true } });
  if (!row) throw notFound(id);
  return row.status;
}

/** The webhooks failing for some of the audience's first users (sample-renders.ts), as the API's warnings. */
const sampleFailureWarnings = (lines: string[] | undefined) => (lines ?? []).map((message) => ({ kind: "sample-failure" as const, message }));
/** The URL variables empty for some of the audience's first users (sample-renders.ts), as the API's warnings. */
const emptyInUrlWarnings = (lines: string[] | undefined) => (lines ?? []).map((message) => ({ kind: "empty-in-url" as const, message }));

/**
 * What the editor's Activate and Resume confirmations warn of (unknown-attributes.ts), for an API caller
 * who is asked nothing: told after the fact, never refused.
 */
async function unknownAttributeWarnings(id: string) {
  try {
    return (await storedCampaignUnknownAttributes(id)).map(({ ref, webhook, field, actionId }) => ({
      kind: "unknown-attribute" as const,
      attribute: ref.attribute,
      suggestion: ref.suggestion,
      where: `${webhook}: ${ref.place}`,
      field,
      actionId,
      message: unknownAttributeActivationMessage(ref, webhook),
    }));
  } catch (err) {
    // the campaign is active already: a warning that cannot be worked out must not turn that into a 500 (a retry would be a 409)
    log.error("Could not work out a campaign's unknown-attribute warnings", { campaignId: id, error: describeSafely(err) });
    return [];
  }
}

export async function activateByApi(id: string, actor: string) {
  const status = await statusOf(id);
  if (status !== "draft") throw new ApiError(409, "conflict", `The campaign is ${status}; only a draft can be activated`);
  const result = await activateCampaign(id, { actor });
  if (!result.ok) throw new ApiError(409, "cannot_activate", result.problems.join(" "), { problems: result.problems });
  const { scheduled, suppressed, control, controlUsers, earliest } = result.counts;
  return { status: result.status, counts: { scheduled, suppressed, control, controlUsers, earliest: earliest?.toISOString() ?? null }, warnings: [...(await unknownAttributeWarnings(id)), ...sampleFailureWarnings(result.sampleFailures), ...emptyInUrlWarnings(result.emptyInUrl)] };
}

export async function pauseByApi(id: string, actor: string) {
  const status = await statusOf(id);
  if (!(await orNotFound(id, pauseCampaign(id, actor)))) throw new ApiError(409, "conflict", `The campaign is ${status}; only an active campaign can be paused`);
  return { status: "paused" };
}

export async function resumeByApi(id: string, actor: string, catchUp: boolean) {
  const status = await statusOf(id);
  const result = await orNotFound(id, resumeCampaign(id, actor, { catchUp }));
  if (!result.ok) throw new ApiError(409, "conflict", status === "paused" ? result.message : `The campaign is ${status}; only a paused campaign can be resumed`);
  return { status: "active" as const, message: resumeMessage(result), caughtUp: result.caughtUp, warnings: [...(await unknownAttributeWarnings(id)), ...sampleFailureWarnings(result.sampleFailures), ...emptyInUrlWarnings(result.emptyInUrl)] };
}

export async function retryByApi(deliveryId: string, actor: string) {
  const row = await db().delivery.findUnique({ where: { id: deliveryId }, select: { state: true, campaignId: true } });
  if (!row) throw new ApiError(404, "not_found", `No delivery with id ${JSON.stringify(deliveryId)}`);
  let retried: boolean;
  try {
    retried = await retryDelivery(deliveryId, actor);
  } catch (err) {
    if (err instanceof RetryRefusedError) throw new ApiError(409, "conflict", err.message);
    throw err;
  }
  if (!retried) throw new ApiError(409, "conflict", `The delivery is ${row.state}; only failed, retrying or suppressed deliveries can be retried`);
  return { id: deliveryId, state: "scheduled" };
}

export async function deleteByApi(id: string, actor: string) {
  if (!(await deleteCampaign(id, actor))) throw notFound(id);
  return new Response(null, { status: 204 });
}

/** Deletes one webhook (a step, with its variants) by the editor's rule: not while it has deliveries, nor the last of a live campaign (409). */
export async function deleteActionByApi(campaignId: string, actionId: string, actor: string) {
  await statusOf(campaignId);
  try {
    await deleteAction(campaignId, actionId, actor);
  } catch (err) {
    if (err instanceof WebhookNotInCampaignError) throw noWebhook(campaignId, actionId);
    if (err instanceof StepInUseError) throw new ApiError(409, "conflict", err.message);
    throw err;
  }
  return new Response(null, { status: 204 });
}

export async function retryFailedByApi(id: string, actor: string) {
  const result = await orNotFound(id, retryAllFailed(id, actor));
  return { retried: result.retried, left: result.left?.count ?? 0, message: retryAllMessage(result) };
}

export async function cancelScheduledByApi(id: string, actor: string) {
  return { cancelled: await orNotFound(id, cancelScheduled(id, actor)) };
}

export async function deliveryByApi(id: string) {
  const detail = await deliveryDetail(id);
  if (!detail) throw new ApiError(404, "not_found", `No delivery with id ${JSON.stringify(id)}`);
  return detail;
}

/** A new signing secret for one of the campaign's webhooks (in the clear, this once), or the current one replaced. */
export async function rotateSigningSecretByApi(campaignId: string, actionId: string, actor: string) {
  try {
    const result = await rotateSigningSecret(campaignId, actionId, { actor });
    return { secret: result.secret, ...result.state };
  } catch (err) {
    if (err instanceof WebhookNotInCampaignError) throw noWebhook(campaignId, actionId);
    if (err instanceof SigningSecretError) throw new ApiError(409, "conflict", err.message);
    throw err;
  }
}

export async function removeSigningSecretByApi(campaignId: string, actionId: string, actor: string) {
  try {
    await removeSigningSecret(campaignId, actionId, actor);
  } catch (err) {
    if (err instanceof WebhookNotInCampaignError) throw noWebhook(campaignId, actionId);
    if (err instanceof SigningSecretError) throw new ApiError(409, "conflict", err.message);
    throw err;
  }
  return new Response(null, { status: 204 });
}

const noWebhook = (campaignId: string, actionId: string) => new ApiError(404, "not_found", `No webhook with id ${JSON.stringify(actionId)} in campaign ${JSON.stringify(campaignId)}`);
