// Basic auth is written into the URL as https://name:secret@host/...; this is the one place that
// takes it apart (the editor's stored password, the schema's Authorization check, masking).

export type UrlParts = { scheme: string; username: string; password: string | null; hasUserinfo: boolean; hostAndRest: string };

// A {{ }} expression, read as one piece: what it renders is data, and a "/", "@" or ":" inside its
// text values ({{default user.login "a/b"}}) is not the URL's.
const HOLE = "\u0000"; // the schemas refuse U+0000 in a URL, so it cannot be typed
const DOUBLE_QUOTED = /"(?:\\"|[^"])*"/y;
const SINGLE_QUOTED = /'(?:\\'|[^'])*'/y;
const LITERAL_NAME = /\[(?:\\\]|[^\]])*\]/y;

/** Where the {{ }} opened at `at` ends (as Handlebars lexes it: comments, text values, [names]); the end of the text when it is not closed. */
function expressionEnd(s: string, at: number): number {
  if (s.startsWith("{{!", at)) {
    const close = s.startsWith("{{!--", at) ? s.indexOf("--}}", at + 5) : s.indexOf("}}", at + 3);
    return close < 0 ? s.length : close + (s.startsWith("{{!--", at) ? 4 : 2);
  }
  const braces = s.startsWith("{{{{", at) ? 4 : s.startsWith("{{{", at) ? 3 : 2;
  for (let k = at + braces; k < s.length; k++) {
    const c = s[k];
    if (c === '"' || c === "'" || c === "[") {
      const pattern = c === '"' ? DOUBLE_QUOTED : c === "'" ? SINGLE_QUOTED : LITERAL_NAME;
      pattern.lastIndex = k;
      const m = pattern.exec(s);
      if (!m) return s.length;
      k += m[0].length - 1;
    } else if (s.startsWith("}".repeat(braces), k)) {
      return k + braces;
    }
  }
  return s.length;
}

/** The template with every {{ }} expression blanked out (same length), so that only literal text gives it structure. */
export function templateShape(s: string): string {
  let out = "";
  let i = 0;
  for (let at = s.indexOf("{{"); at !== -1; at = s.indexOf("{{", i)) {
    // \{{ is literal text (but \\{{ is a backslash before a real {{)
    if (at > 0 && s[at - 1] === "\\" && s[at - 2] !== "\\") {
      out += s.slice(i, at + 2);
      i = at + 2;
      continue;
    }
    const end = expressionEnd(s, at);
    out += s.slice(i, at) + HOLE.repeat(end - at);
    i = end;
  }
  return out + s.slice(i);
}

const cleanUrl = (url: string) => url.replace(/[\t\n\r]/g, "").trim();

// A scheme written out (https://) or made of {{ }} values and scheme letters ({{user.scheme}}://,
// {{campaign.proto}}s://, {{#if x}}https://): the literal "://" that follows starts the authority.
const SCHEME_THEN_AUTHORITY = new RegExp(`^([a-z${HOLE}][a-z0-9+.${HOLE}-]*:\\/\\/)([^/?#\\\\]*)`, "i");

/**
 * Splits "https://name:secret@host/..." (a template, not necessarily a valid URL yet). The scheme may
 * be templated ({{user.scheme}}://name:secret@host); {{ }} expressions are read whole, so only
 * literal text ends the authority or the userinfo.
 */
export function parseUrlTemplate(url: string): UrlParts | null {
  // Split where a browser (and url-origin.ts) splits: tabs and newlines dropped, and the authority
  // ending at / ? # or a backslash, so that the password and the origin checked are the same part.
  const clean = cleanUrl(url);
  const shape = templateShape(clean);
  const match = SCHEME_THEN_AUTHORITY.exec(shape);
  if (!match) return null;
  const authorityAt = match[1].length;
  const restAt = match[0].length;
  const scheme = clean.slice(0, authorityAt);
  const at = shape.lastIndexOf("@", restAt - 1);
  if (at < authorityAt) return { scheme, username: "", password: null, hasUserinfo: false, hostAndRest: clean.slice(authorityAt) };
  const colon = shape.indexOf(":", authorityAt);
  const hasPassword = colon >= 0 && colon < at;
  return {
    scheme,
    username: clean.slice(authorityAt, hasPassword ? colon : at),
    password: hasPassword ? clean.slice(colon + 1, at) : null,
    hasUserinfo: true,
    hostAndRest: clean.slice(at + 1),
  };
}

/** Whether the template holds {{#block}}s ({{#if}}, {{else}}, {{/if}}...): text after the host may then start another URL. */
const hasBlocks = (url: string) => /\{\{~?\s*(?:[#^/]|else\b)/.test(url);

// A literal ":password@", at least one character of it written out (a {{ }} value is data, not a secret)
const LITERAL_PASSWORD = new RegExp(`:([^/?#\\\\@\\s]*[^/?#\\\\@\\s${HOLE}][^/?#\\\\@\\s]*)@`, "g");

/**
 * Where a literal "name:password@" sits that the rendered URL may carry in its userinfo although it is
 * not the one parseUrlTemplate splits out: after a scheme that is not at the start ({{{user.base}}}bob:pw@host),
 * or in a block's other branch ({{#if x}}https://a.example.com{{else}}https://bob:pw@b.example.com{{/if}}).
 * [start, end) of each password. A URL whose scheme and host are its own (no blocks) has none: text after
 * its host is path, query or fragment.
 */
export function strayUrlPasswords(url: string): [number, number][] {
  const clean = cleanUrl(url);
  const parts = parseUrlTemplate(clean);
  const blocks = hasBlocks(clean);
  if (parts && !blocks) return [];
  let shape = templateShape(clean);
  // without blocks, text after a literal ? or # is query or fragment whatever comes before it
  if (!blocks) shape = shape.slice(0, shape.search(/[?#]|$/));
  const found: [number, number][] = [];
  const split = parts?.password != null ? parts.scheme.length + parts.username.length + 1 : -1;
  for (const m of shape.matchAll(LITERAL_PASSWORD)) {
    const start = m.index + 1;
    if (start !== split) found.push([start, start + m[1].length]);
  }
  return found;
}

/** The template (tabs and newlines dropped, trimmed) with each stray password replaced by `by`. */
export function replaceStrayUrlPasswords(url: string, by: string): string {
  const clean = cleanUrl(url);
  const spans = strayUrlPasswords(clean);
  if (!spans.length) return url;
  let out = "";
  let from = 0;
  for (const [start, end] of spans) {
    out += clean.slice(from, start) + by;
    from = end;
  }
  return out + clean.slice(from);
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
