// What a response echoes of its request's secrets, masked before anyone stores, maps or shows it: the
// secrets are what the request's display masks (mask.ts maskRequest, gathered by hidden-parts.ts), each
// looked for as sent and as a receiver's language escapes it.
import type { BuiltRequest } from "./types";
import { SECRET_MASK as MASK } from "../campaigns/limits";
import { maskRequest } from "./mask";
import { hiddenBy } from "./hidden-parts";
import { maskEscapedEchoes, maskNumericEchoes } from "./decoded-echoes";

// shorter secrets are not looked for in responses: masking every "test" or "admin" would garble the
// body, and a secret that short is guessed sooner than echoed
const MIN_ECHOED_SECRET = 6;
// the longest secret matched in its encoded forms (a longer one is matched as it was sent)
const MAX_ENCODED_SECRET = 1024;
// how far back from a cut body's end the start of a secret is looked for
const MAX_CUT_TAIL = 256;
// Each secret costs a scan of the response (and a pattern, for one with symbols): a body of 5,000
// secret fields echoed in 64 KiB took 1.8 s a response. Past these bounds the response is not masked
// secret by secret: its body is replaced by TOO_MANY_SECRETS and its headers' values masked, and a name that holds one (tooManyMasked),
// as keeping only some secrets would show the others. A usual request carries a few.
const MAX_ECHOED_SECRETS = 128;
const MAX_ECHOED_SECRETS_LENGTH = 64 * 1024;
export const TOO_MANY_SECRETS = "response hidden: the request carries too many secrets to mask its echo";

/**
 * The secrets a request carries, each with whether its escaped forms are looked for too (patternOf):
 * everything its display masks (maskRequest: secret headers' values, secret query values and fields, a
 * hook's secret path, a URL's password), whole, and the parts a receiver may echo apart (secretParts);
 * and its signatures.
 */
function sentSecrets(request: BuiltRequest): [secret: string, escaped: boolean][] | { tooMany: string[] } {
  let found: Map<string, boolean> | undefined;
  let length = 0;
  const add = (s: string, escaped = true) => {
    if (s.length < MIN_ECHOED_SECRET) return;
    const known = (found ??= new Map()).get(s);
    if (known === undefined) length += s.length;
    found.set(s, escaped || !!known);
  };
  for (const [name, value] of request.headers) {
    // an echoed signature would let its reader replay the request while its timestamp holds. A new one
    // every delivery: matched as sent and with PHP's "\/", never through a pattern built for it
    if (name.toLowerCase() !== "webhook-signature") continue;
    for (const part of value.split(" ")) {
      const signature = part.slice(part.indexOf(",") + 1);
      add(signature, false);
      add(signature.replaceAll("/", "\\/"), false);
    }
  }
  const addRead = (s: string) => {
    for (const form of readForms(s)) add(form);
  };
  for (const secret of hiddenBy(() => maskRequest(request))) {
    for (const form of readForms(secret)) {
      add(form);
      secretParts(form, addRead);
    }
  }
  if (!found) return [];
  if (found.size > MAX_ECHOED_SECRETS || length > MAX_ECHOED_SECRETS_LENGTH) return { tooMany: [...found.keys()] };
  // longest first: a secret that contains another is masked whole
  return [...found].sort((a, b) => b[0].length - a[0].length);
}

const BEYOND_ASCII = /[^\x00-\x7f]/;
const WINDOWS_1252 = new TextDecoder("windows-1252");

/**
 * A secret as a receiver may read it, to echo it so: as sent; without the spaces around it, which every
 * HTTP parser strips from a header's value (one saved before values were trimmed: "trailsecret456 ");
 * and beyond ASCII, its UTF-8 bytes read one Latin-1 character each, as Node and WSGI read a header's
 * bytes ("pässwört" echoed as "pÃ¤sswÃ¶rt"), when that reads otherwise.
 */
function readForms(secret: string): string[] {
  const trimmed = secret.trim();
  const forms = trimmed === secret ? [secret] : [secret, trimmed];
  if (BEYOND_ASCII.test(trimmed)) {
    const bytes = Buffer.from(trimmed, "utf8");
    const latin1 = bytes.toString("latin1");
    forms.push(latin1);
    // Windows-1252 reads 0x80-0x9F as letters ("€" as "â‚¬"), where Latin-1 reads control characters
    const windows1252 = WINDOWS_1252.decode(bytes);
    if (windows1252 !== latin1) forms.push(windows1252);
  }
  return forms;
}

