// Basic auth is written into the URL as https://name:secret@host/...; this is the one place that
// takes it apart (the editor's stored password, the schema's Authorization check, masking).
import { SECRET_MASK } from "../campaigns/limits";
import { hide } from "./hidden-parts";
import { onlyReferences } from "../templating/references";

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
function templateShape(s: string): string {
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

/** A URL template as a browser reads it: tabs and newlines dropped, trimmed. */
export const cleanUrl = (url: string) => url.replace(/[\t\n\r]/g, "").trim();

/**
 * The URL as a browser reads what the template renders (tabs and newlines dropped, trimmed) and its
 * shape, read from the template as typed: Handlebars sees "{\n{" as text, not as a {{ a cleaned copy would show.
 */
type Shaped = { clean: string; shape: string };

function cleanAndShape(url: string): Shaped {
  const raw = templateShape(url);
  let clean = url;
  let shape = raw;
  if (/[\t\n\r]/.test(url)) {
    clean = "";
    shape = "";
    for (let i = 0; i < url.length; i++) {
      const c = url[i]!;
      if (c === "\t" || c === "\n" || c === "\r") continue;
      clean += c;
      shape += raw[i];
    }
  }
  const start = clean.length - clean.trimStart().length;
  const end = clean.trimEnd().length;
  return { clean: clean.slice(start, end), shape: shape.slice(start, end) };
}

// A scheme written out (https://) or made of {{ }} values and scheme letters ({{user.scheme}}://,
// {{campaign.proto}}s://, {{#if x}}https://): the literal "://" that follows starts the authority.
// A browser skips any further "/" or "\\" before the authority (https:///name:pw@host is name:pw@host):
// they belong to the scheme's part here, so the userinfo found is the one sent.
const SCHEME_THEN_AUTHORITY = new RegExp(`^([a-z${HOLE}][a-z0-9+.${HOLE}-]*:\\/\\/[/\\\\]*)([^/?#\\\\]*)`, "i");

/**
 * Splits "https://name:secret@host/..." (a template, not necessarily a valid URL yet). The scheme may
 * be templated ({{user.scheme}}://name:secret@host); {{ }} expressions are read whole, so only
 * literal text ends the authority or the userinfo.
 */
export function parseUrlTemplate(url: string): UrlParts | null {
  return parseShaped(cleanAndShape(url));
}

function parseShaped({ clean, shape }: Shaped): UrlParts | null {
  // Split where a browser (and url-origin.ts) splits: tabs and newlines dropped, and the authority
  // ending at / ? # or a backslash, so that the password and the origin checked are the same part.
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

/**
 * THE rule for a URL's user name: without a password ("https://sk_live_…@host") or before an empty one
 * ("https://sk_live_…:@host") a literal user name is the credential itself (the sender makes either
 * Basic base64("sk_live_…:"), Stripe's and curl -u key:'s way); one that is only {{ }} references is the
 * user's data. Beside a password it is a name. url-password.ts splits it out by this rule, the template
 * store drops it, and every display of a URL (maskUrlPasswords) masks it.
 */
export function isCredentialUser(username: string, password: string | null): boolean {
  return username !== "" && (password === null || password === "") && !onlyReferences(username);
}

/** Whether the template holds {{#block}}s ({{#if}}, {{else}}, {{/if}}...): text after the host may then start another URL. */
const hasBlocks = (url: string) => /\{\{~?\s*(?:[#^/]|else\b)/.test(url);

const isStop = (c: string) => c === "/" || c === "?" || c === "#" || c === "\\" || c === "@" || c.trim() === "";

/**
 * Each literal ":password@" in a shape: from the first ":" after the last "/ ? # \\ @" or space to the
 * next "@", at least one character of it written out (a {{ }} value is data, not a secret). One pass
 * (a regular expression for it backtracked cubically on a run of colons: seconds for 2,000).
 * A literal user name before an empty password ("sk_live_...:@"), or without a colon where a rendered
 * URL's userinfo may start (startsAuthority: {{{user.base}}}sk_live_...@host), is the credential itself
 * (isCredentialUser), as url-password.ts splits it out where it can: the span is then the user name's.
 */
function literalPasswords(shape: string): [number, number][] {
  const found: [number, number][] = [];
  const written = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (shape[k] !== HOLE) return true;
    return false;
  };
  // from its first written character: a {{ }} value before a user name ({{{user.base}}}) is data, and stays
  const firstWritten = (from: number) => {
    while (shape[from] === HOLE) from++;
    return from;
  };
  let colon = -1;
  let nameAt = 0;
  for (let i = 0; i < shape.length; i++) {
    const c = shape[i]!;
    if (c === "@" && colon >= 0) {
      if (written(colon + 1, i)) found.push([colon + 1, i]);
      else if (colon + 1 === i && written(nameAt, colon)) found.push([firstWritten(nameAt), colon]);
    } else if (c === "@" && written(nameAt, i)) {
      // a user name without a colon where a rendered URL's userinfo may start ("https://sk_live_…@host",
      // {{{user.base}}}sk_live_…@host, {{s}}:/sk_live_…@host) is the credential too; not an "@" in a
      // path or query after a value (?a={{user.id}}&cc=ops@example.com, /{{user.first}}.{{user.last}}@corp.com)
      const start = firstWritten(nameAt);
      if (startsAuthority(shape, start)) found.push([start, i]);
    }
    if (isStop(c)) {
      colon = -1;
      nameAt = i + 1;
    } else if (c === ":" && colon < 0) colon = i;
  }
  return found;
}

/**
 * Whether text from `at` may be the start of a rendered URL's authority: after {{ }} values that start
 * the template (they may render "https://": {{{user.base}}}key@host), or after "scheme:" (written, or a
 * value before the ":") and any "/" or "\\" (a browser skips them: https:/key@host and https:\\\\key@host
 * send key). Not after a path's "/users/", nor after a value inside the path or query.
 */
function startsAuthority(shape: string, at: number): boolean {
  let k = at - 1;
  while (k >= 0 && (shape[k] === "/" || shape[k] === "\\")) k--;
  if (k < 0) return false;
  if (shape[k] === HOLE) {
    while (k >= 0 && shape[k] === HOLE) k--;
    return k < 0;
  }
  if (shape[k] !== ":") return false;
  // the scheme before the ":" starts the text or follows a value ({{#if x}}https:, {{s}}:)
  k--;
  while (k >= 0 && /[a-z0-9+.-]/i.test(shape[k]!)) k--;
  return k < 0 || shape[k] === HOLE;
}

/**
 * Where a literal "name:password@" sits that the rendered URL may carry in its userinfo although it is
 * not the one parseUrlTemplate splits out: after a scheme that is not at the start ({{{user.base}}}bob:pw@host),
 * or in a block's other branch ({{#if x}}https://a.example.com{{else}}https://bob:pw@b.example.com{{/if}}).
 * [start, end) of each password in the cleaned URL (tabs and newlines dropped, trimmed). A URL whose
 * scheme and host are its own (no blocks) has none: text after its host is path, query or fragment.
 */
export function strayUrlPasswords(url: string): [number, number][] {
  return straySpans(cleanAndShape(url));
}

function straySpans(shaped: Shaped): [number, number][] {
  const { clean, shape: full } = shaped;
  const parts = parseShaped(shaped);
  const blocks = hasBlocks(clean);
  const rendered = parts && !parts.hasUserinfo ? renderedAt(full, parts.scheme.length) : null;
  if (rendered) return [rendered];
  if (parts && !blocks) return [];
  // without blocks, text after a literal ? or # is query or fragment whatever comes before it
  const shape = blocks ? full : full.slice(0, full.search(/[?#]|$/));
  const split = parts?.password != null ? parts.scheme.length + parts.username.length + 1 : -1;
  // a user name without a password right after the scheme is split out whole (url-password.ts)
  const splitName = parts?.hasUserinfo && (parts.password === "" || parts.password === null) ? parts.scheme.length + parts.username.length : -1;
  return literalPasswords(shape).filter(([start, end]) => start !== split && end !== splitName);
}

/**
 * A literal "name:password" in an authority whose "@" a {{ }} value may render (https://bob:pw{{x}}host:
 * with x = "@" the request carries bob:pw): the written-out part after the ":", up to that value. A
 * port (digits) or an IPv6 address ("]") before the value is not one. A written name running straight
 * into the value (https://sk_live_…{{x}}host) is not refused: it cannot be told from a host written
 * before a value (https://api{{env}}.example.com, http://receiver:{{port}}), and a value that renders
 * the "@" of an authority is the template's author's own doing.
 */
function renderedAt(shape: string, authorityAt: number): [number, number] | null {
  let colon = -1;
  for (let i = authorityAt; i < shape.length; i++) {
    const c = shape[i]!;
    // (no literal "@" in this authority: parseUrlTemplate found no userinfo)
    if (isStop(c)) return null;
    if (c === ":" && colon < 0) colon = i;
    else if (c === HOLE && colon >= 0) {
      const written = shape.slice(colon + 1, i);
      return /[^\d]/.test(written) && !written.includes("]") ? [colon + 1, i] : null;
    }
  }
  return null;
}

/** The template (tabs and newlines dropped, trimmed) with each stray password replaced by `by`. */
export function replaceStrayUrlPasswords(url: string, by: string): string {
  const shaped = cleanAndShape(url);
  const spans = straySpans(shaped);
  if (!spans.length) return url;
  const { clean } = shaped;
  let out = "";
  let from = 0;
  for (const [start, end] of spans) {
    out += clean.slice(from, start) + hide(clean.slice(start, end), by);
    from = end;
  }
  return out + clean.slice(from);
}

/**
 * A URL or URL template for display (the audit diff; a URL in a field or a body: credential-parts.ts):
 * every "name:password@" in it, wherever the template puts it (after any "//", or where strayUrlPasswords
 * finds one that could reach the request's userinfo, as in `{{{user.base}}}name:password@host`), shows
 * "name:••••@", and a user name that is the credential (isCredentialUser: "https://sk_live_…@host",
 * "https://key:@host") "••••@". A password may hold "@" (browsers split the authority at its last one):
 * the mask reaches the last "@" before the path, query or fragment.
 */
export function maskUrlPasswords(text: string): string {
  const users = text.replace(USERINFO_AFTER_SLASHES, (all, slashes: string, userinfo: string) => {
    const colon = userinfo.indexOf(":");
    const name = colon < 0 ? userinfo : userinfo.slice(0, colon);
    if (!isCredentialUser(name, colon < 0 ? null : userinfo.slice(colon + 1))) return all;
    // hidden as written and as a receiver reads it
    if (safeDecode(name) !== name) hide(safeDecode(name));
    return `${slashes}${hide(name)}@`;
  });
  return replaceStrayUrlPasswords(
    users.replace(/(\/\/[^/\\\s:?#]*):([^/\\\s?#]*)@/g, (_, userinfo: string, password: string) => {
      // hidden as written and as a receiver reads it
      if (safeDecode(password) !== password) hide(safeDecode(password));
      return `${userinfo}:${hide(password)}@`;
    }),
    SECRET_MASK,
  );
}

// "//userinfo@", up to the last "@" before the path, query or fragment (a browser's user name may hold "@")
const USERINFO_AFTER_SLASHES = /(\/\/)([^/\\\s?#]+)@/g;

/**
 * Template constructs a URL may not hold: what they render is not what they look like (a comment or a
 * raw block may hold "}}", an escaped "\\{{" is text), so no check of the URL's parts could trust its reading.
 */
export function unreadableUrlTemplate(url: string): string | null {
  if (url.includes("{{!") || url.includes("{{~!")) return "A URL cannot hold a template comment ({{! }}): remove it";
  if (url.includes("{{{{")) return "A URL cannot hold a raw block ({{{{ }}}}): remove it";
  if (/\\\{\{/.test(url)) return "A URL cannot hold an escaped \\{{: remove the backslash or the braces";
  return null;
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

/**
 * The scheme ("https://", with any further slashes a browser skips) and the authority ("name:pw@host:port")
 * of a URL template, when neither holds a {{ }} expression: what every user's request is sent to, readable
 * as typed (url-authority.ts checks it at save). Null when either is templated or the URL has no "scheme://".
 * `writtenRest`: the text after the authority with each {{ }} blanked out, so that an "@" in it is the
 * template's own, never one a value renders.
 */
export function literalAuthority(url: string): { scheme: string; authority: string; writtenRest: string } | null {
  const { clean, shape } = cleanAndShape(url);
  const match = SCHEME_THEN_AUTHORITY.exec(shape);
  if (!match || match[0].includes(HOLE)) return null;
  return { scheme: clean.slice(0, match[1].length), authority: clean.slice(match[1].length, match[0].length), writtenRest: shape.slice(match[0].length) };
}
