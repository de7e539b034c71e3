// Echoes a pattern of the secret's own characters cannot see: a receiver may write ANY character as a
// JSON escape, letters and digits included ("\u0048DRSECRET" is "HDRSECRET" to every JSON reader), and
// a mapping converts a value to its attribute's type (1.2345678e7 is saved as 12345678). Both are
// looked for here, after echoed-secrets.ts has masked the spellings it builds patterns for.
import { SECRET_MASK as MASK } from "../campaigns/limits";

const JSON_ESCAPES: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
const HEX4 = /^[0-9a-fA-F]{4}$/;
// the start of a \u escape a body cut at its size limit ends in
const CUT_ESCAPE = /\\(?:u[0-9a-fA-F]{0,3})?$/;

/**
 * `text` read as JSON reads a string's escapes (\uXXXX, \/, \", \\, \n ...), wherever they stand, with
 * where each decoded unit was written: `from[i]` to `to[i]` in `text`. Left to right, as JSON does:
 * "\\u0048" is a backslash and "u0048".
 */
function decodeEscapes(text: string): { decoded: string; from: Int32Array; to: Int32Array } {
  const units: string[] = [];
  const from = new Int32Array(text.length);
  const to = new Int32Array(text.length);
  let n = 0;
  for (let i = 0; i < text.length; ) {
    let unit = text[i]!;
    let width = 1;
    if (unit === "\\" && i + 1 < text.length) {
      const next = text[i + 1]!;
      const hex = text.slice(i + 2, i + 6);
      if (next === "u" && HEX4.test(hex)) {
        unit = String.fromCharCode(parseInt(hex, 16));
        width = 6;
      } else if (Object.hasOwn(JSON_ESCAPES, next)) {
        unit = JSON_ESCAPES[next]!;
        width = 2;
      }
    }
    units.push(unit);
    from[n] = i;
    to[n] = i + width;
    n++;
    i += width;
  }
  return { decoded: units.join(""), from: from.subarray(0, n), to: to.subarray(0, n) };
}

/**
 * `text` with every secret that its decoded form (decodeEscapes) holds masked where it was written, the
 * escapes of its span included: `{"u":"\u0048DRSECRET"}` -> `{"u":"••••"}`, still the same JSON with
 * the mask where the secret was (a key, a value, a key JSON.parse drops as written twice). Only for a
 * text with a \u in it: a usual response pays one `includes`.
 */
export function maskEscapedEchoes(text: string, secrets: readonly (readonly [string, boolean])[], cutPrefix: number | null): string {
  if (!text.includes("\\u")) return text;
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
 * masked where the number's own spelling (String(n), what an attribute then holds) contains a secret of
 * digits: 1.2345678e7 and "0xBC614E" for a key "12345678". The body is then written again as JSON.
 * Only when the request carries such a secret.
 */
export function maskNumericEchoes(body: string, secrets: readonly (readonly [string, boolean])[]): string {
  // most requests carry none: nothing is parsed
  if (!secrets.some(([s]) => NUMBER_LIKE.test(s)) || !/^\s*[[{]/.test(body)) return body;
  const numeric = secrets.map(([s]) => s).filter((s) => NUMBER_LIKE.test(s));
  let document: unknown;
  try {
    document = JSON.parse(body);
  } catch {
    return body; // not JSON: no mapping reads it
  }
  const holdsSecret = (value: unknown) => {
    const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
    if (!Number.isFinite(n)) return false;
    const written = String(n);
    return numeric.some((s) => written.includes(s));
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
