// The URL password of an action is stored apart from its URL template, encrypted; the editor sees it
// as "••••". This module moves the password between the three forms: as typed, as stored, as shown.
import { SECRET_MASK } from "./limits";
import { parseUrlTemplate, replaceStrayUrlPasswords, strayUrlPasswords, unreadableUrlTemplate, type UrlParts } from "../webhooks/url-credentials";

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

export const STRAY_URL_PASSWORD =
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
  if (!parts || parts.password === null) return { urlTemplate: url.trim(), password: null };
  return { urlTemplate: join(parts, null), password: parts.password };
}

/** The stored template + a password -> the URL with credentials (for the renderer or the editor). */
export function withUrlPassword(urlTemplate: string, password: string | null): string {
  const parts = parseUrlTemplate(urlTemplate);
  if (!parts || password === null) return urlTemplate;
  return join({ ...parts, hasUserinfo: true }, password);
}

/**
 * The stored template as the editor shows it: the password, if stored, masked. A password still written
 * in the template (saved before templated schemes were split, or where it could not be split) is masked too.
 */
export function maskedUrlTemplate(urlTemplate: string, hasPassword: boolean): string {
  const inClear = splitUrlPassword(urlTemplate);
  const shown = hasPassword || inClear.password !== null ? withUrlPassword(inClear.urlTemplate, SECRET_MASK) : urlTemplate;
  return replaceStrayUrlPasswords(shown, SECRET_MASK);
}
