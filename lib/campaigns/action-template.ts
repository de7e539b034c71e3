// An action as stored (secrets encrypted, the URL password apart) <-> as the renderer needs it
// (every secret in the clear) <-> as the editor shows it (secrets masked; to a viewer, every credential
// part). The delivery engine loads templates with loadWebhookTemplate; the editor's drafts go through
// draftWebhookTemplate.
import type { Action } from "../db";
import { decryptSecret, encryptSecret } from "../crypto/secret-box";
import type { DataField, WebhookTemplate } from "../webhooks/types";
import { SECRET_MASK } from "./limits";
import type { ActionDraft, ActionDraftInput } from "./schemas";
import { signingStateOf, type SigningState } from "./signing-secrets";
import { lostSecretMessage, openStoredValue, resolveSecrets, signingFor, type Signer, storedHeaders, type LostSecret, type ResolvedSecrets, type SecretGrant, variantSigningSecrets } from "./secret-resolver";
import { maskedUrlTemplate, UrlPasswordError, urlPasswordProblem, withUrlPassword } from "./url-password";
import { parseStoredMapping } from "../webhooks/response-mapping";
import { sealedAsSecret } from "./sealed-secret";
import { assertSecretsAtFixedHost, SecretHostError } from "./fixed-host-secrets";
import { maskCredentialUrl, maskCredentialWebhook } from "../webhooks/credential-parts";
import { effectiveRole, roleAllows, type MemberRole } from "../auth/roles";

export { actionDraftSchema, type ActionDraft, type ActionDraftInput } from "./schemas";

type StoredAction = Pick<
  Action,
  | "id"
  | "name"
  | "method"
  | "urlTemplate"
  | "urlPasswordEnc"
  | "contentType"
  | "fields"
  | "headers"
  | "timeoutMs"
  | "signingSecretEnc"
  | "previousSigningSecretEnc"
  | "previousSecretExpiresAt"
> &
  Partial<Pick<Action, "templateId" | "variantOfId">> & { responseMapping?: Action["responseMapping"] };

function storedFields(action: Pick<Action, "fields">): DataField[] {
  return Array.isArray(action.fields) ? (action.fields as DataField[]) : [];
}

/**
 * The stored action as the renderer needs it: URL password back in the URL, secrets decrypted. An A/B
 * variant's row is signed with its step's secret (`step`, required for it), and with its own only while
 * it holds one from before that rule (variantSigningSecrets).
 */
export function loadWebhookTemplate(action: StoredAction, now = new Date(), step?: Signer): WebhookTemplate {
  if (action.variantOfId && !step) throw new Error("A variant is signed with its webhook's secret: load it with its webhook");
  const password = action.urlPasswordEnc ? decryptSecret(action.urlPasswordEnc) : null;
  return {
    method: action.method as WebhookTemplate["method"],
    url: withUrlPassword(action.urlTemplate, password),
    contentType: action.contentType as WebhookTemplate["contentType"],
    fields: storedFields(action),
    headers: storedHeaders(action).map((h) => ({
      name: h.name,
      value: h.secret ? openStoredValue(h.value) : h.value,
      secret: h.secret,
    })),
    signingSecrets: action.variantOfId ? variantSigningSecrets(action, step, now) : signingFor(action, action.urlTemplate, now).signingSecrets,
  };
}

/**
 * The stored action as the editor shows it to `reader`: the URL password and secret header values
 * masked. A viewer, who cannot edit it, sees its other credential parts masked too (a secret hook path,
 * ?token=, secret-named fields and headers typed in clear: credential-parts.ts); an editor or admin sees
 * them as they edit them.
 */
export function actionToDraft(action: StoredAction, reader: MemberRole): ActionDraftInput & { signing: SigningState } {
  const draft = {
    id: action.id,
    name: action.name,
    method: action.method as ActionDraft["method"],
    url: maskedUrlTemplate(action.urlTemplate, action.urlPasswordEnc ? decryptSecret(action.urlPasswordEnc) : null),
    contentType: action.contentType as ActionDraft["contentType"],
    fields: storedFields(action),
    // A secret header nobody has typed yet (a copy's) shows empty, not masked: there is nothing to keep.
    headers: storedHeaders(action).map((h) => ({ name: h.name, value: h.secret && h.value ? SECRET_MASK : h.value, secret: h.secret })),
    timeoutSeconds: Math.round(action.timeoutMs / 1000),
    ...(action.templateId ? { templateId: action.templateId } : {}),
    responseMapping: parseStoredMapping(action.responseMapping) ?? [],
    signing: signingStateOf(action),
  };
  return roleAllows(effectiveRole(reader), "editor") ? draft : maskCredentialWebhook(draft);
}

/**
 * The URL a viewer's draft stands for: the stored action's URL as an editor sees it when the draft shows
 * it as actionToDraft showed it to the viewer (its credential parts masked), else the draft's own. For a
 * viewer's preview only, so it renders what the editor's would (its output masked by the same rule),
 * rather than a URL whose changed query or path drops the stored secrets and the signature.
 */
