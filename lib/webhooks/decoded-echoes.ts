// Echoes a pattern of the secret's own characters cannot see: a receiver may write ANY character as a
// JSON escape, letters and digits included ("\u0048DRSECRET" is "HDRSECRET" to every JSON reader; so
// "%48DRSECRET" to a URL's reader and "&#72;DRSECRET" to a browser), and
// a mapping converts a value to its attribute's type (1.2345678e7 is saved as 12345678). Both are
// looked for here, after echoed-secrets.ts has masked the spellings it builds patterns for.
import { SECRET_MASK as MASK } from "../campaigns/limits";

const JSON_ESCAPES: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
const HEX4 = /^[0-9a-fA-F]{4}$/;
const PERCENT_BYTE = /%([0-9a-fA-F]{2})/y;
const ENTITY = /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|(amp|lt|gt|quot|apos));/y;
const NAMED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });
// the start of an escape a body cut at its size limit ends in
const CUT_ESCAPE = /(?:\\(?:u[0-9a-fA-F]{0,3})?|%[0-9a-fA-F]?|&#?[xX]?[0-9a-fA-F]{0,6}|&[a-z]{0,4})$/;
/**
 * A text that may write a letter or digit escaped: a \u escape, a percent-encoded ASCII byte (%48; not
 * %2F or %20, which echoed-secrets.ts's patterns read), an HTML character reference (&#72;). Only such
 * a text is decoded: a usual response pays one test.
 */
const ENCODED = /\\u|%[3-7][0-9a-fA-F]|&#/;

/** One character written at `i` as a percent-encoded UTF-8 sequence (%48, %C3%A9): it and the width written, or null. */
function percentChar(text: string, i: number): [string, number] | null {
  const bytes: number[] = [];
  for (let at = i; bytes.length < 4; at += 3) {
    PERCENT_BYTE.lastIndex = at;
    const m = PERCENT_BYTE.exec(text);
    if (!m) break;
    const byte = parseInt(m[1]!, 16);
    if (bytes.length === 0 && byte < 0x80) return [String.fromCharCode(byte), 3];
    if (bytes.length > 0 && (byte & 0xc0) !== 0x80) break;
    bytes.push(byte);
    const need = bytes[0]! >= 0xf0 ? 4 : bytes[0]! >= 0xe0 ? 3 : 2;
    if (bytes.length === need) {
      try {
        return [strictUtf8.decode(Uint8Array.from(bytes)), need * 3];
      } catch {
        return null;
      }
    }
  }
  return null;
}

/** One character written at `i` as an HTML character reference (&#72; &#x48; &amp;): it and the width written, or null. */
function entityChar(text: string, i: number): [string, number] | null {
  ENTITY.lastIndex = i;
  const m = ENTITY.exec(text);
  if (!m) return null;
  if (m[3]) return [NAMED[m[3]]!, m[0].length];
  const code = m[1] ? parseInt(m[1], 10) : parseInt(m[2]!, 16);
  return code <= 0x10ffff ? [String.fromCodePoint(code), m[0].length] : null;
}

/**
 * `text` as its readers decode it, each character however it is written (a JSON string's escapes
 * \uXXXX, \/, \", \\ ...; a percent-encoded byte sequence; an HTML character reference), with where each
 * decoded UTF-16 unit was written: `from[i]` to `to[i]` in `text`. Left to right, as JSON does: "\\u0048"
 * is a backslash and "u0048". A character is decoded once: "%5Cu0048" is "\u0048", not "H".
 */
function decodeEscapes(text: string): { decoded: string; from: Int32Array; to: Int32Array } {
  const units: string[] = [];
  const from = new Int32Array(text.length);
  const to = new Int32Array(text.length);
  let n = 0;
  for (let i = 0; i < text.length; ) {
    const c = text[i]!;
    let read: [string, number] | null = null;
    if (c === "\\" && i + 1 < text.length) {
      const next = text[i + 1]!;
      const hex = text.slice(i + 2, i + 6);
      if (next === "u" && HEX4.test(hex)) read = [String.fromCharCode(parseInt(hex, 16)), 6];
      else if (Object.hasOwn(JSON_ESCAPES, next)) read = [JSON_ESCAPES[next]!, 2];
    } else if (c === "%") read = percentChar(text, i);
    else if (c === "&") read = entityChar(text, i);
    const [chars, width] = read ?? [c, 1];
    // a character beyond U+FFFF is two units, both written where it was
    for (const unit of chars.length === 1 ? [chars] : chars.split("")) {
      units.push(unit);
      from[n] = i;
      to[n] = i + width;
      n++;
    }
    i += width;
  }
  return { decoded: units.join(""), from: from.subarray(0, n), to: to.subarray(0, n) };
}

/**
 * `text` with every secret that its decoded form (decodeEscapes) holds masked where it was written, the
 * escapes of its span included: `{"u":"\u0048DRSECRET"}` -> `{"u":"••••"}`, still the same JSON with
 * the mask where the secret was (a key, a value, a key JSON.parse drops as written twice); `k=%48DRSECRET`
 * -> `k=••••`. Only for a text that may escape a letter (ENCODED).
 */
export function maskEscapedEchoes(text: string, secrets: readonly (readonly [string, boolean])[], cutPrefix: number | null): string {
  if (!ENCODED.test(text)) return text;
  const { decoded, from, to } = decodeEscapes(text);
  const spans: [number, number][] = [];
  for (const [secret] of secrets) {
    for (let at = decoded.indexOf(secret); at >= 0; at = decoded.indexOf(secret, at + 1)) spans.push([from[at]!, to[at + secret.length - 1]!]);
  }
  // a body cut inside an escaped secret: its first part (cutPrefix characters or more) ends the text,
  // maybe in half an escape
  if (cutPrefix !== null) {
    const half = CUT_ESCAPE.exec(text)?.[0].length ?? 0;
    const whole = half ? decodeEscapes(text.slice(0, -half)).decoded : decoded;
    const last = whole.at(-1);
    for (const [secret] of secrets) {
      for (let k = Math.min(secret.length - 1, whole.length); k >= cutPrefix; k--) {
        if (secret[k - 1] === last && whole.endsWith(secret.slice(0, k))) {
          spans.push([from[whole.length - k]!, text.length]);
          break;
        }
      }
    }
  }
  if (!spans.length) return text;
  spans.sort((a, b) => a[0] - b[0]);
  let out = "";
  let last = 0;
  for (const [start, end] of spans) {
    if (end <= last) continue;
    out += text.slice(last, Math.max(start, last)) + (start >= last ? MASK : "");
    last = end;
  }
  return out + text.slice(last);
}

// a secret a number can be written as: digits, maybe with a sign, a point or an exponent
const NUMBER_LIKE = /^[-+.eE\d]*\d[-+.eE\d]*$/;

/**
 * A JSON `body` with every number, and every text a number attribute reads as one (Number(" 0xBC614E ")),
 * masked where the number's own spelling (String(n), what an attribute then holds) is a secret of
 * digits: 1.2345678e7 and "0xBC614E" for a key "12345678". The body is then written again as JSON.
 * Only when the request carries such a secret.
 */
export function maskNumericEchoes(body: string, secrets: readonly (readonly [string, boolean])[]): string {
  // most requests carry none: nothing is parsed
  if (!secrets.some(([s]) => NUMBER_LIKE.test(s)) || !/^\s*[[{]/.test(body)) return body;
  // each as the number it is, sign aside, when that is how it is written: "0001" is no number's spelling
  // (as 1 it would mask every 1), "-123456" is 123456's (review 2)
  const numeric = secrets.map(([s]) => s.trim().replace(/^[-+]/, "")).filter((s) => NUMBER_LIKE.test(s) && String(Math.abs(Number(s))) === s);
  if (!numeric.length) return body;
  let document: unknown;
  try {
    document = JSON.parse(body);
  } catch {
    return body; // not JSON: no mapping reads it
  }
  const holdsSecret = (value: unknown) => {
    const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
    if (!Number.isFinite(n)) return false;
    // the number itself is the secret (equality: an order id 9123456 beside a PIN 123456 is not it)
    const written = String(Math.abs(n));
    return numeric.includes(written);
  };
  let masked = false;
  // iterative: a hostile body may nest 30,000 arrays deep
  const stack: unknown[] = [document];
  while (stack.length) {
    const node = stack.pop();
    if (!node || typeof node !== "object") continue;
    const entries = node as Record<string, unknown>;
    for (const key of Object.keys(entries)) {
      const value = entries[key];
      if (typeof value === "object") stack.push(value);
      else if (holdsSecret(value)) {
        entries[key] = MASK;
        masked = true;
      }
    }
  }
  return masked ? JSON.stringify(document) : body;
}
