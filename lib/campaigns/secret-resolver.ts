// THE secret resolver: whether a stored secret may stand in for what a draft shows masked ("••••" for a
// URL password or a secret header value) or never shows (the signing secret). Save, preview, test send
// and duplicate all ask here, so a new entry point cannot forget the rule:
//  - a masked secret is reused only by the same action of the same campaign, and only while the URL's
//    origin (scheme, host, port) is unchanged and fixed: a templated host (https://{{user.crm}}/x) is
//    chosen by data, never trusted with a stored secret. At the same origin, the path and query up to
//    the first template must be unchanged too (urlFixedPart): on a shared host another path is another
//    endpoint, and an editor cannot read the secret they would move there; saving so is refused
//    (sealActionDraft), not cleared, so the editor types the secret again or puts the path back. An A/B variant row is an action of its own
//    here: only that variant's draft reuses its secrets (saveVariants in variant-rows.ts narrows `find`);
//  - a copy not saved yet (`copiedFrom`) borrows the original's secrets only when the copier is an
//    admin and the copy keeps the original's origin; it never borrows the signing secret;
//  - a webhook has ONE signing secret, its step's (the row whose variantOfId is null): it signs the step's
//    requests and every A/B variant's, only at the fixed part the step's URL was saved with (signingFor);
//    a variant row's own signing columns (written before this rule) are never read.
// Otherwise the secret is dropped and the caller says which field must be typed again.
import type { Role } from "../auth/roles";
import { decryptSecret } from "../crypto/secret-box";
import { db } from "../db";
import type { HeaderField } from "../webhooks/types";
import { SECRET_MASK } from "./limits";
import { sameFixedOrigin, sameFixedPart, urlFixedPart, urlOrigin } from "./url-origin";
import { splitUrlPassword, withoutUrlSecret, withUrlPassword } from "./url-password";

export { urlOrigin } from "./url-origin";

/** Who is asking (a member or an API key): only an admin's (or the owner's) copies keep secrets. */
export type SecretActor = { role: Role | "owner" };
/** The default where a caller does not say: treated as a non-admin, so copies borrow nothing. */
export const UNTRUSTED_ACTOR: SecretActor = { role: "editor" };

function mayCopySecrets(actor: SecretActor): boolean {
  return actor.role === "admin" || actor.role === "owner";
}

/** A stored action, as far as its secrets go. */
export type SecretHolder = {
  id: string;
  campaignId: string;
  urlTemplate: string;
  urlPasswordEnc: string | null;
  headers: unknown;
  signingSecretEnc: string | null;
  previousSigningSecretEnc: string | null;
  previousSecretExpiresAt: Date | null;
  /** set on an A/B variant's row: the step it varies, whose signing secret signs it */
  variantOfId?: string | null;
};

/** What signs a webhook's requests: its step's signing columns and the URL they were made for. */
export type Signer = Pick<SecretHolder, "urlTemplate" | "signingSecretEnc" | "previousSigningSecretEnc" | "previousSecretExpiresAt">;

type StoredHeader = { name: string; value: string; secret: boolean };

export function storedHeaders(action: { headers: unknown }): StoredHeader[] {
  return Array.isArray(action.headers) ? (action.headers as StoredHeader[]) : [];
}

/**
 * The URL secret a stored action holds, as splitUrlPassword reads its URL today: its password, or the
 * whole userinfo when the user name is the credential, also for rows stored before that was split out
 * ("https://sk_live_...@host" with an empty password), so "••••@" never stands for less than was saved.
 */
function storedUrlSecret(source: Pick<SecretHolder, "urlTemplate" | "urlPasswordEnc">): string | null {
  const password = source.urlPasswordEnc ? decryptSecret(source.urlPasswordEnc) : null;
  return splitUrlPassword(withUrlPassword(source.urlTemplate, password)).password;
}

/** A stored secret header's value in the clear ("" is stored as is: a secret nobody has typed yet). */
export function openStoredValue(value: string): string {
  return value === "" ? "" : decryptSecret(value);
}

export type SecretRefusal = "foreign" | "copy" | "origin" | "path" | "templated";

