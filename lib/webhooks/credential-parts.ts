// Which parts of a webhook are credentials, beyond its URL password and secret headers: the path of the
// hooks whose path is the key (Slack, Teams, Discord, Zapier, Make; IFTTT's key, a Telegram bot's token),
// URL parameters (the query's, a fragment's key=value pairs, path parameters), data fields and headers
// whose name says they hold a secret (?token=, ?api_key=, Azure's ?code=, #access_token=, ;jsessionid=,
// "client_secret"). Pure. Read by the template store (lib/campaigns/template-secrets.ts
// empties them), the delivery log and test sends
// (mask.ts, attempt-record.ts mask them in the request as sent; what they hide is masked in its response
// too: hidden-parts.ts), a viewer's read of a campaign
// (lib/campaigns/action-template.ts actionToDraft) and the audit diff (lib/campaigns/campaign-diff.ts,
// lib/auth/audit-diff.ts). A URL written in any value is masked as a webhook's URL is (the value rule,
// maskCredentialUrlsIn). A value that is all {{ }} data references holds no secret of its own.
import { SECRET_MASK } from "../campaigns/limits";
import { onlyReferences } from "../templating/references";
import { maskUrlPasswords } from "./url-credentials";
import { hide } from "./hidden-parts";

// passphrase: exchanges' third credential (KC-API-PASSPHRASE, CB-ACCESS-PASSPHRASE); a dsn (Sentry's, a
// database's) carries its key
const SECRET_WORDS = new Set(["auth", "authorization", "authentication", "key", "apikey", "token", "secret", "password", "passwd", "pwd", "pass", "passphrase", "sig", "signature", "credential", "credentials", "cookie", "session", "bearer", "jwt", "hmac", "dsn"]);
// whole names of a connection string, which holds its password ("mongo_uri", "DATABASE_URL"); not any
// "*_uri" or "*_url" (redirect_uri, callback_url are addresses)
const SECRET_NAMES: ReadonlySet<string> = new Set(["databaseurl", "databaseuri", "dburl", "dburi", "mongouri", "mongourl", "mongodburi", "mongodburl", "redisurl", "redisuri", "postgresurl", "postgresuri", "postgresqlurl", "mysqlurl", "amqpurl", "rabbitmqurl", "connectionstring"]);
// a code is the secret only as the whole name, "X-" or not ("pin", "X-OTP", "otp_code"): "pin_code" is
// as often a postal code (India's PIN code), "otp_sent" and "otp_enabled" are flags
const CODE_NAMES: ReadonlySet<string> = new Set(["pin", "otp", "otpcode"]);

// "accesstoken", "authtoken", "clientsecret", "x-apisecret", a session's id ("JSESSIONID", "PHPSESSID"):
// a word glued to a name is still a secret
// ("tokenizer", "monkey" are not: only these unambiguous words, at the end)
const SECRET_ENDINGS = /(token|secret|password|passwd|passphrase|apikey|signature|credentials?|sessionid|sessid)$/;

/** "X-Api-Key", "apiKey", "access_token" -> whether one of its words names a secret. */
export function looksSecretName(name: string): boolean {
  let secret = secretNames.get(name);
  if (secret === undefined) {
    secret = readsSecret(name);
    if (secretNames.size < 1000 && name.length <= 200) secretNames.set(name, secret);
  }
  return secret;
}

// names seen and whether they name a secret: a campaign's keys and headers repeat delivery after
// delivery, and the delivery log masks every request (a JSON body's keys are each asked)
const secretNames = new Map<string, boolean>();

/** The words of a name: "X-Api-Key", "apiKey", "api_key" -> ["x", "api", "key"], ["api", "key"], ["api", "key"]. */
function nameWords(name: string): string[] {
  // a tab or newline in a name is dropped by a URL parser ("to<TAB>ken" is read "token"), so here too
  return name
    .replace(/[\t\n\r]/g, "")
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Za-z])([0-9])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

function readsSecret(name: string): boolean {
  const parts = nameWords(name);
  const joined = parts.join("");
  return parts.some((p) => SECRET_WORDS.has(p)) || SECRET_WORDS.has(joined) || SECRET_NAMES.has(joined) || SECRET_ENDINGS.test(joined) || isCode(parts);
}

