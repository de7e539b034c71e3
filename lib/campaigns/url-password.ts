// The URL password of an action is stored apart from its URL template, encrypted; the editor sees it
// as "••••". This module moves the password between the three forms: as typed, as stored, as shown.
import { SECRET_MASK } from "./limits";
import { parseUrlTemplate, type UrlParts } from "../webhooks/url-credentials";

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

/** The stored template as the editor shows it: the password, if stored, masked. */
export function maskedUrlTemplate(urlTemplate: string, hasPassword: boolean): string {
  return hasPassword ? withUrlPassword(urlTemplate, SECRET_MASK) : urlTemplate;
}