export type SecretGrant = (
  /** no saved action named: "••••" stands for nothing */
  | { kind: "none" }
  /** the secrets of `source` may be reused at `origin` */
  | { kind: "own" | "copy"; source: SecretHolder; origin: string }
  /** an action was named but its secrets may not be reused here */
  | { kind: "refused"; reason: SecretRefusal; source: SecretHolder; own: boolean }
) & {
  /** the saved step of this campaign whose signing secret signs the draft (signingFor), or null */
  signer: SecretHolder | null;
};

export type SecretRequest = {
  /** `variantOf`: the step's id when the draft is one of its A/B variants (saved or not) */
  draft: { id?: string; copiedFrom?: string; url: string; variantOf?: string };
  /** the campaign being saved, previewed or tested; null for a campaign not saved yet */
  campaignId: string | null | undefined;
  actor: SecretActor;
  /** the saved action with this id, if any */
  find: (id: string) => SecretHolder | null | undefined;
};

function atSameOrigin(kind: "own" | "copy", source: SecretHolder, url: string, signer: SecretHolder | null): SecretGrant {
  const stored = urlOrigin(source.urlTemplate);
  const typed = urlOrigin(url);
  if (!stored || !typed) return { kind: "refused", reason: "templated", source, own: kind === "own", signer };
  if (stored !== typed) return { kind: "refused", reason: "origin", source, own: kind === "own", signer };
  if (urlFixedPart(source.urlTemplate) !== urlFixedPart(url)) return { kind: "refused", reason: "path", source, own: kind === "own", signer };
  return { kind, source, origin: typed, signer };
}

/** THE rule: which saved action, if any, a draft's masked secrets may stand for, and which step signs it. */
export function grantSecrets({ draft, campaignId, actor, find }: SecretRequest): SecretGrant {
  const named = draft.id ? find(draft.id) : null;
  // a step of this campaign signs its own draft and its variants' drafts; a copy never borrows it
  const stepOfCampaign = (row: SecretHolder | null | undefined) => (row && campaignId && row.campaignId === campaignId && !row.variantOfId ? row : null);
  const signer = stepOfCampaign(draft.variantOf !== undefined ? find(draft.variantOf) : named);
  if (named && campaignId && named.campaignId === campaignId) return atSameOrigin("own", named, draft.url, signer);
  const original = draft.copiedFrom ? find(draft.copiedFrom) : null;
  if (original) {
    if (!mayCopySecrets(actor)) return { kind: "refused", reason: "copy", source: original, own: false, signer };
    return atSameOrigin("copy", original, draft.url, signer);
  }
  if (named) return { kind: "refused", reason: "foreign", source: named, own: false, signer };
  return { kind: "none", signer };
}

/** Why a signed webhook's variant is not signed (preview, Test send, Activate). */
export const VARIANT_UNSIGNED =
  "The webhook's signing secret signs its variants only under the host and path it was made for (the webhook's URL up to its first template), so this variant's requests would go unsigned: point it there, or stop signing the webhook.";

/**
 * THE signing rule. A webhook has one signing secret, its step's: it signs the step's requests and its
 * A/B variants' (a marketer generates one secret per webhook, and its receiver verifies every request
 * with it). It signs only a URL with the fixed part (origin, then path and query up to the first
 * template) the step's URL was saved with, as a moved URL loses it: a variant or a draft elsewhere is
 * `withheld` (sent unsigned; Activate and Test send refuse it while the webhook is signed).
 */
export function signingFor(step: Signer | null | undefined, url: string, now: Date): { signingSecrets: string[] | undefined; signingWithheld: boolean } {
  const secrets = step ? storedSigningSecrets(step, now) : undefined;
  if (!step || !secrets) return { signingSecrets: undefined, signingWithheld: false };
  return sameFixedPart(url, step.urlTemplate) ? { signingSecrets: secrets, signingWithheld: false } : { signingSecrets: undefined, signingWithheld: true };
}

/** Said at a save that removes a variant's own signing secret (variantSigningSecrets). */
export const VARIANT_OWN_SECRET_REMOVED =
  "This variant's own signing secret (made before one secret signed a webhook and all its variants) is removed: its requests are signed with the webhook's secret from now on; give its receiver that secret.";

/**
 * A variant's signing secrets as the engine sends them: its step's (signingFor), and, for a row that was
 * signed on its own before one secret signed a webhook and its variants, that row's own too (made for its
 * own URL), until the variant is saved again (saveVariants removes it and says so): its receiver verifies
 * with the secret it was given, and Standard Webhooks sends one signature per secret.
 */
