// The URL password of an action is stored apart from its URL template, encrypted; the editor sees it
// as "••••". This module moves the password between the three forms: as typed, as stored, as shown.
import { SECRET_MASK } from "./limits";

type UrlParts = { scheme: string; username: string; password: string | null; hasUserinfo: boolean; hostAndRest: string };

/** Splits "https://name:secret@host/..." (a template, not necessarily a valid URL yet). */
export function parseUrlTemplate(url: string): UrlParts | null {
  // Split where a browser (and url-origin.ts) splits: tabs and newlines dropped, and the authority
  // ending at / ? # or a backslash, so that the password and the origin checked are the same part.
  const match = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#\\]*)(.*)$/is.exec(url.replace(/[\t\n\r]/g, "").trim());
  if (!match) return null;
  const [, scheme, authority, rest] = match;
  const at = authority.lastIndexOf("@");
  if (at < 0) return { scheme, username: "", password: null, hasUserinfo: false, hostAndRest: authority + rest };
  const userinfo = authority.slice(0, at);
  const colon = userinfo.indexOf(":");
  return {
    scheme,
    username: colon < 0 ? userinfo : userinfo.slice(0, colon),
    password: colon < 0 ? null : userinfo.slice(colon + 1),
    hasUserinfo: true,
    hostAndRest: authority.slice(at + 1) + rest,
  };
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
