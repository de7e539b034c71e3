// The live preview: the action as typed, rendered by the one renderer for a sample user, masked.
import { maskRequest } from "../webhooks/mask";
import { renderWebhookRequest } from "../webhooks/render-request";
import { wouldSkipMessage } from "../templating";
import type { BuiltRequest, TemplateProblem } from "../webhooks/types";
import { draftWebhookTemplate, urlShownToViewer, type ActionDraft } from "./action-template";
import { db } from "../db";
import { effectiveRole, roleAllows } from "../auth/roles";
import { SECRET_MASK } from "./limits";
import { grantSecretsFor, lostSecretMessage, type LostSecret, type SecretActor, UNTRUSTED_ACTOR, urlOrigin, VARIANT_UNSIGNED } from "./secret-resolver";
import { sameFixedOrigin } from "./url-origin";
import { renderableDraft, type ParsedSampleRequest } from "./preview-input";
import { sampleContext, SampleUserMissingError } from "./sample-context";
import type { FieldErrors } from "./schemas";
import { withinPreviewTime } from "./preview-rate";
import { draftUnknownAttributeWarnings, sampleEarlierStepMappings } from "./unknown-attributes";
import { destinationRefusal } from "../delivery/store/check-action";
import { currentAllowList } from "../webhooks/ssrf";
import { emptyInUrlNotice, emptyInUrlPaths, placeInUrl, requestAddress } from "../webhooks/empty-in-url";

export type PreviewResult = {
  /** the request as it would be sent, credentials, Authorization and signatures masked; null when it cannot render */
  request: BuiltRequest | null;
  errors: TemplateProblem[];
  warnings: TemplateProblem[];
  /** what the save would refuse (strict schema), keyed like the form's field errors */
  problems: FieldErrors;
  user: { id: string } | null;
  /** {{required}} skips this sample user: "This user would be skipped: user.crmId is empty" (a valid outcome, not an error; request null) */
  skipped?: string;
};

/**
 * Why a signed webhook's preview carries no signature: its URL left the saved origin or path, or the host
 * is templated; for a variant, its URL is not under the webhook's (whose secret signs it).
 */
function signingWithheldWarning(savedUrl: string, url: string, variant: boolean): string {
  if (variant) return VARIANT_UNSIGNED;
  if (urlOrigin(url) === null) return "A templated host is chosen by data, so requests to it are never signed, and saving removes the signing secret.";
  const why = sameFixedOrigin(url, savedUrl) ? "The URL's path or query changed" : "The host changed";
  return `${why}, so this request is not signed, and saving removes the signing secret: generate a new one after saving.`;
}

/** A secret the draft shows masked but may not reuse, as a preview warning on its field ("headers[0].value"). */
function lostSecretWarnings(lost: LostSecret[]): TemplateProblem[] {
  return lost.map((l) => ({ field: l.field.replace(/\.(\d+)\./, "[$1]."), message: lostSecretMessage(l, "preview") }));
}

/** A viewer's draft with the URL they were shown masked put back as stored (urlShownToViewer); an editor's as it is. */
async function asViewerWasShown(draft: ActionDraft, actor: SecretActor): Promise<ActionDraft> {
  if (roleAllows(effectiveRole(actor.role), "editor") || !draft.id || !draft.url.includes(SECRET_MASK)) return draft;
  const stored = await db().action.findUnique({ where: { id: draft.id }, select: { urlTemplate: true, urlPasswordEnc: true } });
  return stored ? { ...draft, url: urlShownToViewer(draft.url, stored) } : draft;
}

/**
 * Renders the draft for a sample user; `actor` matters for an unsaved copy's secrets (see
 * secret-resolver), and a member's (`id`) previews are held to their share of rendering time
 * (preview-rate.ts: RenderTimeExceededError).
 */
export async function previewAction(input: ParsedSampleRequest, now = new Date(), actor: SecretActor & { id?: string } = UNTRUSTED_ACTOR): Promise<PreviewResult> {
  const { draft, problems, stepId, variantOf, inForm } = renderableDraft(input.action, input.variant);
  // a literal private address or localhost is said as it is typed (not first at Test send or Activate),
  // whoever the sample is, and with no user yet to render for
  const refused = destinationRefusal(draft.url, await currentAllowList());
  const own: TemplateProblem[] = refused ? [{ field: "url", message: `Test send and Activate refuse this URL: ${refused}`, atField: true }] : [];
  let context;
  try {
    context = await sampleContext({ ...input, attributes: input.attributes ?? null, actionId: stepId, reader: actor.role }, now);
  } catch (err) {
    if (!(err instanceof SampleUserMissingError)) throw err;
    return { request: null, errors: [{ field: "user", message: err.message }], warnings: inForm(own), problems, user: null };
  }
  const shown = await asViewerWasShown(draft, actor);
  const grant = await grantSecretsFor({ ...shown, variantOf }, input.campaign.id, actor);
  const { template, secrets } = draftWebhookTemplate(shown, grant, now);
  const extra = lostSecretWarnings(secrets.lost);
  if (secrets.signingWithheld && grant.signer) extra.push({ field: "url", message: signingWithheldWarning(grant.signer.urlTemplate, shown.url, variantOf !== undefined) });
  const result = withinPreviewTime(actor.id, () => renderWebhookRequest(template, context, { webhookId: "msg_preview", timestamp: now, collectWarnings: true }));
  const user = { id: context.user.id };
  // an attribute no user has (a misspelling, most often) is said so, in place of that field's "not set for this user"
  // (or set by an earlier step's response: a note saying so)
  own.push(...(await draftUnknownAttributeWarnings(template, sampleEarlierStepMappings(input.earlierSteps))));
  // a secret cleared here is also one with no value: its "type it again" says it once
  const rendered = result.warnings.filter((w) => !extra.some((e) => e.field === w.field && w.path === undefined) && !own.some((e) => e.path !== undefined && e.field === w.field && e.path === w.path));
  // a URL value this user lacks sends their request elsewhere (/crm/ for /crm/{{user.crmId}}): said at the URL
  const empty = new Set(emptyInUrlPaths(template.url, rendered));
  for (const [i, w] of rendered.entries()) if (w.field === "url" && w.path && empty.has(w.path)) rendered[i] = { ...w, message: emptyInUrlNotice(w.path, requestAddress(result), placeInUrl(template.url, w.path)), atField: true };
  const warnings = inForm([...extra, ...own, ...rendered]);
  if (!result.ok && result.skipped !== undefined) return { request: null, errors: [], warnings, problems, user, skipped: wouldSkipMessage(result.skipped) };
  if (!result.ok) return { request: null, errors: inForm(result.errors), warnings, problems, user };
  return { request: maskRequest(result.request), errors: [], warnings, problems, user };
}
