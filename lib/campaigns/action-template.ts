// An action as stored (secrets encrypted, the URL password apart) <-> as the renderer needs it
// (every secret in the clear) <-> as the editor shows it (secrets masked). The delivery engine loads
// templates with loadWebhookTemplate; the editor's drafts go through draftWebhookTemplate.
import type { Action } from "../db";
import { decryptSecret, encryptSecret } from "../crypto/secret-box";
import type { DataField, WebhookTemplate } from "../webhooks/types";
import { SECRET_MASK } from "./limits";
import type { ActionDraft, ActionDraftInput } from "./schemas";
import { signingStateOf, type SigningState } from "./signing-secrets";
import { openStoredValue, resolveSecrets, storedHeaders, storedSigningSecrets, type SecretGrant } from "./secret-resolver";
import { maskedUrlTemplate, UrlPasswordError, urlPasswordProblem, withUrlPassword } from "./url-password";
import { parseStoredMapping } from "../webhooks/response-mapping";
import { sealedAsSecret } from "./sealed-secret";
import { assertSecretsAtFixedHost } from "./fixed-host-secrets";

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
  Partial<Pick<Action, "templateId">> & { responseMapping?: Action["responseMapping"] };

function storedFields(action: Pick<Action, "fields">): DataField[] {
  return Array.isArray(action.fields) ? (action.fields as DataField[]) : [];
}

/** The stored action as the renderer needs it: URL password back in the URL, secrets decrypted. */
export function loadWebhookTemplate(action: StoredAction, now = new Date()): WebhookTemplate {
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
    signingSecrets: storedSigningSecrets(action, now),
  };
}

/** The stored action as the editor shows it: the URL password and secret header values masked. */
export function actionToDraft(action: StoredAction): ActionDraftInput & { signing: SigningState } {
  return {
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
 * fields named under `prefix`, "actions.0."; fixed-host-secrets.ts).
 */
export function sealActionDraft(draft: ActionDraft, grant: SecretGrant, prefix = "") {
  const urlProblem = urlPasswordProblem(draft.url);
  if (urlProblem) throw new UrlPasswordError(urlProblem);
  const secrets = resolveSecrets(draft, grant);
  assertSecretsAtFixedHost({ url: withUrlPassword(secrets.urlTemplate, secrets.password), headers: secrets.headers }, prefix);
  const data = {
    name: draft.name,
    method: draft.method,
    urlTemplate: secrets.urlTemplate,
    urlPasswordEnc: secrets.password === null ? null : encryptSecret(secrets.password),
    contentType: draft.contentType,
    fields: draft.fields,
    // an empty secret is stored empty, so the editor shows a box to fill rather than a mask
    headers: secrets.headers.map((h) => {
      const secret = sealedAsSecret(h);
      return { name: h.name, value: secret && h.value ? encryptSecret(h.value) : h.value, secret };
    }),
    timeoutMs: draft.timeoutSeconds * 1000,
    // set once, when a webhook starts from a template; a draft without it leaves it as it is
    templateId: draft.templateId,
    // [] when there is none: the engine skips an empty mapping as cheaply as a missing one
    responseMapping: draft.responseMapping ?? [],
  };
  return { data, lost: secrets.lost };
}