// "sid=abc123; lang=en": name=value pairs separated by ";"
const COOKIE_LIKE = /^[^\s=;]+=[^;]*(?:;\s*[^\s=;]+=[^;]*)*;?\s*$/;

/**
 * The parts of a secret a receiver may echo without the rest: each pair of a cookie and its value
 * ("sid=abc123", "abc123"), or the token after a scheme ("Bearer xyz", "SSWS xyz"; Basic's
 * "user:password" and its password too). A part shorter than MIN_ECHOED_SECRET is dropped (add), and
 * so is a pair whose value is: "lang=en" says nothing secret.
 */
function secretParts(secret: string, add: (part: string) => void) {
  if (COOKIE_LIKE.test(secret)) {
    for (const pair of secret.split(";")) {
      const name = pair.slice(0, pair.indexOf("=")).trim();
      const value = pair.slice(pair.indexOf("=") + 1).trim();
      if (value.length < MIN_ECHOED_SECRET) continue;
      add(pair.trim());
      add(value);
      // a receiver's framework hands its code the value decoded ("SESS%20VALUE123" -> "SESS VALUE123"), as a query value's
      const decoded = percentDecoded(value);
      if (decoded !== value) {
        add(`${name}=${decoded}`);
        add(decoded);
      }
    }
    return;
  }
  const scheme = /^(\S+)\s+(\S.*)$/.exec(secret);
  if (!scheme) return;
  add(scheme[2]!);
  if (scheme[1]!.toLowerCase() !== "basic") return;
  const userPassword = Buffer.from(scheme[2]!, "base64").toString("utf8");
  add(userPassword);
  const colon = userPassword.indexOf(":");
  // without a password the user name is the credential (Stripe's "sk_live_...:")
  if (colon >= 0) add(colon === userPassword.length - 1 ? userPassword.slice(0, colon) : userPassword.slice(colon + 1));
}

function percentDecoded(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value; // a stray "%": not encoded
  }
}

const ENTITY_NAMES: Record<string, string> = { "&": "amp", "<": "lt", ">": "gt", '"': "quot", "'": "apos" };
const bothCases = (hex: string) => (hex.toLowerCase() === hex.toUpperCase() ? hex : `(?:${hex.toLowerCase()}|${hex.toUpperCase()})`);
const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

/**
 * How a receiver may write one character of an echoed secret: as it is, JSON-escaped (\/, \uXXXX: PHP,
 * .NET and Go escape /, +, &, <, >), percent-encoded (either case; + for a space) or as an HTML entity.
 * Letters and digits are written as they are.
 */
function charForms(c: string): string {
  if (/[A-Za-z0-9]/.test(c)) return c;
  const forms = [escapeRegex(c)];
  // a character beyond U+FFFF is escaped as its two UTF-16 halves, one after the other
  forms.push([...Array(c.length).keys()].map((i) => `\\\\u${bothCases(c.charCodeAt(i).toString(16).padStart(4, "0"))}`).join(""));
  if (c === "/") forms.push("\\\\/");
  if (c === '"' || c === "\\") forms.push(`\\\\${escapeRegex(c)}`);
  forms.push(
    [...Buffer.from(c, "utf8")].map((b) => `%${bothCases(b.toString(16).padStart(2, "0"))}`).join(""),
  );
  if (c === " ") forms.push("\\+");
  const code = c.codePointAt(0)!;
  forms.push(`&#0*${code};`, `&#[xX]0*${bothCases(code.toString(16))};`);
  if (ENTITY_NAMES[c]) forms.push(`&${ENTITY_NAMES[c]};`);
  return `(?:${forms.join("|")})`;
}

// V8 compiles a pattern to about ten times its source, and to machine code once it has run a few
// times: a 1,000-character secret of accents or punctuation makes a 200,000-character pattern, 2 MB
// of heap and 20-80 ms a response, and 250 of them (a templated secret header, each user's own value)
// ended the process for lack of code space. So a pattern's source and the patterns kept are bounded;
// a secret whose pattern would be longer is looked for in its whole-string encodings instead.
// Compiling is most of a pattern's cost (a response's 64 patterns of 80 symbols: 100-250 ms compiled,
// 9 ms once kept), so a response compiles at most MAX_NEW_SOURCE of new ones; a secret past it (a
// request of many per-user secrets with symbols) is looked for in its whole-string encodings.
const MAX_PATTERN_SOURCE = 8 * 1024;
const MAX_KEPT_SOURCE = 256 * 1024;
const MAX_NEW_SOURCE = 32 * 1024;