const isCode = (parts: string[]) => CODE_NAMES.has((parts[0] === "x" ? parts.slice(1) : parts).join(""));

/** Whether a name is a code's whole name ("X-Pin", "otp", "OTP_CODE"), which holds a secret; "pin_code" and "otp_sent" do not. */
export function isCodeName(name: string): boolean {
  return isCode(nameWords(name));
}

// query parameter names seen and whether they name a secret: a campaign's names repeat delivery after
// delivery, and the delivery log masks every request
const secretQueryNames = new Map<string, boolean>();
/** Whether a (decoded) query parameter or form field name says its value is a secret. */
export function isSecretQueryName(name: string): boolean {
  let secret = secretQueryNames.get(name);
  if (secret === undefined) {
    // Azure Functions' key is ?code= itself; "code" inside a name (postal_code, promo_code) is data
    secret = looksSecretName(name) || name.replace(/[\t\n\r]/g, "").trim().toLowerCase() === "code";
    if (secretQueryNames.size < 1000) secretQueryNames.set(name, secret);
  }
  return secret;
}

/**
 * URLs whose path is the credential: whoever has it can post. `match` takes the prefix (group 1) and the
 * secret after it; what follows the match is kept (a Telegram bot's method after its token). A template
 * keeps `placeholder` where the secret was (template-secrets.ts), a reader sees "••••" there.
 */
