// A server action's body is parsed by React (decodeReply) before any of our code runs, and React walks
// nested arrays and objects recursively: a body of [[[[...]]]] 10,000 deep overflowed its stack and
// Next.js answered a 500 with the stack in the log. proxy.ts reads the body of every POST to a page
// that Next.js would decode as an action and refuses such a body first, with this cheap scan: the
// bytes are read up to the body limit at most (Next.js's own serverActions.bodySizeLimit, set from
// ACTION_BODY_LIMIT_BYTES), never more, and each part is walked once without recursion.

import { readBodyWithin } from "./read-body";
import { ACTION_BODY_LIMIT_BYTES } from "./body-limits";

/** The most a server action's body may hold (Next.js's serverActions.bodySizeLimit default): 1 MB, body-limits.ts. */
export { ACTION_BODY_LIMIT_BYTES };

/** How deep arrays and objects may nest in an action's arguments: ours nest a dozen levels at most. */
export const MAX_ACTION_NESTING = 128;

export type ActionBodyRefusal = { status: 400 | 413; message: string };

/** Whether Next.js would decode this POST's body as a server action's arguments (a fetch action, or a form's multipart body). */
export function isActionBody(headers: Headers): boolean {
  return headers.has("next-action") || /^multipart\/form-data\b/i.test(headers.get("content-type") ?? "");
}

/**
 * How deep `[` and `{` nest in JSON text, outside strings, up to `max` + 1 (the scan stops there).
 * Text that is not JSON is scanned the same way: only the brackets outside quoted strings count.
 */
export function nestingDepth(text: string, max = MAX_ACTION_NESTING): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // a backslash escapes the next character (\" stays inside the string)
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > max) return deepest;
      }
    } else if ((c === 0x5d || c === 0x7d) && depth > 0) depth--;
  }
  return deepest;
}

/**
 * A multipart body's parts, each as text, files included: which part is a file is busboy's reading of its
 * Content-Disposition (a `filename` parameter, quoted or not), and a scan that guessed differently (a
 * `filename=` in another header, or inside a quoted name) let a field through unscanned. No action of ours
 * takes a file, so a file nested 128 deep is refused too.
 */
function multipartFields(text: string, boundary: string): string[] {
  const fields: string[] = [];
  for (const part of text.split(`--${boundary}`)) {
    const headerEnd = part.indexOf("\r\n\r\n");
    if (headerEnd < 0) continue;
    fields.push(part.slice(headerEnd + 4));
  }
  return fields;
}

// A Content-Type parameter as busboy reads it (lib/utils.js parseContentType): a token name, `=`, a token or a
// quoted string. A quoted-pair (`"b\\"b"`: busboy reads `b"b`) is not read here: such a boundary is refused.
const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const PARAM = new RegExp(`\\s*;\\s*(${TOKEN})=(?:"([^"\\\\]*)"|(${TOKEN}))\\s*`, "y");

/** The boundary busboy would split this multipart body on, or why the Content-Type is refused. */
export function multipartBoundary(contentType: string): { boundary: string } | { refused: string } {
  const semi = contentType.indexOf(";");
  const params = semi < 0 ? "" : contentType.slice(semi);
  const boundaries: string[] = [];
  PARAM.lastIndex = 0;
  while (PARAM.lastIndex < params.length) {
    const at = PARAM.lastIndex;
    const m = PARAM.exec(params);
    if (!m) return { refused: `the form's Content-Type parameters are not plain name=value pairs (at "${params.slice(at, at + 20)}")` };
    const name = m[1]!.toLowerCase();
    // RFC 2231's encoded form busboy decodes: two readings of one boundary are one too many
    if (name === "boundary*") return { refused: "the form's boundary must be given as boundary=, not boundary*=" };
    if (name === "boundary") boundaries.push(m[2] ?? m[3]!);
  }
  if (boundaries.length > 1) return { refused: "the form's Content-Type names its boundary more than once" };
  if (!boundaries[0]) return { refused: "the form's Content-Type names no boundary" };
  return { boundary: boundaries[0] };
}

// What a fetch action's text body may say with a "$" string (React's parseModelString): the rest name another
// part (a chunk, a Map, a typed array, a promise…), and a text body has no other part: React's decoder throws, a 500.
const TEXT_BODY_DOLLAR = /^\$(?:\$|T|D|n-?\d+$|undefined$|NaN$|Infinity$|-Infinity$|-0$)/;

/** Why a fetch action's text body (a single part, no files) cannot be decoded, or null. */
function textBodyRefusal(body: string): ActionBodyRefusal | null {
  let bad: string | null = null;
  try {
    JSON.parse(body, (_key, value: unknown) => {
      if (bad === null && typeof value === "string" && value.startsWith("$") && !TEXT_BODY_DOLLAR.test(value)) bad = value;
      return value;
    });
  } catch {
    return { status: 400, message: "the action's data is not JSON" };
  }
  return bad === null ? null : { status: 400, message: `the action's data refers to a part it does not hold (${JSON.stringify((bad as string).slice(0, 20))})` };
}

/** Why this action body (read whole, within the limit) is refused before React decodes it, or null. */
export function actionBodyRefusal(contentType: string, body: string, max = MAX_ACTION_NESTING): ActionBodyRefusal | null {
  const isMultipart = /^multipart\/form-data\b/i.test(contentType);
  let parts = [body];
  if (isMultipart) {
    const read = multipartBoundary(contentType);
    if ("refused" in read) return { status: 400, message: read.refused };
    if (!body.includes(`--${read.boundary}`)) return { status: 400, message: `the form's data does not contain its boundary (${read.boundary.slice(0, 70)})` };
    parts = multipartFields(body, read.boundary);
  }
  // React's decoder also nests part inside part ("$1" in part 0 is part 1, which may name part 2…): a chain
  // of 3,000 parts one level deep each overflowed its stack as one part 10,000 deep did. The parts'
  // depths added up bound any chain of them; ours nest a few levels in a part or two
  let total = 0;
  for (const part of parts) {
    const depth = nestingDepth(part, max);
    total += depth;
    if (depth > max || total > max * 2) return { status: 400, message: `the action's data nests arrays or objects more than ${max} levels deep` };
  }
  return isMultipart ? null : textBodyRefusal(body);
}

export { readBodyWithin };

export const TOO_LARGE: ActionBodyRefusal = { status: 413, message: `an action's data may be ${ACTION_BODY_LIMIT_BYTES / (1024 * 1024)} MB at most` };


/** The refusal of a server action's body (too large, or nested too deep), or null: it may go on to Next.js. */
export async function checkActionBody(headers: Headers, body: ReadableStream<Uint8Array> | null): Promise<ActionBodyRefusal | null> {
  if (!isActionBody(headers)) return null;
  const bytes = await readBodyWithin(body, ACTION_BODY_LIMIT_BYTES);
  if (!bytes) return TOO_LARGE;
  return actionBodyRefusal(headers.get("content-type") ?? "", new TextDecoder().decode(bytes));
}
