// Basic auth is written into the URL as https://name:secret@host/...; this is the one place that
// takes it apart (the editor's stored password, the schema's Authorization check, masking).

export type UrlParts = { scheme: string; username: string; password: string | null; hasUserinfo: boolean; hostAndRest: string };

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

/** Whether a URL (template) carries credentials (Basic auth). */
export function urlHasCredentials(url: string): boolean {
  return parseUrlTemplate(url)?.hasUserinfo ?? false;
}

export type UrlCredentials = { url: string; username: string; password: string };

/** Splits `scheme://user:pass@rest` into the URL without the password (user kept), and both parts (decoded). */
export function splitUrlCredentials(url: string): UrlCredentials {
  const parts = parseUrlTemplate(url);
  if (!parts?.hasUserinfo) return { url, username: "", password: "" };
  return {
    url: parts.username ? `${parts.scheme}${parts.username}@${parts.hostAndRest}` : parts.scheme + parts.hostAndRest,
    username: safeDecode(parts.username),
    password: safeDecode(parts.password ?? ""),
  };
}

function safeDecode(s: string) {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