// The host may come with a user name or password (masked apart), a port, in any case, over http by
// mistake; Slack's workflow triggers and Discord's versioned API paths are the same kind of key.
const HOOK_ORIGIN = (host: string) => String.raw`^(https?:\/\/(?:[^@\/?#\s]{0,200}@)?${host}(?::\d{1,5})?`;
// the rest of the path is the key, or only the path segment after the prefix
// (a "#" that opens a block, {{#if user.vip}}, is the template's, not the fragment: the keys in its branches are the path)
const REST_OF_PATH = String.raw`(?:[^?#]|(?<=\{\{~?)#)*`;
const ONE_SEGMENT = "[^/?#]*";
const ANY_HOST = String.raw`[^\/?#\s@:]{1,253}`;
const hookUrl = (host: string, path: string, secret = REST_OF_PATH) => new RegExp(`${HOOK_ORIGIN(host)}${path})${secret}`, "i");
export const SECRET_PATH_URLS: readonly { match: RegExp; placeholder: string }[] = [
  { match: hookUrl(String.raw`hooks\.slack\.com`, String.raw`\/(?:services|triggers|workflows)\/`), placeholder: "{{slack_webhook_path}}" },
  { match: hookUrl(String.raw`[a-z0-9-]+\.webhook\.office\.com`, String.raw`\/webhookb2\/`), placeholder: "{{teams_webhook_path}}" },
  { match: hookUrl(String.raw`(?:ptb\.|canary\.)?discord(?:app)?\.com`, String.raw`\/api\/(?:v\d{1,2}\/)?webhooks\/`), placeholder: "{{discord_webhook_path}}" },
  { match: hookUrl(String.raw`hooks\.zapier\.com`, String.raw`\/hooks\/catch\/`), placeholder: "{{zapier_hook_path}}" },
  // Make (hook.eu1.make.com/<key>), and the same service under its old name
  { match: hookUrl(String.raw`hook\.(?:[a-z0-9-]{1,30}\.)?(?:make|integromat)\.com`, String.raw`\/`), placeholder: "{{make_webhook_path}}" },
  // IFTTT: /trigger/<event>[/json]/with/key/<key>; the event name is not the key
  { match: hookUrl(String.raw`maker\.ifttt\.com`, String.raw`\/trigger\/[^\/?#]{1,200}(?:\/json)?\/with\/key\/`, ONE_SEGMENT), placeholder: "{{ifttt_webhook_key}}" },
  // Telegram: /bot<token>/<method> and /file/bot<token>/<path>; the method is not the key
  { match: hookUrl(String.raw`api\.telegram\.org`, String.raw`\/(?:file\/)?bot`, ONE_SEGMENT), placeholder: "{{telegram_bot_token}}" },
  // self-hosted, so on any host, but only in their own unambiguous shape at the root of the path:
  // Mattermost's /hooks/<26 lower-case letters and digits>, Rocket.Chat's /hooks/<17-character id>/<token>
  { match: hookUrl(ANY_HOST, String.raw`\/hooks\/`, String.raw`[a-z0-9]{26}(?=[\/?#]|$)`), placeholder: "{{mattermost_webhook_key}}" },
  { match: hookUrl(ANY_HOST, String.raw`\/hooks\/[A-Za-z0-9]{17}\/`, String.raw`[A-Za-z0-9]{24,}(?=[\/?#]|$)`), placeholder: "{{rocketchat_webhook_token}}" },
];
// one look at the start of a URL before any of them is tried: most URLs are none of these hosts
const SECRET_PATH_HOSTS = /^https?:\/\/(?:[^@\/?#\s]{0,200}@)?(?:hooks?\.|[a-z0-9-]+\.webhook\.office|(?:ptb\.|canary\.)?discord|maker\.ifttt\.|api\.telegram\.|[^\/?#\s@]{1,260}\/hooks\/)/i;
// what may make a URL that works read otherwise as written: a backslash (read as "/"), a tab or newline
// (dropped), a dot segment, a host's trailing dot, a percent-encoded host (its query is never a hook's:
// only the text before "?" is looked at, so percent-encoded query values, as every rendered one is, cost no parse)
const UNUSUAL_URL = /[\\\t\n\r%]|\/\.|\.(?:[:\/?#]|$)/;
// the host as written, when nothing in it reads otherwise (no "%", "\", tab, newline, trailing dot)
const PLAIN_HOST = /^https?:\/\/(?:[^@\/\\?#\s%]{0,200}@)?[a-z0-9.-]{0,253}[a-z0-9-](?::\d{1,5})?(?=[\/?#]|$)/i;

export type SecretHookPath = { before: string; secret: string; after: string; placeholder: string };

/**
 * Where `url` (as sent, or a template) holds a hook's secret path (SECRET_PATH_URLS): the text before it,
 * the secret, the text after. A URL a receiver reads as one of them however it is written
 * ("https://HOOKS.slack.com./services/…", "https://hooks.slack.com\services/…", "…/./services/…", a tab
 * in it) is matched as a URL parser reads it, and its parts are those of the parsed URL. THE rule:
 * the delivery log, a viewer's read and the template store all ask it.
 */
export function secretHookPath(url: string): SecretHookPath | null {
  const hookHost = SECRET_PATH_HOSTS.test(url);
  const found = hookHost ? matchHook(url) : null;
  if (found || !mayReadOtherwise(url, hookHost)) return found;
  const parsed = parsedHookUrl(url);
  return parsed && parsed !== url && SECRET_PATH_HOSTS.test(parsed) ? matchHook(parsed) : null;
}

/**
 * Whether a parser may read `url` as a hook it does not match as written: something unusual before its
 * query, and either in its host or on a hook's host, or a path that holds "hooks" (Mattermost's and
 * Rocket.Chat's on any host). A parse costs 5 times the match: most URLs take none.
 */
function mayReadOtherwise(url: string, hookHost: boolean): boolean {
  const q = url.indexOf("?");
  const head = q < 0 ? url : url.slice(0, q);
  if (!UNUSUAL_URL.test(head)) return false;
  if (hookHost) return true;
  const host = PLAIN_HOST.exec(head);
  return !host || /hooks/i.test(head.slice(host[0].length).replace(/[\t\n\r]/g, ""));
}

function matchHook(url: string): SecretHookPath | null {
  for (const { match, placeholder } of SECRET_PATH_URLS) {
    const m = match.exec(url);
    if (m) return { before: m[1]!, secret: m[0].slice(m[1]!.length), after: url.slice(m[0].length), placeholder };
  }
  return null;
}

/** An http(s) URL as the WHATWG parser reads it (host lower-cased without its trailing dot, path resolved), {{ }} kept; null if it is none. */
function parsedHookUrl(url: string): string | null {
  const text = url.replace(/[\t\n\r]/g, "").trim();
  if (!/^https?:/i.test(text)) return null;
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return null;
  }
  const userinfo = u.username || u.password ? `${u.username}${u.password ? `:${u.password}` : ""}@` : "";
  const braces = (s: string) => s.replace(/%7B/gi, "{").replace(/%7D/gi, "}").replace(/%20/g, " ");
  return `${u.protocol}//${userinfo}${u.hostname.replace(/\.$/, "")}${u.port ? `:${u.port}` : ""}${braces(u.pathname)}${u.search}${u.hash}`;
}

export function decodeQueryPart(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, " "));
  } catch {
    return s;
  }
}

/**
 * `name=value&...` with each pair's value replaced by what `replace` returns for it (name and value
 * decoded; undefined keeps the pair as written). A pair without "=" is kept.
 */
export function mapQueryPairs(query: string, replace: (name: string, value: string) => string | undefined): string {
  return query
    .split("&")
    .map((pair) => {
      // "a=1;token=…": some servers read ";" as "&"; a pair after one is looked at too, and a value
      // replaced there runs to the "&" (what is sent is not changed: this is for display and templates)
      let out = "";
      for (let rest = pair; ; ) {
        const eq = rest.indexOf("=");
        const value = eq < 0 ? undefined : replace(decodeQueryPart(rest.slice(0, eq)), rest.slice(eq + 1));
        if (value !== undefined) return `${out}${rest.slice(0, eq)}=${value}`;
        const semi = rest.indexOf(";", eq + 1);
        if (semi < 0) return out + rest;
        out += rest.slice(0, semi + 1);
        rest = rest.slice(semi + 1);
      }
    })
    .join("&");
}

// a fragment starts at "#", not at a template's "{{#if}}" or "{{~#if}}"
const FRAGMENT_HASH = /(?<!\{~?)#/;

/**
 * Every parameter of `url` through `replace` (as mapQueryPairs): its query (after "?"), its fragment's
 * key=value pairs ("#access_token=…&state=…", OAuth's implicit flow hands the token over there; "#section-2"
 * holds none and is kept) and its path parameters (";jsessionid=…", ";token=…"). The URL as it is
 * without a "?", "#" or ";" (three includes, no parsing).
 */
export function mapUrlParameters(url: string, replace: (name: string, value: string) => string | undefined): string {
  const hasQuery = url.includes("?");
  const hasHash = url.includes("#");
  const hasSemi = url.includes(";");
  if (!hasQuery && !hasHash && !hasSemi) return url;
  const hashAt = hasHash ? url.search(FRAGMENT_HASH) : -1;
  const end = hashAt < 0 ? url.length : hashAt;
  // a "?" after the "#" is the fragment's own ("#/callback?access_token=…"), read with it
  const q = hasQuery ? url.indexOf("?") : -1;
  const queryAt = q >= 0 && q < end ? q : -1;
  const head = url.slice(0, queryAt < 0 ? end : queryAt);
  let out = hasSemi ? mapPathParameters(head, replace) : head;
  if (queryAt >= 0) out += "?" + mapQueryPairs(url.slice(queryAt + 1, end), replace);
  if (hashAt >= 0) out += "#" + mapQueryPairs(url.slice(hashAt + 1), replace);
  return out;
}

/** The ";name=value" parameters of a URL's path through `replace`, each value up to the next ";" or "/" (a {{ }} expression read whole). */
function mapPathParameters(path: string, replace: (name: string, value: string) => string | undefined): string {
  let out = "";
  let from = 0;
  for (let semi = path.indexOf(";"); semi >= 0; semi = path.indexOf(";", from)) {
    const stop = pathParameterEnd(path, semi + 1);
    const parameter = path.slice(semi + 1, stop);
    const eq = parameter.indexOf("=");
    const value = eq < 0 ? undefined : replace(decodeQueryPart(parameter.slice(0, eq)), parameter.slice(eq + 1));
    out += path.slice(from, semi + 1) + (value === undefined ? parameter : `${parameter.slice(0, eq)}=${value}`);
    from = stop;
  }
  return out + path.slice(from);
}

// where a path parameter that starts at `from` ends: the next ";" or "/", not one inside a {{ }} ("{{/if}}")
function pathParameterEnd(path: string, from: number): number {
  for (let i = from; i < path.length; i++) {
    const c = path[i];
    if (c === ";" || c === "/") return i;
    if (c === "{" && path[i + 1] === "{") {
      const close = path.indexOf("}}", i + 2);
      if (close < 0) return path.length;
      i = close + 1;
    }
  }
  return path.length;
}

/** Whether a value may be shown under a secret name: empty, already masked, or only {{ }} references. */
function showable(value: string): boolean {
  return value === "" || value === SECRET_MASK || onlyReferences(value);
}

const maskSecretPair = (name: string, raw: string) => {
  if (!isSecretQueryName(name)) return undefined;
  const value = decodeQueryPart(raw);
  if (showable(value)) return undefined;
  // hidden as written and as a receiver reads it (mask.ts looks for its other encodings)
  if (raw !== value) hide(raw);
  return hide(value);
};
// Names a pre-check looks for, besides the words (MAYBE_SECRET_PARAM, MAYBE_SECRET_KEY): a code or a dsn as
// a word of its own, not inside "shipping", "opinion", "topic" (a non-letter before it, or a lower-case
// letter in camel case, "sentryDsn"; case-sensitive, so written out: "PIN", "Pin", "pin", as
// looksSecretName splits them; "otpcode" glued), and a connection string's name, not "image_url", "return_url".
// Each is looked for from its letters, then behind (a lookbehind tried at every character cost 6 µs a
// KB), and apart from the words (one pattern for all ran twice as long as three).
const CODE_WORD = String.raw`(?:[Pp]in|PIN|[Oo]tp|OTP|[Dd]sn|DSN)(?:(?![a-z])|(?=code))(?<=(?:^|[^A-Za-z])...|[a-z0-9][POD]..)`;
const CONNECTION_NAME = String.raw`(?:ur[il](?<=(?:db|database|mongo(?:db)?|redis|postgres(?:ql)?|mysql|amqp|rabbitmq)[^a-z0-9"&=#]{0,10}ur[il])|string(?<=connection[^a-z0-9"&=#]{0,10}string))`;
/** The patterns of a name that may say secret, `end` after it (the rest of a key, up to its "=" or `":`). */
const secretNameBefore = (words: string, end: string) => [new RegExp(`(?:${words})${end}`, "i"), new RegExp(CONNECTION_NAME + end, "i"), new RegExp(CODE_WORD + end)];
const WORDS = "auth|key|token|secret|pass|pwd|sig|credential|cookie|session|sessid|bearer|jwt|hmac";

// a query or form is split only when a name in it may say secret (or is percent-encoded, or holds a
// URL, or a tab or newline, which a parser drops from a name): every name isSecretQueryName takes holds
// one of these words or names; a value that opens with "//" may be a scheme-relative URL
// (bounded: "[^&=#]*" rescanned to the end from every word found, 955 ms for a 48 KB body of "key"s)
const MAYBE_SECRET_PARAM = [/%|:\/\/|=\/\/|[\t\n\r]/, ...secretNameBefore(`${WORDS}|code`, "[^&=#]{0,200}=")];
const maybeSecretParam = (text: string) => MAYBE_SECRET_PARAM.some((p) => p.test(text));

const ENCODED_MASK = encodeURIComponent(SECRET_MASK);
// a query's own "=", "&", "?", "#" or ";" percent-encoded in a value that holds a URL
const NESTED_QUERY_ENCODED = /%(?:3D|26|3F|23|3B)/i;

/**
 * A query or form value as written, with the URLs in it through `replace`: written out ("?cb=https://…"),
 * or percent-encoded ("https%3A%2F%2F…": read decoded, written back encoded, a "••••" as it is).
 */
export function mapUrlsInQueryValue(raw: string, replace: (url: string) => string): string {
  if (raw.includes("//")) {
    const mapped = mapUrlsIn(raw, replace);
    // a URL whose own query is encoded once more ("?cb=https://x.io/?token%3D…"): its receiver reads the
    // value decoded, "https://x.io/?token=…", so it is read so too, and written back with only what would
    // end the outer value encoded ("=" "&" "#" "+" "%" and spaces), as it was
    if (NESTED_QUERY_ENCODED.test(mapped)) {
      const decoded = decodeQueryPart(mapped);
      const inner = mapUrlsIn(decoded, replace);
      if (inner !== decoded) return inner.replace(/[%&#=+ ]/g, (c) => encodeURIComponent(c));
    }
    // a "//" that opened no URL, beside one written percent-encoded: read below
    if (mapped !== raw) return mapped;
  }
  if (!/%3A%2F%2F/i.test(raw)) return raw;
  const value = decodeQueryPart(raw);
  const mapped = mapUrlsIn(value, replace);
  return mapped === value ? raw : encodeURIComponent(mapped).replaceAll(ENCODED_MASK, SECRET_MASK);
}

// a pair's value masked under a secret name, else the URLs in it masked (the value rule; a URL in
// theirs is not looked for: a nesting as deep as the text is long would be read again at each level)
const maskCredentialPair = (name: string, raw: string) => {
  const masked = maskSecretPair(name, raw);
  if (masked !== undefined) return masked;
  const shown = mapUrlsInQueryValue(raw, (url) => maskUrlParts(url.includes("@") ? maskUrlPasswords(url) : url, maskSecretPair));
  return shown === raw ? undefined : shown;
};

/**
 * The URL (as sent, or a template) with its credential parts masked: a secret hook path after its
 * prefix ("https://hooks.slack.com/services/••••"), secret-named parameter values ("?token=••••",
 * "#access_token=••••", ";jsessionid=••••": mapUrlParameters) and
 * the credential parts of a URL in a query value ("?cb=https://bob:••••@…").
 * Cheap when there is nothing to mask: one anchored test and three indexOf, no parsing.
 */
export function maskCredentialUrl(url: string): string {
  return maskUrlParts(url, maskCredentialPair);
}

// where a URL's first parameter may start: its query, its fragment or a path parameter
function firstParameterAt(url: string): number {
  let start = -1;
  for (const c of ["?", "#", ";"]) {
    const at = url.indexOf(c);
    if (at >= 0 && (start < 0 || at < start)) start = at;
  }
  return start;
}

function maskUrlParts(url: string, maskPair: (name: string, raw: string) => string | undefined): string {
  let masked = url;
  const hook = secretHookPath(url);
  if (hook && !showable(hook.secret)) masked = hook.before + hide(hook.secret) + hook.after;
  const start = firstParameterAt(masked);
  return start >= 0 && maybeSecretParam(masked.slice(start)) ? mapUrlParameters(masked, maskPair) : masked;
}

// A URL written in a value or a body: a scheme (a letter, then at most 20 letters, digits, "+", "." or
// "-", or a {{ }} value), "://" and what follows up to a space, a quote, an angle bracket, a backslash or a brace, a {{ }}
// expression read whole. Found from each "://" (one indexOf each, the scheme read back from there), and
// bounded: each expression and the URL (a longer one goes on as the next), so a scan is linear in the text.
// (a tab, dropped by URL parsers, or a backslash, read as "/", with more of the URL after it goes on: "hooks.slack.com\services/…")
const URL_AFTER_SCHEME = /(?:\{\{[^{}]{0,200}\}\}|[^\s"'<>\\{}]|[\t\\](?=[^\s"'<>\\{}])){1,4096}/y;
const SCHEME_CHAR = /[a-z0-9+.-]/i;
const LETTER = /[a-z]/i;

// A scheme-relative URL ("//bob:pw@host/x", "//x.io/cb?api_key=…"), which a browser or a receiver's
// client resolves against its page's scheme: its "//" opens a value or follows a space, a quote, "=",
// "(", "[", "," or ">", and a host (or a user name, or a {{ }} value) follows it; "a/b//c" is a path.
const BEFORE_RELATIVE = /[\s"'=(\[,>]/;
const RELATIVE_HOST = /[A-Za-z0-9_{\[%-]/;

/**
 * `text` with each URL written in it replaced by what `replace` returns for it: after a scheme, or
 * scheme-relative ("//host/…": given to `replace` as "https://host/…", the "https:" taken off again, so
 * the one rule for a URL reads it). One indexOf when it holds none.
 */
export function mapUrlsIn(text: string, replace: (url: string) => string): string {
  let at = text.indexOf("//");
  if (at < 0) return text;
  let out = "";
  let from = 0;
  for (; at >= 0; at = text.indexOf("//", at + 2)) {
    if (text[at - 1] !== ":") {
      if ((at > from && !BEFORE_RELATIVE.test(text[at - 1]!)) || (at === from && from > 0) || !RELATIVE_HOST.test(text[at + 2] ?? "")) continue;
      URL_AFTER_SCHEME.lastIndex = at + 2;
      const rest = URL_AFTER_SCHEME.exec(text);
      if (!rest) continue;
      const end = at + 2 + rest[0].length;
      const url = text.slice(at, end);
      const replaced = replace(`https:${url}`);
      out += text.slice(from, at) + (replaced.startsWith("https://") ? replaced.slice(6) : replaced === `https:${url}` ? url : replaced);
      from = end;
      at = end - 2;
      continue;
    }
    at--;
    let start = at;
    while (start > from && at - start < 21 && SCHEME_CHAR.test(text[start - 1]!)) start--;
    // a scheme a {{ }} value writes ("{{user.scheme}}://bob:pw@…", "{{x}}s://"): from its "{{"
    // (looked for in the 200 characters before, as long as an expression is here)
    const before = Math.max(from, start - 204);
    const open = text.endsWith("}}", start) ? text.slice(before, start - 2).lastIndexOf("{{") : -1;
    if (open >= 0) start = before + open;
    else while (start < at && !LETTER.test(text[start]!)) start++;
    URL_AFTER_SCHEME.lastIndex = at + 3;
    const rest = start < at ? URL_AFTER_SCHEME.exec(text) : null;
    if (!rest) continue;
    const end = at + 3 + rest[0].length;
    out += text.slice(from, start) + replace(text.slice(start, end));
    from = end;
    at = end - 2;
  }
  return out + text.slice(from);
}

/**
 * A value (a field, a header, a body) with every URL in it masked as a webhook's URL is, whatever the
 * value is called: a hook's secret path, secret query values, and its password ("https://bob:••••@host").
 * The name rule misses `slack_url` = "https://hooks.slack.com/services/…"; this is the value rule.
 */
export function maskCredentialUrlsIn(text: string): string {
  return mapUrlsIn(text, maskUrlCredentials);
}

// every password maskUrlPasswords finds ends at an "@"
const maskUrlCredentials = (url: string) => maskCredentialUrl(url.includes("@") ? maskUrlPasswords(url) : url);

/**
 * JSON whose strings write a URL with escaped slashes ("https:\/\/…", as PHP writes them), which a scan
 * of its text does not see: each such string's URLs through `replace`, written back compact when one
 * changed. Any other text as it is (one indexOf).
 */
export function mapEscapedJsonUrls(json: string, replace: (url: string) => string): string {
  if (!json.includes(":\\/\\/")) return json;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return json;
  }
  let changed = false;
  const walk = (node: unknown): unknown => {
    if (typeof node === "string") {
      const mapped = mapUrlsIn(node, replace);
      changed ||= mapped !== node;
      return mapped;
    }
    if (Array.isArray(node)) return node.map(walk);
    if (node && typeof node === "object") return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v)]));
    return node;
  };
  const mapped = walk(parsed);
  return changed ? JSON.stringify(mapped) : json;
}

/** An application/x-www-form-urlencoded body with its secret-named values and URLs in values masked, as in a query. */
export function maskSecretFormBody(body: string): string {
  return maybeSecretParam(body) ? mapQueryPairs(body, maskCredentialPair) : body;
}

// a JSON body is parsed only when a key in it may name a secret: one scan for these words and names
// before a quote and a colon (every name looksSecretName takes holds one of them)
// (bounded, as MAYBE_SECRET_PARAM: a key is at most 200 characters past its word here)
const MAYBE_SECRET_KEY = secretNameBefore(WORDS, String.raw`[^"]{0,200}"\s*:`);

/**
 * A JSON body with every literal under a secret-named key masked, at any depth ({"auth": {"pin": 1234}}).
 * The renderer writes its body with JSON.stringify, so one that parses is written back as it was sent but
 * for the masked values. A body that does not parse, or holds no such key, is returned as it is.
 */
export function maskSecretJsonBody(body: string): string {
  if (!MAYBE_SECRET_KEY.some((p) => p.test(body))) return body;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return body;
  }
  let changed = false;
  const walk = (node: unknown, secret: boolean): unknown => {
    if (Array.isArray(node)) return node.map((v) => walk(v, secret));
    if (node && typeof node === "object") return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v, secret || looksSecretName(k))]));
    if (!secret || node === null || typeof node === "boolean" || (typeof node === "string" && showable(node))) return node;
    changed = true;
    return hide(String(node));
  };
  const masked = walk(parsed, false);
  return changed ? JSON.stringify(masked) : body;
}