export function urlShownToViewer(draftUrl: string, stored: Pick<Action, "urlTemplate" | "urlPasswordEnc">): string {
  const editorUrl = maskedUrlTemplate(stored.urlTemplate, stored.urlPasswordEnc ? decryptSecret(stored.urlPasswordEnc) : null);
  return maskCredentialUrl(editorUrl) === draftUrl ? editorUrl : draftUrl;
}

/**
 * A draft (as typed, saved or not) as the renderer needs it, its masked secrets resolved as the
 * secret resolver's grant allows (lib/campaigns/secret-resolver.ts).
 */
export function draftWebhookTemplate(draft: ActionDraft, grant: SecretGrant, now = new Date()) {
  const secrets = resolveSecrets(draft, grant, now);
  const template: WebhookTemplate = {
    method: draft.method,
    url: withUrlPassword(secrets.urlTemplate, secrets.password),
    contentType: draft.contentType,
    fields: draft.fields,
    headers: secrets.headers,
    signingSecrets: secrets.signingSecrets,
  };
  return { template, secrets };
}

/**
 * The columns to store for a draft: the URL password split out and encrypted, secret headers encrypted.
 * Every write of an action's URL comes here: a password that cannot be split out is refused, never
 * stored in clear, and so is a literal secret for a URL whose host is a template (SecretHostError, its
 * fields named under `prefix`, "actions.0."; fixed-host-secrets.ts), and so is "••••" kept at another
 * path or query of the same host (the secret resolver's "path" refusal; SecretHostError too).
 */
export function sealActionDraft(draft: ActionDraft, grant: SecretGrant, prefix = "") {
  const urlProblem = urlPasswordProblem(draft.url);
  if (urlProblem) throw new UrlPasswordError(urlProblem);
  const secrets = resolveSecrets(draft, grant);
  assertNoSecretMoved(secrets.lost, prefix);
  assertNoMaskedCredentialPart(secrets, draft.fields, draft.headers, prefix);
  assertSecretsAtFixedHost({ url: withUrlPassword(secrets.urlTemplate, secrets.password), headers: secrets.headers }, prefix);
  const data = {
    name: draft.name,
    method: draft.method,
    urlTemplate: secrets.urlTemplate,
    urlPasswordEnc: secrets.password === null ? null : encryptSecret(secrets.password),
    contentType: draft.contentType,
    fields: draft.fields,
    // an empty secret is stored empty, so the editor shows a box to fill rather than a mask. A value is
    // stored without the spaces around it: every HTTP parser strips them, so a receiver would echo a
    // secret "trailsecret456 " as "trailsecret456" (echoed-secrets.ts masks that form of older rows too)
    headers: secrets.headers.map((h) => {
      const secret = sealedAsSecret(h);
      const value = h.value.trim();
      return { name: h.name, value: secret && value ? encryptSecret(value) : value, secret };
    }),
    timeoutMs: draft.timeoutSeconds * 1000,
    // set once, when a webhook starts from a template; a draft without it leaves it as it is
    templateId: draft.templateId,
    // [] when there is none: the engine skips an empty mapping as cheaply as a missing one
    responseMapping: draft.responseMapping ?? [],
  };
  return { data, lost: secrets.lost };
}

const MASKED_PART = `"${SECRET_MASK}" stands for a credential masked for a reader who may not see it (credential-parts.ts), and only the URL's password and secret headers keep a stored value: type the real value here`;

/**
 * "••••" left in the URL (its password split out), in a data field or inside a header's value: a viewer's
 * masked copy (a hook's path, ?token=, a secret-named field, a URL's password in a field or header) sent
 * back as it was read would store the mask over the credential. A header that is "••••" whole keeps its
 * stored secret (secret-resolver.ts); where the saved webhook keeps that header as plain text (a viewer's
 * copy masked it by its name: Idempotency-Key), it would be stored empty: refused the same way.
 */
function assertNoMaskedCredentialPart(secrets: ResolvedSecrets, fields: readonly { key: string; value: string }[], headers: readonly { value: string }[], prefix: string): void {
  const found: Record<string, string> = {};
  if (secrets.urlTemplate.includes(SECRET_MASK)) found[`${prefix}url`] = MASKED_PART;
  fields.forEach((f, i) => {
    if (f.value.includes(SECRET_MASK)) found[`${prefix}fields.${i}.value`] = MASKED_PART;
  });
  headers.forEach((h, i) => {
    const field = `headers.${i}.value`;
    if ((h.value !== SECRET_MASK && h.value.includes(SECRET_MASK)) || secrets.maskedPlain.includes(field)) found[prefix + field] = MASKED_PART;
  });
  if (Object.keys(found).length) throw new SecretHostError(found);
}

/** A masked secret kept at another path of its origin is refused at its field, not cleared (secret-resolver.ts). */
function assertNoSecretMoved(lost: LostSecret[], prefix: string): void {
  const moved = lost.filter((l) => l.reason === "path");
  if (moved.length) throw new SecretHostError(Object.fromEntries(moved.map((l) => [prefix + l.field, lostSecretMessage(l, "save")])));
}
