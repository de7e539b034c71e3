// An action as stored (secrets encrypted, the URL password apart) <-> as the renderer needs it
// (every secret in the clear) <-> as the editor shows it (secrets masked). The delivery engine loads
// templates with loadWebhookTemplate; the editor's drafts go through draftWebhookTemplate.
import type { Action } from "../db/generated/sqlite/client";
import { decryptSecret, encryptSecret } from "../crypto/secret-box";
import type { DataField, HeaderField, WebhookTemplate } from "../webhooks/types";
import { SECRET_MASK } from "./limits";
import type { ActionDraft, ActionDraftInput } from "./schemas";
import { signingStateOf, type SigningState } from "./signing-secrets";
import { maskedUrlTemplate, resolveUrlPassword, withUrlPassword } from "./url-password";

export { actionDraftSchema, type ActionDraft, type ActionDraftInput } from "./schemas";

/** A header as stored: `value` is ciphertext when `secret`. */
type StoredHeader = { name: string; value: string; secret: boolean };

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
>;

export function storedFields(action: Pick<Action, "fields">): DataField[] {
  return Array.isArray(action.fields) ? (action.fields as DataField[]) : [];
}

function storedHeaders(action: Pick<Action, "headers">): StoredHeader[] {
  return Array.isArray(action.headers) ? (action.headers as StoredHeader[]) : [];
}

/** Current signing secret first; the previous one while its rotation grace period lasts. */
function signingSecrets(action: StoredAction, now: Date): string[] | undefined {
  const secrets: string[] = [];
  if (action.signingSecretEnc) secrets.push(decryptSecret(action.signingSecretEnc));
  if (action.previousSigningSecretEnc && action.previousSecretExpiresAt && action.previousSecretExpiresAt > now) {
    secrets.push(decryptSecret(action.previousSigningSecretEnc));
  }
  return secrets.length ? secrets : undefined;
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
      value: h.secret ? decryptSecret(h.value) : h.value,
      secret: h.secret,
    })),
    signingSecrets: signingSecrets(action, now),
  };
}

/** The stored action as the editor shows it: the URL password and secret header values masked. */
export function actionToDraft(action: StoredAction): ActionDraftInput & { signing: SigningState } {
  return {
    id: action.id,
    name: action.name,
    method: action.method as ActionDraft["method"],
    url: maskedUrlTemplate(action.urlTemplate, !!action.urlPasswordEnc),
    contentType: action.contentType as ActionDraft["contentType"],
    fields: storedFields(action),
    headers: storedHeaders(action).map((h) => ({ name: h.name, value: h.secret ? SECRET_MASK : h.value, secret: h.secret })),
    timeoutSeconds: Math.round(action.timeoutMs / 1000),
    signing: signingStateOf(action),
  };
}

/** A secret header typed as "••••" keeps the stored value of the header with the same name. */
function resolveHeaders(draft: ActionDraft, source: StoredAction | null): HeaderField[] {
  const stored = source ? storedHeaders(source) : [];
  return draft.headers.map((h) => {
    if (h.value !== SECRET_MASK) return { name: h.name, value: h.value, secret: h.secret };
    const previous = stored.find((s) => s.secret && s.name.toLowerCase() === h.name.toLowerCase());
    // A masked value stays secret even if the box was unticked: unticking must not reveal it.
    return { name: h.name, value: previous ? decryptSecret(previous.value) : "", secret: true };
  });
}

function resolvePassword(draft: ActionDraft, source: StoredAction | null) {
  const stored = source ? { urlTemplate: source.urlTemplate, password: source.urlPasswordEnc ? decryptSecret(source.urlPasswordEnc) : null } : null;
  return resolveUrlPassword(draft.url, stored);
}

/**
 * A draft (as typed, saved or not) as the renderer needs it. `source` is the saved action whose
 * stored secrets "••••" stands for (the action itself, or the one a duplicate was made from).
 */
export function draftWebhookTemplate(draft: ActionDraft, source: StoredAction | null, now = new Date()) {
  const url = resolvePassword(draft, source);
  const template: WebhookTemplate = {
    method: draft.method,
    url: withUrlPassword(url.urlTemplate, url.password),
    contentType: draft.contentType,
    fields: draft.fields,
    headers: resolveHeaders(draft, source),
    signingSecrets: source ? signingSecrets(source, now) : undefined,
  };
  return { template, passwordClearedForHostChange: url.clearedForHostChange };
}

/** The columns to store for a draft: the URL password split out and encrypted, secret headers encrypted. */
export function sealActionDraft(draft: ActionDraft, source: StoredAction | null) {
  const url = resolvePassword(draft, source);
  const data = {
    name: draft.name,
    method: draft.method,
    urlTemplate: url.urlTemplate,
    urlPasswordEnc: url.password === null ? null : encryptSecret(url.password),
    contentType: draft.contentType,
    fields: draft.fields,
    headers: resolveHeaders(draft, source).map((h) => ({ name: h.name, value: h.secret ? encryptSecret(h.value) : h.value, secret: !!h.secret })),
    timeoutMs: draft.timeoutSeconds * 1000,
  };
  return { data, passwordClearedForHostChange: url.clearedForHostChange };
}
