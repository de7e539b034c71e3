// A webhook's Standard Webhooks signing secret: generated here, shown once, stored encrypted on its
// step's row, and signing its A/B variants too (a variant row never holds one). Rotating keeps the
// previous secret valid for 24 hours (requests then carry two signatures).
import { db } from "../db";
import { recordAudit } from "../auth/audit";
import { encryptSecret } from "../crypto/secret-box";
import { generateSigningSecret } from "../webhooks/sign";
import { urlOrigin } from "./url-origin";
import { WebhookNotInCampaignError } from "./campaigns";

const ROTATION_GRACE_MS = 24 * 3_600_000;

/** A secret the action cannot have (render-request.ts signs only requests to the URL's fixed origin). */
export class SigningSecretError extends Error {
  name = "SigningSecretError";
}
const TEMPLATED_HOST = "A webhook whose host is a template cannot be signed: its host is chosen by data. Give it a fixed host (https://api.example.com/…) to sign its requests.";

// one secret per webhook: its step's signs every variant (secret-resolver.ts signingFor)
const VARIANT_ROW = "A variant is signed with its webhook's signing secret: generate it on the webhook (variant A), and it signs every variant.";

const CHANGED_MEANWHILE = "The webhook changed meanwhile (its URL or signing secret was saved by someone else), so no secret was generated: try again.";

export type SigningState = { enabled: boolean; previousValidUntil: string | null };

export function signingStateOf(
  action: { signingSecretEnc: string | null; previousSigningSecretEnc: string | null; previousSecretExpiresAt: Date | null },
  now = new Date(),
): SigningState {
  const rotating = !!action.previousSigningSecretEnc && !!action.previousSecretExpiresAt && action.previousSecretExpiresAt > now;
  return { enabled: !!action.signingSecretEnc, previousValidUntil: rotating ? action.previousSecretExpiresAt!.toISOString() : null };
}

/**
 * A new secret for the action (the current one, if any, stays valid for 24 h). Returns it in the clear,
 * once. Audited (`signing_secret.created`, or `.rotated` when one is replaced) for `actor`. An action
 * that is not the campaign's (another campaign's, or deleted) is a WebhookNotInCampaignError; one whose
 * URL or secret another save changed between the check and the write is a SigningSecretError (409).
 */
export async function rotateSigningSecret(campaignId: string, actionId: string, options: { actor?: string; now?: Date } = {}): Promise<{ secret: string; state: SigningState }> {
  const now = options.now ?? new Date();
  const action = await db().action.findFirst({ where: { id: actionId, campaignId } });
  if (!action) throw new WebhookNotInCampaignError();
  if (action.variantOfId) throw new SigningSecretError(VARIANT_ROW);
  if (urlOrigin(action.urlTemplate) === null) throw new SigningSecretError(TEMPLATED_HOST);
  const secret = generateSigningSecret();
  const data = {
    signingSecretEnc: encryptSecret(secret),
    previousSigningSecretEnc: action.signingSecretEnc,
    previousSecretExpiresAt: action.signingSecretEnc ? new Date(now.getTime() + ROTATION_GRACE_MS) : null,
  };
  // Written only if the URL and the secrets are still the ones checked above: a save that moved the URL
  // meanwhile (and so removed the secret) must not get this secret, nor the old one as "previous", at its new host.
  const { count } = await db().action.updateMany({
    where: { id: actionId, campaignId, urlTemplate: action.urlTemplate, signingSecretEnc: action.signingSecretEnc, previousSigningSecretEnc: action.previousSigningSecretEnc },
    data,
  });
  if (!count) throw new SigningSecretError(CHANGED_MEANWHILE);
  const state = signingStateOf(data, now);
  // the first secret is generated; only replacing one (the old one then stays valid a while) is a rotation
  await recordAudit({ actor: options.actor ?? "system", action: state.previousValidUntil ? "signing_secret.rotated" : "signing_secret.created", target: actionId, details: { campaignId } });
  return { secret, state };
}

/**
 * Requests of the action are no longer signed; audited (`signing_secret.removed`) for `actor`. An
 * action that is not the campaign's (another campaign's, or deleted) is a WebhookNotInCampaignError,
 * as for rotateSigningSecret: nothing is removed, and the caller says so rather than "done".
 */
export async function removeSigningSecret(campaignId: string, actionId: string, actor = "system"): Promise<void> {
  const { count } = await db().action.updateMany({
    where: { id: actionId, campaignId, variantOfId: null },
    data: { signingSecretEnc: null, previousSigningSecretEnc: null, previousSecretExpiresAt: null },
  });
  if (!count) {
    // "done" for a variant would be untrue: the webhook's secret still signs it
    if (await db().action.findFirst({ where: { id: actionId, campaignId }, select: { id: true } })) throw new SigningSecretError(VARIANT_ROW);
    throw new WebhookNotInCampaignError();
  }
  await recordAudit({ actor, action: "signing_secret.removed", target: actionId, details: { campaignId } });
}
