// The origin (scheme, host, port) a webhook URL template points at, the unit the secret resolver
// (secret-resolver.ts) trusts a stored secret to. Client-safe: the URL field warns with the same rule.
import { cleanUrl } from "../webhooks/url-credentials";

/** The scheme and authority of a URL template as a browser splits them, tabs and newlines dropped as it does. */
function authorityOf(url: string): { clean: string; scheme: string; authority: string; hostPort: string } | null {
  const clean = cleanUrl(url);
  // WHATWG URLs end the authority at / ? # and, for http(s), at a backslash too; userinfo ends at the last @.
  const match = /^([a-z][a-z0-9+.-]*):\/\/([^/?#\\]*)/i.exec(clean);
  if (!match) return null;
  const [, scheme, authority] = match;
  return { clean, scheme: scheme.toLowerCase(), authority, hostPort: authority.slice(authority.lastIndexOf("@") + 1).toLowerCase() };
}

const isTemplated = (s: string) => s.includes("{") || s.includes("}");

/**
 * The fixed origin of a URL template, "https://api.example.com" (default ports dropped, host
 * normalised as a browser would), or null when it has none: not http(s), unparseable, the authority
 * (userinfo, host, port) holds a template, or two ways of reading it disagree on the host.
 */
export function urlOrigin(url: string): string | null {
  const parts = authorityOf(url);
  if (!parts || isTemplated(parts.authority) || (parts.scheme !== "http" && parts.scheme !== "https")) return null;
  try {
    const whole = new URL(parts.clean).origin;
    const alone = new URL(`${parts.scheme}://${parts.hostPort}/`).origin;
    return whole === alone && whole !== "null" ? whole : null;
  } catch {
    return null;
  }
}

/**
 * Whether a rendered request (its URL) goes to the fixed origin of the template it was rendered from:
 * the one condition under which a stored secret (signing secret, URL password, secret header) goes with it.
 */
export function sentToFixedOrigin(template: string, rendered: URL): boolean {
  const origin = urlOrigin(template);
  return origin !== null && origin === rendered.origin;
}

/** Whether a masked secret typed in `url` could still stand for the one saved with `savedUrl` (same fixed origin). */
export function sameFixedOrigin(url: string, savedUrl: string): boolean {
  const origin = urlOrigin(url);
  return origin !== null && origin === urlOrigin(savedUrl);
}

/**
 * What the URL field says while `url` is edited over `savedUrl` whose password was saved (shown "••••"):
 * nothing while "••••" will keep it (same fixed origin), otherwise why it will not. A scheme or host
 * that is a template never keeps a saved password (it could go wherever a user's data says).
 */
export function savedPasswordNotice(url: string, savedUrl: string, mask: string): string | undefined {
  if (!savedUrl.includes(`${mask}@`) || !url.includes(mask) || sameFixedOrigin(url, savedUrl)) return undefined;
  const schemeAndAuthority = /^[^/?#\\]*(?:\/\/[^/?#\\]*)?/.exec(cleanUrl(url))![0];
  if (isTemplated(schemeAndAuthority)) return "The URL's scheme or host is a template, so the saved password is not kept when you save: type it again.";
  return "The host changed, so the saved password will be cleared when you save: type it again.";
}