/** Data fields with the literal values of secret-named keys masked (a copy; {{ }} references are kept). */
export function maskCredentialFields<F extends { key: string; value: string }>(fields: F[]): F[] {
  return fields.map((f) => (looksSecretName(f.key) && !showable(f.value) ? { ...f, value: SECRET_MASK } : withUrlsMasked(f)));
}

/** A field or header whose value holds a URL, with the URL's credential parts masked (the same object when there are none). */
function withUrlsMasked<T extends { value: string }>(item: T): T {
  const value = maskCredentialUrlsIn(item.value);
  return value === item.value ? item : { ...item, value };
}

/** Headers with the literal values of secret-named headers masked (a copy; {{ }} references are kept). */
export function maskCredentialHeaders<H extends { name: string; value: string }>(headers: H[]): H[] {
  return headers.map((h) => (looksSecretName(h.name) && !showable(h.value) ? { ...h, value: SECRET_MASK } : withUrlsMasked(h)));
}

/**
 * A request body as sent, its secret-named values masked as its Content-Type reads it (form or JSON), and
 * the URLs written in it (in a form's values decoded; in any other body as written) by the value rule.
 */
export function maskSecretBody(body: string | null, headers: readonly (readonly [string, string])[]): string | null {
  if (!body) return body;
  const type = headers.find(([name]) => name.length === 12 && name.toLowerCase() === "content-type")?.[1].toLowerCase() ?? "";
  if (type.startsWith("application/x-www-form-urlencoded")) return maskSecretFormBody(body);
  // JSON as the renderer writes it: a URL in a string holds no quote or backslash, so masking it in the
  // text keeps the JSON as it was
  const urlsMasked = maskCredentialUrlsIn(body);
  return type.startsWith("application/json") ? maskSecretJsonBody(mapEscapedJsonUrls(urlsMasked, maskUrlCredentials)) : urlsMasked;
}

