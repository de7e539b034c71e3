// A server action's body is parsed by React (decodeReply) before any of our code runs, and React walks
// nested arrays and objects recursively: a body of [[[[...]]]] 10,000 deep overflowed its stack and
// Next.js answered a 500 with the stack in the log. proxy.ts reads the body of every POST to a page
// that Next.js would decode as an action and refuses such a body first, with this cheap scan: the
// bytes are read up to the body limit at most (Next.js's own serverActions.bodySizeLimit, set from
// ACTION_BODY_LIMIT_BYTES), never more, and each part is walked once without recursion.

import { readBodyWithin } from "./read-body";
import { ACTION_BODY_LIMIT_BYTES } from "./body-limits";
import { referencesRefusal, type ModelPart } from "./action-references";

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

// RFC 9110's token, as busboy's parsers read parameter names and unquoted values
const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";

/** A multipart body's part: its name and whether busboy reads it as a file (null name: busboy skips it), and its text. */
type Part = { name: string | null; isFile: boolean; text: string };

/**
 * A multipart body's parts, each as text, files included: which part is a file is busboy's reading of its
 * Content-Disposition (a `filename` parameter, quoted or not), and a scan that guessed differently (a
 * `filename=` in another header, or inside a quoted name) let a field through unscanned. No action of ours
 * takes a file, so a file nested 128 deep is refused too. A part whose Content-Disposition this cannot read
 * as busboy would (two of them, a folded line, RFC 2231's `name*=`) makes the body refused (a string).
 */
function multipartParts(text: string, boundary: string): Part[] | string {
  const parts: Part[] = [];
  for (const part of text.split(`--${boundary}`)) {
    const headerEnd = part.indexOf("\r\n\r\n");
    if (headerEnd < 0) continue;
    const lines = part.slice(0, headerEnd).split("\r\n").filter((l) => l !== "");
    if (lines.some((l) => l.startsWith(" ") || l.startsWith("\t"))) return "a part's headers are folded over lines";
    const dispositions = lines.filter((l) => /^content-disposition\s*:/i.test(l));
    if (dispositions.length > 1) return "a part has two Content-Disposition headers";
    const read = dispositions[0] === undefined ? { name: null, isFile: false } : readDisposition(dispositions[0].slice(dispositions[0].indexOf(":") + 1).trim());
    if (typeof read === "string") return read;
    parts.push({ ...read, text: part.slice(headerEnd + 4) });
  }
  return parts;
}

// A Content-Disposition parameter as busboy reads it: a token, or a quoted string whose quoted pairs it unescapes.
const DISPOSITION_PARAM = new RegExp(`\\s*;\\s*(${TOKEN})=(?:"((?:[^"\\\\]|\\\\.)*)"|(${TOKEN}))\\s*`, "y");

function readDisposition(value: string): { name: string | null; isFile: boolean } | string {
  const type = new RegExp(`^${TOKEN}`).exec(value)?.[0] ?? "";
  // busboy skips a part that is not form-data: React never sees it
  if (type.toLowerCase() !== "form-data") return { name: null, isFile: false };
  const params = new Map<string, string>();
  DISPOSITION_PARAM.lastIndex = type.length;
  while (DISPOSITION_PARAM.lastIndex < value.length) {
    const m = DISPOSITION_PARAM.exec(value);
    if (!m) return "a part's Content-Disposition is not plain name=value pairs";
    const key = m[1]!.toLowerCase();
    if (key === "name*") return "a part's name must be given as name=, not name*=";
    params.set(key, m[2] === undefined ? m[3]! : m[2].replace(/\\(.)/gs, "$1"));
  }
  return { name: params.get("name") ?? null, isFile: params.has("filename") || params.has("filename*") };
}

// A Content-Type parameter as busboy reads it (lib/utils.js parseContentType): a token name, `=`, a token or a
// quoted string. A quoted-pair (`"b\\"b"`: busboy reads `b"b`) is not read here: such a boundary is refused.
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

/**
 * The parts React decodes as models, in body order: a fetch action's are named by their id alone ("0" the
 * arguments), a form's bound arguments `$ACTION_<n>:<id>` (React's decodeAction); files are blobs, not models.
 */
function modelParts(parts: Part[], fetchAction: boolean): ModelPart[] {
  const models: ModelPart[] = [];
  for (const part of parts) {
    if (part.isFile || part.name === null) continue;
    const m = fetchAction ? /^()(0|[1-9]\d*)$/.exec(part.name) : /^(\$ACTION_.*:)(0|[1-9]\d*)$/s.exec(part.name);
    if (m) models.push({ prefix: m[1]!, id: Number(m[2]), text: part.text });
  }
  return models;
}

/**
 * Why this action body (read whole, within the limit) is refused before React decodes it, or null.
 * `fetchAction`: the request names its action in a Next-Action header (React's decodeReply), rather than a form
 * posted without JavaScript (decodeAction).
 */
export function actionBodyRefusal(contentType: string, body: string, fetchAction = false, max = MAX_ACTION_NESTING): ActionBodyRefusal | null {
  const isMultipart = /^multipart\/form-data\b/i.test(contentType);
  let parts: Part[] = [{ name: "0", isFile: false, text: body }];
  if (isMultipart) {
    const read = multipartBoundary(contentType);
    if ("refused" in read) return { status: 400, message: read.refused };
    if (!body.includes(`--${read.boundary}`)) return { status: 400, message: `the form's data does not contain its boundary (${read.boundary.slice(0, 70)})` };
    const split = multipartParts(body, read.boundary);
    if (typeof split === "string") return { status: 400, message: split };
    parts = split;
  }
  // React's decoder also nests part inside part ("$1" in part 0 is part 1, which may name part 2…): a chain
  // of 3,000 parts one level deep each overflowed its stack as one part 10,000 deep did. The parts'
  // depths added up bound any chain of them; ours nest a few levels in a part or two
  let total = 0;
  for (const part of parts) {
    const depth = nestingDepth(part.text, max);
    total += depth;
    if (depth > max || total > max * 2) return { status: 400, message: `the action's data nests arrays or objects more than ${max} levels deep` };
  }
  const models = modelParts(parts, fetchAction || !isMultipart);
  // a fetch action's arguments are part "0": without it React waits for it until the body ends, then fails
  if ((fetchAction || !isMultipart) && !models.some((m) => m.id === 0)) return { status: 400, message: "the action's data has no arguments (part 0)" };
  const refused = referencesRefusal(models, isMultipart);
  return refused ? { status: 400, message: refused } : null;
}

export { readBodyWithin };

export const TOO_LARGE: ActionBodyRefusal = { status: 413, message: `an action's data may be ${ACTION_BODY_LIMIT_BYTES / (1024 * 1024)} MB at most` };


/** The refusal of a server action's body (too large, or nested too deep), or null: it may go on to Next.js. */
export async function checkActionBody(headers: Headers, body: ReadableStream<Uint8Array> | null): Promise<ActionBodyRefusal | null> {
  if (!isActionBody(headers)) return null;
  const bytes = await readBodyWithin(body, ACTION_BODY_LIMIT_BYTES);
  if (!bytes) return TOO_LARGE;
  return actionBodyRefusal(headers.get("content-type") ?? "", new TextDecoder().decode(bytes), headers.has("next-action"));
}