type EncodedForms = {
  /** each character in any of its forms (charForms), for a secret whose pattern is short enough */
  pattern: RegExp | null;
  /** otherwise the secret encoded whole, each way a receiver may write it */
  whole: string[];
  size: number;
};

// every encoded form of a secret holds its letters and digits as they are (charForms)
const LETTERS_AND_DIGITS = /[A-Za-z0-9]+/g;
const longestRun = (s: string) => (s.match(LETTERS_AND_DIGITS) ?? []).reduce((a, b) => (b.length > a.length ? b : a), "");

/** The secret as JSON (with \/ and \uXXXX or not, as PHP and .NET write it), percent-encoded (either case, + for spaces) and HTML escapes it. */
function wholeForms(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  const escapeBeyondAscii = (upper: boolean) =>
    json.replace(/[^\x00-\x7f]/g, (c) => {
      const hex = c.charCodeAt(0).toString(16).padStart(4, "0");
      return `\\u${upper ? hex.toUpperCase() : hex}`;
    });
  const ascii = escapeBeyondAscii(false);
  let percent = "";
  try {
    percent = encodeURIComponent(secret);
  } catch {
    // a broken character: not sent as such either
  }
  const html = secret.replace(/[&<>"']/g, (c) => `&${ENTITY_NAMES[c]};`);
  // .NET's encoder: + & < > ' and all beyond ASCII as \uXXXX (capitals)
  const dotNet = escapeBeyondAscii(true).replace(/[+&<>']/g, (c) => `\\u00${c.charCodeAt(0).toString(16).toUpperCase()}`);
  // Go's encoding/json: < > & (and U+2028/9) as \u003c, lower case
  const go = json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  const forms = [json, json.replaceAll("/", "\\/"), ascii, escapeBeyondAscii(true), ascii.replaceAll("/", "\\/"), dotNet, go, percent, percent.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()), percent.replaceAll("%20", "+"), html];
  return [...new Set(forms)].filter((f) => f && f !== secret && f.length >= MIN_ECHOED_SECRET);
}

// each secret's encodings, built once (an action's secrets repeat delivery after delivery), oldest dropped first
const encodings = new Map<string, EncodedForms | null>();
let keptSource = 0;
/** What a response may still compile (MAX_NEW_SOURCE), shared by its body and headers. */
type Budget = { source: number };

function encodedFormsOf(secret: string, budget: Budget): EncodedForms | null {
  let forms = encodings.get(secret);
  if (forms !== undefined) return forms;
  forms = null;
  // only letters and digits, or too long to look for in its encodings: matched as it was sent
  if (!/^[A-Za-z0-9]*$/.test(secret) && secret.length <= MAX_ENCODED_SECRET) {
    const limit = Math.min(MAX_PATTERN_SOURCE, budget.source);
    let source = "";
    for (const c of secret) if ((source += charForms(c)).length > limit) break;
    if (source.length <= limit) {
      budget.source -= source.length;
      forms = { pattern: new RegExp(source, "g"), whole: [], size: source.length };
    } else if (limit < MAX_PATTERN_SOURCE) {
      // this response's budget is spent: its whole-string encodings, not kept (a later response may compile it)
      return { pattern: null, whole: wholeForms(secret), size: 0 };
    } else forms = { pattern: null, whole: wholeForms(secret), size: secret.length * 8 };
  }
  const size = forms?.size ?? 0;
  for (const [old, kept] of encodings) {
    if (encodings.size < 256 && keptSource + size <= MAX_KEPT_SOURCE) break;
    encodings.delete(old);
    keptSource -= kept?.size ?? 0;
  }
  encodings.set(secret, forms);
  keptSource += size;
  return forms;
}

function maskIn(text: string, secrets: [string, boolean][], cutShort: boolean, budget: Budget): string {
  let out = text;
  for (const [s, escaped] of secrets) {
    if (out.includes(s)) out = out.split(s).join(MASK);
    if (!escaped || s.length > MAX_ENCODED_SECRET) continue;
    // no echo of it without its letters and digits as they are: nothing is built (most responses)
    const run = longestRun(s);
    if (run.length >= 3 && !out.includes(run)) continue;
    const forms = encodedFormsOf(s, budget);
    if (!forms) continue;
    if (forms.pattern) out = out.replace(forms.pattern, MASK);
    for (const f of forms.whole) if (out.includes(f)) out = out.split(f).join(MASK);
  }
  // a body cut at its size limit may end in the first part of a secret, as it was sent or escaped ("abc\/def\/gh")
  if (cutShort) for (const [s, escaped] of secrets) for (const form of escaped && s.length <= MAX_ENCODED_SECRET ? [s, ...wholeForms(s)] : [s]) out = maskCutTail(out, form);
  return out;
}

/** `text` with its end masked if it ends in the first part (MIN_ECHOED_SECRET characters or more) of `secret`. */
function maskCutTail(text: string, secret: string): string {
  const tail = text.slice(-MAX_CUT_TAIL);
  const last = tail.at(-1);
  for (let k = Math.min(secret.length - 1, tail.length); k >= MIN_ECHOED_SECRET; k--) {
    if (secret[k - 1] === last && tail.endsWith(secret.slice(0, k))) return text.slice(0, text.length - k) + MASK;
  }
  return text;
}

/**
 * A body as its readers decode it: a secret behind \u escapes of its letters (decoded-echoes.ts), and a
 * number a mapping would save as a secret of digits (a body no mapping can parse is left to the above).
 */
function maskDecoded(body: string, secrets: [string, boolean][], cutShort: boolean): string {
  return maskNumericEchoes(maskEscapedEchoes(body, secrets, cutShort ? MIN_ECHOED_SECRET : null), secrets);
}

// the headers a response with too many secrets to mask keeps as they are: they say how to read its (hidden) body
const PLAIN_RESPONSE_HEADER = { "content-type": /^[\w.+-]+\/[\w.+-]+(?:\s*;\s*charset="?[\w-]+"?)?$/i, "content-length": /^\d+$/ } as Record<string, RegExp>;

function tooManyMasked<R extends { headers?: [string, string][]; body?: string; bodyTruncated?: boolean }>(response: R, secrets: string[]): R {
  // a name is short: only the secrets no longer than it are looked for in it, as it is, in any case
  const names = (name: string) => {
    const lower = name.toLowerCase();
    return secrets.some((s) => s.length <= name.length && lower.includes(s.toLowerCase())) ? MASK : name;
  };
  const headers = response.headers?.map(([name, value]): [string, string] => [names(name), PLAIN_RESPONSE_HEADER[name.toLowerCase()]?.test(value) ? value : MASK]);
  if (response.body === undefined) return { ...response, headers };
  // the note is whole: not "cut at 64 KiB"
  return { ...response, body: TOO_MANY_SECRETS, ...(response.bodyTruncated ? { bodyTruncated: false } : {}), headers };
}

/**
 * A response with every secret its request carried masked, in the body and the headers. A receiver that
 * echoes its request (httpbin, a debug endpoint) or names a key in an error message would otherwise put
 * the secret where everyone who may read the response reads it: the delivery log, the test send's
 * history, an attribute a response mapping saves. The one sender (send.ts, on a sender thread too)
 * applies it to every response; what it masks is what the request's display masks (sentSecrets).
 */
export function maskEchoedSecrets<R extends { headers?: [string, string][]; body?: string; bodyTruncated?: boolean }>(request: BuiltRequest, response: R): R {
  const secrets = sentSecrets(request);
  if (!Array.isArray(secrets)) return tooManyMasked(response, secrets.tooMany);
  if (!secrets.length) return response;
  const budget: Budget = { source: MAX_NEW_SOURCE };
  const body = response.body === undefined ? undefined : maskDecoded(maskIn(response.body, secrets, !!response.bodyTruncated, budget), secrets, !!response.bodyTruncated);
  const headers = response.headers?.map(([name, value]): [string, string] => [maskInName(name, secrets, budget), maskEscapedEchoes(maskIn(value, secrets, false, budget), secrets, null)]);
  return { ...response, body, headers };
}

/** A response header's name with the secrets in it masked, in any case: a receiver's framework (Node's) lowercases names. */
function maskInName(name: string, secrets: [string, boolean][], budget: Budget): string {
  let out = maskIn(name, secrets, false, budget);
  for (const [s] of secrets) {
    const lowerSecret = s.toLowerCase();
    // a character whose lower case is longer (İ) would shift the positions: such a name is masked as written
    if (lowerSecret.length !== s.length) continue;
    for (let lower = out.toLowerCase(), at = lower.indexOf(lowerSecret); at >= 0 && lower.length === out.length; lower = out.toLowerCase(), at = lower.indexOf(lowerSecret)) {
      out = out.slice(0, at) + MASK + out.slice(at + s.length);
    }
  }
  return out;
}