/**
 * The `"name": value` pairs of a JSON text that does not parse (a template: `{"n": {{user.age}}, "api_key": "sk_…"}`)
 * with the value replaced by `replacement` under a secret name, unless it is all {{ }} references.
 */
export function replaceSecretPairs(text: string, replacement: string): { text: string; changed: boolean } {
  let changed = false;
  const out = text.replace(/"((?:[^"\\]|\\.)*)"(\s*:\s*)("(?:[^"\\]|\\.)*"|\[[^\]]*\]|[^\s,{}\[\]"]+)/g, (pair, name: string, colon: string, v: string) => {
    const value = v.startsWith('"') ? v.slice(1, -1) : v;
    // a list: its quoted items, all of them references or it goes
    if (!looksSecretName(name) || (!value.includes(SECRET_MASK) && onlyReferences(value))) return pair;
    changed = true;
    return `"${name}"${colon}${replacement}`;
  });
  return { text: out, changed };
}

/** A JSON data field's value (a template) with its secrets masked, whether or not it parses as written. */
function maskJsonFieldValue(value: string): string {
  const masked = maskSecretJsonBody(mapEscapedJsonUrls(value, maskUrlCredentials));
  if (masked !== value) return masked;
  try {
    JSON.parse(value);
    return value;
  } catch {
    return replaceSecretPairs(value, `"${SECRET_MASK}"`).text;
  }
}

/**
 * A webhook as a reader who may not edit it sees it: every part above masked (its URL, its fields, and
 * secrets inside a JSON field's value, its headers). A copy; the other properties as they are.
 */
export function maskCredentialWebhook<W extends { url: string; fields?: { key: string; value: string; type?: string }[]; headers?: { name: string; value: string }[] }>(webhook: W): W {
  const fields = webhook.fields && maskCredentialFields(webhook.fields).map((f) => (f.type === "json" ? { ...f, value: maskJsonFieldValue(f.value) } : f));
  const headers = webhook.headers && maskCredentialHeaders(webhook.headers);
  return { ...webhook, url: maskCredentialUrl(webhook.url), ...(fields ? { fields } : {}), ...(headers ? { headers } : {}) };
}