export function variantSigningSecrets(variant: Signer, step: Signer | null | undefined, now: Date): string[] | undefined {
  const fromStep = signingFor(step, variant.urlTemplate, now).signingSecrets;
  const own = storedSigningSecrets(variant, now);
  if (!own) return fromStep;
  return [...new Set([...(fromStep ?? []), ...own])];
}

/** Current signing secret first; the previous one while its rotation grace period lasts. */
export function storedSigningSecrets(action: Pick<SecretHolder, "signingSecretEnc" | "previousSigningSecretEnc" | "previousSecretExpiresAt">, now: Date): string[] | undefined {
  const secrets: string[] = [];
  if (action.signingSecretEnc) secrets.push(decryptSecret(action.signingSecretEnc));
  if (action.previousSigningSecretEnc && action.previousSecretExpiresAt && action.previousSecretExpiresAt > now) {
    secrets.push(decryptSecret(action.previousSigningSecretEnc));
  }
  return secrets.length ? secrets : undefined;
}

/**
 * A masked secret that could not be reused: the draft field to type again, and what it held. "gone":
 * no saved action to take it from (a webhook kept as new after another's delete, by "Merge their changes").
 */
export type LostSecret = { field: string; what: string; reason: SecretRefusal | "gone" };

export type ResolvedSecrets = {
  /** the URL template without password, and the password to use (typed, reused or none) */
  urlTemplate: string;
  password: string | null;
  headers: HeaderField[];
  /** the step's signing secrets (signingFor): for its own draft, or a variant's, at its saved fixed part */
  signingSecrets: string[] | undefined;
  /** the webhook is signed, but this draft may not be signed with its secret (another fixed part, or templated) */
  signingWithheld: boolean;
  lost: LostSecret[];
  /** whether a stored URL password or header value was put in (the signing secret guards itself: render-request.ts) */
  reusedStored: boolean;
  /**
   * draft fields ("headers.N.value") that are "••••" where the saved action keeps that header as plain
   * text: a copy masked for a reader by the header's name (Idempotency-Key) sent back; it stands for no
   * stored secret, and a save must not store it empty (sealActionDraft refuses it)
   */
  maskedPlain: string[];
};

/** The draft's secrets in the clear, as far as the grant allows. */
export function resolveSecrets(
  draft: { url: string; headers: { name: string; value: string; secret?: boolean }[] },
  grant: SecretGrant,
  now = new Date(),
): ResolvedSecrets {
  const granted = grant.kind === "own" || grant.kind === "copy" ? grant.source : null;
  const refused = grant.kind === "refused" ? grant : null;
  const lost: LostSecret[] = [];
  let reusedStored = false;

  const url = splitUrlPassword(draft.url);
  let password = url.password;
  if (password === SECRET_MASK) {
    password = granted ? storedUrlSecret(granted) : null;
    if (password !== null) reusedStored = true;
    // "name:••••@" without its password: the name alone would be a credential the editor never typed here
    else url.urlTemplate = withoutUrlSecret(url.urlTemplate);
    // a password saved in the template itself (before templated schemes were split) is lost the same way
    const storedPassword = !!refused && (!!refused.source.urlPasswordEnc || splitUrlPassword(refused.source.urlTemplate).password !== null);
    if (refused && storedPassword) lost.push({ field: "url", what: "password", reason: refused.reason });
    if (grant.kind === "none") lost.push({ field: "url", what: "password", reason: "gone" });
  }

  const storedOf = (source: SecretHolder | null, name: string) =>
    source ? storedHeaders(source).find((s) => s.secret && s.name.toLowerCase() === name.toLowerCase()) : undefined;
  const maskedPlain: string[] = [];
  const plainOf = (source: SecretHolder | null, name: string) =>
    source ? storedHeaders(source).find((s) => !s.secret && s.value !== "" && s.name.toLowerCase() === name.toLowerCase()) : undefined;
  const headers = draft.headers.map((h, i): HeaderField => {
    if (h.value !== SECRET_MASK) return { name: h.name, value: h.value, secret: h.secret };
    const previous = storedOf(granted, h.name);
    if (!previous && plainOf(granted ?? refused?.source ?? null, h.name)) maskedPlain.push(`headers.${i}.value`);
    if (previous?.value) reusedStored = true;
    if (refused && storedOf(refused.source, h.name)?.value) lost.push({ field: `headers.${i}.value`, what: `value of the header "${h.name}"`, reason: refused.reason });
    if (grant.kind === "none") lost.push({ field: `headers.${i}.value`, what: `value of the header "${h.name}"`, reason: "gone" });
    // A masked value stays secret even if the box was unticked: unticking must not reveal it.
    return { name: h.name, value: previous ? openStoredValue(previous.value) : "", secret: true };
  });

  const { signingSecrets, signingWithheld } = signingFor(grant.signer, url.urlTemplate, now);
  return { urlTemplate: url.urlTemplate, password, headers, signingSecrets, signingWithheld, lost, reusedStored, maskedPlain };
}

