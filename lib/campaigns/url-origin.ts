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
 * The fixed part of a URL template, the place a stored secret is kept for: its fixed origin (as urlOrigin)
 * and the text after the authority up to the first template, the fragment left out (never sent):
 * "https://hooks.example.com/catch/123?team=a", or "https://hooks.example.com/u/{{…" when a template
 * follows (a template added after a path that had none changes it too). null when the origin is not fixed. The path and query are
 * compared as typed (no percent-decoding, dot segments, backslashes or case folded): on a shared host
 * (webhook.site/<id>, hooks.zapier.com/hooks/catch/<id>) a path or query reading differently may be
 * someone else's endpoint. What follows the first template is chosen by data anyway.
 */
export function urlFixedPart(url: string): string | null {
  const origin = urlOrigin(url);
  if (origin === null) return null;
  const { clean, authority } = authorityOf(url)!;
  const afterAuthority = clean.slice(clean.indexOf("//") + 2 + authority.length);
  const fixed = /^[^{}#]*/.exec(afterAuthority)![0];
  // "https://h" and "https://h/" are the same request; "https://h?x" is "https://h/?x"
  const path = fixed.startsWith("/") || fixed.startsWith("\\") ? fixed : `/${fixed}`;
  // where a template follows, say so: "https://h/catch" may not become "https://h/catch{{…}}" (another endpoint)
  return origin + path + (/^[{}]/.test(afterAuthority.slice(fixed.length)) ? "{{…" : "");
}

/**
 * Where a template's stored secrets may go, read from its text once (render-request.ts keeps it with
 * the template's plan, so a delivery compares strings and parses nothing): its fixed origin, the path
 * and query of its fixed part (urlFixedPart) as the URL parser reads them (null: not fixed), and the
 * names of that query's parameters (queryKeyName) with how many times each is there.
 */
export type FixedPlace = { origin: string | null; head: string | null; queryKeys: ReadonlyMap<string, number> | null };

/**
 * A query parameter's name as some receiver may read it: decoded, case folded (ASP.NET), "." and " "
 * read as "_" and "a[]" as "a" (PHP). Two names that read the same here may be one parameter there;
 * "a[x]" and "a[y]" stay two (PHP and Rails nest them under "a": see repeatsName).
 */
export function queryKeyName(key: string): string {
  const name = key.trim().toLowerCase();
  const bracket = name.indexOf("[");
  const base = (bracket > 0 ? name.slice(0, bracket) : name).replace(/[. ]/g, "_");
  const rest = bracket > 0 ? name.slice(bracket) : "";
  return rest === "[]" ? base : base + rest;
}

/**
 * Whether a parameter named `name` (queryKeyName) sent beside the fixed query's `fixed` names one of
 * them again: the same name, or a bare "a" beside "a[x]" (or "a[x]" beside "a"), which PHP and Rails
 * read as one parameter, the later overwriting the other.
 */
export function repeatsName(fixed: ReadonlyMap<string, number>, name: string): boolean {
  if (fixed.has(name)) return true;
  const bracket = name.indexOf("[");
  if (bracket > 0) return fixed.has(name.slice(0, bracket));
  for (const key of fixed.keys()) if (key.startsWith(name + "[")) return true;
  return false;
}

function queryKeysOf(search: URLSearchParams): Map<string, number> {
  const counts = new Map<string, number>();
  for (const key of search.keys()) {
    const name = queryKeyName(key);
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return counts;
}

export function fixedPlaceOf(template: string): FixedPlace {
  const origin = urlOrigin(template);
  const fixed = origin === null ? null : urlFixedPart(template);
  if (fixed === null) return { origin, head: null, queryKeys: null };
  try {
    const head = new URL(fixed.endsWith("{{…") ? fixed.slice(0, -3) : fixed);
    const queryKeys = queryKeysOf(head.searchParams);
    return { origin, head: `${head.pathname}${head.search}`, queryKeys: queryKeys.size ? queryKeys : null };
  } catch {
    return { origin, head: null, queryKeys: null };
  }
}

/**
 * Where a request goes against its template's fixed place, judged on the URL as sent (a GET's data
 * fields appended): "under" its fixed part (the same origin, and its path and query, as the URL parser
 * reads them, start with the fixed part's), "repeated" when it is under it but names a parameter of the
 * fixed query once more (`?id=victim&id=attacker`: many receivers read the last one, so the request may
 * be another endpoint's), at its "origin" only (text after a template climbed out of the path:
 * "/u/{{user.id}}/../../x", a user id of ".."), or "elsewhere". Stored secrets go only "under" (render-request.ts).
 */
export function whereSent(place: FixedPlace, rendered: URL): "under" | "repeated" | "origin" | "elsewhere" {
  if (place.origin === null || place.origin !== rendered.origin) return "elsewhere";
  if (place.head === null || !`${rendered.pathname}${rendered.search}`.startsWith(place.head)) return "origin";
  return place.queryKeys && repeatsAKey(place.queryKeys, rendered.searchParams) ? "repeated" : "under";
}

function repeatsAKey(fixed: ReadonlyMap<string, number>, sent: URLSearchParams): boolean {
  for (const [name, count] of queryKeysOf(sent)) {
    const inFixed = fixed.get(name);
    // a name of the fixed query: repeated when sent more often than it holds it; another: when it reads as one of them
    if (inFixed !== undefined ? count > inFixed : repeatsName(fixed, name)) return true;
  }
  return false;
}

/** Whether a masked secret typed in `url` may stand for the one saved with `savedUrl`: the same fixed part (urlFixedPart). */
export function sameFixedPart(url: string, savedUrl: string): boolean {
  const fixed = urlFixedPart(url);
  return fixed !== null && fixed === urlFixedPart(savedUrl);
}

/** Whether a masked secret typed in `url` could still stand for the one saved with `savedUrl` (same fixed origin). */
export function sameFixedOrigin(url: string, savedUrl: string): boolean {
  const origin = urlOrigin(url);
  return origin !== null && origin === urlOrigin(savedUrl);
}

/**
 * What the URL field says while `url` is edited over `savedUrl` whose password was saved (shown "••••"):
 * nothing while "••••" will keep it (same fixed part, urlFixedPart), otherwise why it will not. A scheme
 * or host that is a template never keeps a saved password (it could go wherever a user's data says);
 * at another path or query of the same host the save refuses it (secret-resolver.ts says the same).
 */
export function savedPasswordNotice(url: string, savedUrl: string, mask: string): string | undefined {
  if (!savedUrl.includes(`${mask}@`) || !url.includes(mask) || sameFixedPart(url, savedUrl)) return undefined;
  const schemeAndAuthority = /^[^/?#\\]*(?:\/\/[^/?#\\]*)?/.exec(cleanUrl(url))![0];
  if (isTemplated(schemeAndAuthority)) return "The URL's scheme or host is a template, so the saved password is not kept when you save: type it again.";
  if (sameFixedOrigin(url, savedUrl)) return "The URL's path or query changed, so the saved password cannot be kept: type it again, or change the URL back.";
  return "The host changed, so the saved password will be cleared when you save: type it again.";
}
