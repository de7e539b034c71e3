// Basic auth is written into the URL as https://name:secret@host/...; these helpers take it apart.

export type UrlCredentials = { url: string; username: string; password: string };

const CREDENTIALS = /^([a-z][a-z0-9+.-]*:\/\/)([^@/?#]*)@/i;

/** Splits `scheme://user:pass@rest` into the URL without the password (user kept), and both parts (decoded). */
export function splitUrlCredentials(url: string): UrlCredentials {
  const m = CREDENTIALS.exec(url);
  if (!m) return { url, username: "", password: "" };
  const userinfo = m[2];
  const colon = userinfo.indexOf(":");
  const rawUser = colon === -1 ? userinfo : userinfo.slice(0, colon);
  const rawPass = colon === -1 ? "" : userinfo.slice(colon + 1);
  const rest = url.slice(m[0].length);
  return {
    url: rawUser ? `${m[1]}${rawUser}@${rest}` : `${m[1]}${rest}`,
    username: safeDecode(rawUser),
    password: safeDecode(rawPass),
  };
}

/** Puts a password back into a URL that has (or lacks) a username. */
export function joinUrlCredentials(url: string, password: string): string {
  if (!password) return url;
  const m = CREDENTIALS.exec(url);
  const enc = encodeURIComponent(password);
  if (!m) return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)/i, `$1:${enc}@`);
  const user = m[2].split(":")[0];
  return `${m[1]}${user}:${enc}@${url.slice(m[0].length)}`;
}

/** https://name:••••@host/... for display. */
export function maskUrlPassword(url: string): string {
  const m = CREDENTIALS.exec(url);
  if (!m || !m[2].includes(":")) return url;
  return `${m[1]}${m[2].split(":")[0]}:••••@${url.slice(m[0].length)}`;
}

/** The host (with port) of a URL template, for "did the destination change?" checks and logs. */
export function urlHost(url: string): string | null {
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?([^/?#]*)/i.exec(url);
  return m ? m[1].toLowerCase() : null;
}

function safeDecode(s: string) {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