const REASONS: Record<LostSecret["reason"], string> = {
  gone: "There is no saved webhook to take it from (it was deleted, or is new)",
  origin: "The host changed",
  path: "The URL's path or query changed",
  templated: "The URL's scheme or host is templated",
  foreign: "This webhook belongs to another campaign",
  copy: "Only an admin's copy keeps saved secrets",
};

/** "The host changed, so the saved password was cleared: type it again." (tense: at save, in preview, at test send) */
export function lostSecretMessage(lost: LostSecret, when: "save" | "preview" | "send"): string {
  // a changed path is refused at save (sealActionDraft), not cleared: the editor may also put the path back
  if (lost.reason === "path") return `${REASONS.path}, so the saved ${lost.what} ${when === "send" ? "cannot be used" : "cannot be kept"}: type it again, or change the URL back.`;
  const outcome = { save: "was cleared", preview: "will be cleared", send: "cannot be used" }[when];
  return `${REASONS[lost.reason]}, so the saved ${lost.what} ${outcome}: type it again.`;
}

/** Whether a saved action keeps its signing secret when saved with this URL (its fixed part, urlFixedPart, unchanged). */
export function keepsSigningSecret(saved: Pick<SecretHolder, "urlTemplate">, url: string): boolean {
  return sameFixedPart(url, saved.urlTemplate);
}

/** The save's notice when it removes the signing secret (keepsSigningSecret said no). */
export function signingRemovedMessage(saved: Pick<SecretHolder, "urlTemplate">, url: string): string {
  const why = sameFixedOrigin(url, saved.urlTemplate) ? REASONS.path : REASONS.origin;
  return `${why}, so the signing secret was removed: generate a new one.`;
}

/** The signing columns of a row that signs nothing (a variant's). */
export const NO_SIGNING_SECRET = { signingSecretEnc: null, previousSigningSecretEnc: null, previousSecretExpiresAt: null } as const;

/** The columns a copy of a stored action may carry: all of them for an admin, none of its secrets otherwise. */
export function copyableSecrets(action: SecretHolder, actor: SecretActor) {
  if (mayCopySecrets(actor)) {
    // a variant's row holds no signing secret (its step's signs it): one stored before that rule is not copied
    const signer = action.variantOfId ? NO_SIGNING_SECRET : action;
    return {
      urlPasswordEnc: action.urlPasswordEnc,
      headers: storedHeaders(action),
      signingSecretEnc: signer.signingSecretEnc,
      previousSigningSecretEnc: signer.previousSigningSecretEnc,
      previousSecretExpiresAt: signer.previousSecretExpiresAt,
    };
  }
  return {
    // a name beside the password, or one saved in the template before it was split out, goes with it
    urlTemplate: withoutUrlSecret(action.urlTemplate),
    urlPasswordEnc: null,
    // the header stays, empty, so the copier sees what to type again
    headers: storedHeaders(action).map((h) => (h.secret ? { ...h, value: "" } : h)),
    signingSecretEnc: null,
    previousSigningSecretEnc: null,
    previousSecretExpiresAt: null,
  };
}

/** The grant for a draft previewed or test-sent: `grantSecrets` with the named actions read from the database. */
export async function grantSecretsFor(
  draft: SecretRequest["draft"],
  campaignId: string | null | undefined,
  actor: SecretActor,
): Promise<SecretGrant> {
  const ids = [draft.id, draft.copiedFrom, draft.variantOf].filter((x): x is string => !!x);
  const rows = ids.length ? await db().action.findMany({ where: { id: { in: ids } } }) : [];
  return grantSecrets({ draft, campaignId, actor, find: (id) => rows.find((r) => r.id === id) });
}

