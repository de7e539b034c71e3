// The URL password of an action is stored apart from its URL template, encrypted; the editor sees it
// as "••••". This module moves the password between the three forms: as typed, as stored, as shown.
import { SECRET_MASK } from "./limits";
import { isCredentialUser, parseUrlTemplate, replaceStrayUrlPasswords, strayUrlPasswords, unreadableUrlTemplate, type UrlParts } from "../webhooks/url-credentials";

// A user name without a password is the credential itself (Stripe's https://sk_live_...@api.stripe.com,
// or https://sk_live_...:@api.stripe.com as curl -u key: sends it; isCredentialUser): the whole userinfo
// is then stored as the secret, marked by this first character (the schemas refuse U+0000 in a URL, so
// no typed password starts with it), and shown as "••••@". A name beside a password stays a name; where
// that password is dropped (a copy, a host change) the name goes with it (withoutUrlSecret).
const USERINFO_SECRET = "\u0000";

/** Whether a stored URL secret is a whole userinfo (a user name that is the credential) rather than a password. */
export const isUserinfoSecret = (secret: string | null): boolean => !!secret?.startsWith(USERINFO_SECRET);

/** A literal user name without a password ("key@", "key:@"), or the mask shown in place of the userinfo ("••••@"). */
function credentialUser(parts: UrlParts): boolean {
  if (!parts.hasUserinfo) return false;
  if (parts.username === SECRET_MASK && parts.password === null) return true;
  return isCredentialUser(parts.username, parts.password);
}

/** "host:port" of a URL template, lower-cased, to tell whether an edit points it elsewhere. */
export function urlTemplateHost(url: string): string | null {
  const parts = parseUrlTemplate(url);
  if (!parts) return null;
  return /^[^/?#]*/.exec(parts.hostAndRest)![0].toLowerCase();
}

function join(parts: UrlParts, password: string | null): string {
  if (!parts.hasUserinfo) return parts.scheme + parts.hostAndRest;
  const userinfo = password === null ? parts.username : `${parts.username}:${password}`;
  return `${parts.scheme}${userinfo}@${parts.hostAndRest}`;
}

const STRAY_URL_PASSWORD =
  "Write the password right after the scheme at the start of the URL (https://name:password@host or {{scheme}}://name:password@host): written anywhere else it would be stored and shown in clear. Or send it in an Authorization header marked secret.";

/**
 * Why this URL cannot be saved: a template construct whose reading no check could trust (a comment, a
 * raw block, an escaped {{), or a literal password that could reach the request's userinfo but cannot
 * be split out (see strayUrlPasswords).
 */
export function urlPasswordProblem(url: string): string | null {
  return unreadableUrlTemplate(url) ?? (strayUrlPasswords(url).length ? STRAY_URL_PASSWORD : null);
}

/** Thrown where an action's URL is stored (sealActionDraft) for a URL the schema would refuse (urlPasswordProblem). */
export class UrlPasswordError extends Error {
  readonly field = "url";
  constructor(message: string) {
    super(message);
  }
}

/** The URL as typed -> the template to store (without password) and the password (if any). */
export function splitUrlPassword(url: string): { urlTemplate: string; password: string | null } {
  const parts = parseUrlTemplate(url);
  if (parts && credentialUser(parts)) {
    // "••••@" as the editor shows it stands for the stored secret, as "name:••••@" does for a password
    // the userinfo as typed ("key:" or "key"), so the request stays byte for byte the same
    const userinfo = parts.password === null ? parts.username : `${parts.username}:`;
    return { urlTemplate: `${parts.scheme}@${parts.hostAndRest}`, password: parts.username === SECRET_MASK ? SECRET_MASK : `${USERINFO_SECRET}${userinfo}` };
  }
  if (!parts || parts.password === null) return { urlTemplate: url.trim(), password: null };
  return { urlTemplate: join(parts, null), password: parts.password };
}

/** The stored template + a password -> the URL with credentials (for the renderer or the editor). */
export function withUrlPassword(urlTemplate: string, password: string | null): string {
  const parts = parseUrlTemplate(urlTemplate);
  if (!parts || password === null) return urlTemplate;
  if (isUserinfoSecret(password)) return `${parts.scheme}${password.slice(USERINFO_SECRET.length)}@${parts.hostAndRest}`;
  return join({ ...parts, hasUserinfo: true }, password);
}

/** "https://@host" (a copy that could not keep its credential user name) as "https://host": the same request. */
function withoutEmptyUserinfo(urlTemplate: string): string {
  const parts = parseUrlTemplate(urlTemplate);
  return parts?.hasUserinfo && parts.username === "" && parts.password === null ? parts.scheme + parts.hostAndRest : urlTemplate;
}

/**
 * The URL template kept where its stored URL secret may not go (an editor's copy, a masked password at
 * another host): a literal name left behind alone would be a credential of its own (isCredentialUser),
 * so the userinfo goes whole and the editor types it again; a {{ }} name is the user's data and stays.
 */
export function withoutUrlSecret(urlTemplate: string): string {
  const parts = parseUrlTemplate(urlTemplate);
  return parts?.hasUserinfo && (parts.username === "" || credentialUser({ ...parts, password: null })) ? parts.scheme + parts.hostAndRest : urlTemplate;
}

/** The URL template without any userinfo (a destination template keeps no credential user name). */
export function withoutUserinfo(urlTemplate: string): string {
  const parts = parseUrlTemplate(urlTemplate);
  return parts?.hasUserinfo ? parts.scheme + parts.hostAndRest : urlTemplate;
}

/**
 * A stored action's URL as the editor shows it: its template with its stored secret (a password, or a
 * whole userinfo; null when none) put back, then read as a URL typed today would be split, the secret
 * masked ("name:••••@", or "••••@" for a user name that is the credential). So a row stored before a
 * rule for splitting existed (a key left in the template beside an empty password) shows masked too,
 * and a password still written in the template where it cannot be split is masked where it stands.
 */
export function maskedUrlTemplate(urlTemplate: string, storedSecret: string | null): string {
  const sent = withUrlPassword(urlTemplate, storedSecret);
  const split = splitUrlPassword(sent);
  const shown =
    split.password === null
      ? withoutEmptyUserinfo(sent)
      : withUrlPassword(split.urlTemplate, isUserinfoSecret(split.password) ? USERINFO_SECRET + SECRET_MASK : SECRET_MASK);
  return replaceStrayUrlPasswords(shown, SECRET_MASK);
}
