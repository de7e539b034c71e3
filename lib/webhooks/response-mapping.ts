// Response mapping: values read from a webhook's 2xx JSON answer and saved on the user, so a later
// action can use them ({{user.crmId}}). Pure: the delivery recorder writes what `applyResponseMapping`
// returns (lib/delivery/store/attribute-writes.ts); test sends only show it.
import { z } from "zod";
import { isStorableText } from "../db/storable-text";
import { TOO_MANY_SECRETS } from "./echoed-secrets";
import { isIsoDateText, storedDateText } from "../date-input";
import { attributeNameProblem, builtInFieldProblem } from "../api/schemas/users";

export const MAX_RESPONSE_MAPPINGS = 20;
/** the longest JSON path a mapping takes (the editor's field stops there too) */
export const MAX_MAPPING_PATH = 200;
/**
 * The largest value one mapping saves, as JSON in UTF-8 bytes: an id, a score or a status is tens of
 * bytes. A receiver could otherwise answer with 64 KiB under every mapped path, and each flush would
 * write (and the engine's thread encode) megabytes into the users' rows.
 */
export const MAX_MAPPED_VALUE_BYTES = 1024;
/** The most one response saves on its user, as the JSON object of its mapped values (UTF-8 bytes). */
export const MAX_MAPPED_BYTES = 8 * 1024;
/** the same bounds as the users API (lib/api/schemas/users.ts attributeValueSchema) */
const MAX_TEXT = 10_000;
const MAX_LIST = 1000;
const MAX_LIST_ITEM = 1000;

/** How a mapped value is stored: as the attribute catalogue types it (lib/audience/attribute-kind.ts). */
export const MAPPED_KINDS = ["string", "number", "boolean", "date", "list"] as const;
export type MappedKind = (typeof MAPPED_KINDS)[number];
export type MappedValue = string | number | boolean | string[];

export type PathSegment = string | number;

/**
 * A JSONPath subset: `$`, then `.name`, `[0]` or `["odd key"]` / `['odd key']` steps. Returns the steps,
 * or a message saying where the path is wrong.
 */
export function parseMappingPath(path: string): { ok: true; segments: PathSegment[] } | { ok: false; message: string } {
  if (path.length > MAX_MAPPING_PATH) return { ok: false, message: `Paths are at most ${MAX_MAPPING_PATH} characters` };
  if (!path.startsWith("$")) return { ok: false, message: 'Start the path with "$", for example $.customer.id' };
  const segments: PathSegment[] = [];
  let i = 1;
  while (i < path.length) {
    const c = path[i];
    if (c === ".") {
      const m = /^[A-Za-z_$][\w$-]*/.exec(path.slice(i + 1));
      if (!m) return { ok: false, message: `Expected a name after "." at character ${i + 1} (use ["..."] for other keys)` };
      segments.push(m[0]);
      i += 1 + m[0].length;
    } else if (c === "[") {
      const rest = path.slice(i);
      const index = /^\[(\d{1,6})\]/.exec(rest);
      const quoted = /^\[(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')\]/.exec(rest);
      if (index) {
        segments.push(Number(index[1]));
        i += index[0].length;
      } else if (quoted) {
        const raw = quoted[1] ?? quoted[2] ?? "";
        segments.push(raw.replace(/\\(.)/g, "$1"));
        i += quoted[0].length;
      } else {
        return { ok: false, message: `Expected [number] or ["key"] at character ${i + 1}` };
      }
    } else {
      return { ok: false, message: `Unexpected "${c}" at character ${i + 1}: steps start with "." or "["` };
    }
  }
  if (segments.length === 0) return { ok: false, message: "Name a value inside the response, for example $.customer.id" };
  return { ok: true, segments };
}

/** An entry's schema; `nameProblem` judges its attribute's name (stored mappings: see parseStoredMapping). */
const entrySchema = (nameProblem: (name: string) => string | null) =>
  z.object({
    path: z
      .string({ error: "Required: a JSON path such as $.customer.id" })
      .trim()
      .min(1, "Required: a JSON path such as $.customer.id")
      .superRefine((path, ctx) => {
        const parsed = parseMappingPath(path);
        if (!parsed.ok) ctx.addIssue({ code: "custom", message: parsed.message });
      }),
    attribute: z
      .string({ error: "Required: the attribute to save into" })
      .trim()
      .min(1, "Required: the attribute to save into")
      .superRefine((name, ctx) => {
        const problem = nameProblem(name);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      }),
    /** the attribute's type, as the catalogue had it when the mapping was saved; absent = keep the JSON type */
    type: z.enum(MAPPED_KINDS).optional(),
  })
  .strict();

export const responseMappingEntrySchema = entrySchema(attributeNameProblem).meta({ id: "ResponseMappingEntry", description: `Saves the value at \`path\` of a 2xx JSON response into the user attribute \`attribute\`: a value over ${MAX_MAPPED_VALUE_BYTES.toLocaleString("en-US")} bytes as JSON is not saved (its attempt says why)` });
export type ResponseMappingEntry = z.infer<typeof responseMappingEntrySchema>;

const mappingSchema = <S extends z.ZodType<{ attribute: string }>>(entry: S) =>
  z
    .array(entry)
    .max(MAX_RESPONSE_MAPPINGS, `At most ${MAX_RESPONSE_MAPPINGS} mappings per webhook`)
    .superRefine((entries, ctx) => {
      const seen = new Set<string>();
      entries.forEach((e, i) => {
        if (seen.has(e.attribute)) ctx.addIssue({ code: "custom", path: [i, "attribute"], message: `"${e.attribute}" is already mapped above` });
        seen.add(e.attribute);
      });
    });

export const responseMappingSchema = mappingSchema(responseMappingEntrySchema).meta({ id: "ResponseMapping", description: `Up to ${MAX_RESPONSE_MAPPINGS} JSON paths into a 2xx JSON response, each saved into a user attribute; at most ${MAX_MAPPED_BYTES / 1024} KiB saved per response` });
export type ResponseMapping = z.infer<typeof responseMappingSchema>;

/**
 * An entry as a stored mapping reads it, a built-in field's name included: a mapping saved before such
 * names were refused keeps saving its other entries, and applyResponseMapping notes the built-in one on
 * each attempt instead of writing it. A test send reads its rows so too, to show that note.
 */
export const storedMappingEntrySchema = entrySchema((name) => (builtInFieldProblem(name) ? null : attributeNameProblem(name)));
const storedMappingSchema = mappingSchema(storedMappingEntrySchema);

/** The rows of a stored mapping whose attribute is named like a built-in user field (refused on save since), with why: what Activate refuses. */
export function builtInFieldEntries(mapping: ResponseMapping | null): { index: number; problem: string }[] {
  return (mapping ?? []).flatMap((entry, index) => {
    const problem = builtInFieldProblem(entry.attribute);
    return problem ? [{ index, problem }] : [];
  });
}

/** A mapping as stored (Action.responseMapping), or null when there is none or it is unreadable. */
export function parseStoredMapping(raw: unknown): ResponseMapping | null {
  if (raw === null || raw === undefined) return null;
  const parsed = storedMappingSchema.safeParse(raw);
  return parsed.success && parsed.data.length > 0 ? parsed.data : null;
}

/** Attribute name -> the type the catalogue gives it; used for entries saved without a type. Read through kindOf. */
export type AttributeKinds = Readonly<Record<string, MappedKind | undefined>>;

/** The kind `kinds` gives an attribute: its own entries only (an attribute named "toString" has none). */
export function kindOf(kinds: AttributeKinds, attribute: string): MappedKind | undefined {
  return Object.hasOwn(kinds, attribute) ? kinds[attribute] : undefined;
}

/** The catalogue's entries as kinds: an attribute seen with one type only has that kind. */
export function kindsFromCatalogue(catalogue: { name: string; types: string[] }[]): AttributeKinds {
  const kinds: Record<string, MappedKind> = Object.create(null);
  for (const entry of catalogue) {
    const [only] = entry.types;
    if (entry.types.length === 1 && (MAPPED_KINDS as readonly string[]).includes(only!)) kinds[entry.name] = only as MappedKind;
  }
  return kinds;
}

/** The mapping as saved: an entry without a type takes its attribute's type in the catalogue, so later values stay comparable. */
export function typedMapping(mapping: ResponseMapping, kinds: AttributeKinds): ResponseMapping {
  return mapping.map((entry) => {
    const kind = kindOf(kinds, entry.attribute);
    return entry.type || !kind ? entry : { ...entry, type: kind };
  });
}

export type MappingResult = { set: Record<string, MappedValue>; problems: string[] };

const NO_CHANGE: MappingResult = Object.freeze({ set: Object.freeze({}), problems: Object.freeze([]) as unknown as string[] }) as MappingResult;

// the last type seen: a receiver answers with the same Content-Type text delivery after delivery
let lastType: string | undefined;
let lastTypeIsJson = false;

function isJsonContentType(contentType: string | null | undefined): boolean {
  if (!contentType) return true; // no type named: try to read it as JSON
  if (contentType === lastType) return lastTypeIsJson;
  const type = contentType.split(";")[0]!.trim().toLowerCase();
  lastType = contentType;
  lastTypeIsJson = type === "application/json" || type.endsWith("+json") || type === "text/json";
  return lastTypeIsJson;
}

const NO_KINDS: AttributeKinds = Object.freeze({});

/**
 * What a mapping sets from a response: only for a 2xx JSON body; each value converted to its
 * attribute's type. A path that is missing or a value that cannot be converted is a problem and
 * changes nothing for that attribute; the others still apply.
 */
export function applyResponseMapping(
  body: string | null | undefined,
  contentType: string | null | undefined,
  mapping: ResponseMapping | null | undefined,
  catalogue: AttributeKinds = NO_KINDS,
): MappingResult {
  if (!mapping || mapping.length === 0) return NO_CHANGE;
  // the response was hidden, not read (echoed-secrets.ts): say so, not "not valid JSON"
  if (body === TOO_MANY_SECRETS) return { set: {}, problems: [`${TOO_MANY_SECRETS}; nothing saved`] };
  if (!isJsonContentType(contentType)) return { set: {}, problems: [`the response is not JSON (${contentType!.split(";")[0]!.trim()}); nothing saved`] };
  let document: unknown;
  try {
    document = JSON.parse(body ?? "");
  } catch {
    return { set: {}, problems: [body ? "the response is not valid JSON (or was cut at 64 KiB); nothing saved" : "the response was empty; nothing saved"] };
  }
  const set: Record<string, MappedValue> = {};
  const problems: string[] = [];
  // what one write adds to the user, as JSON: at most MAX_MAPPED_BYTES
  let bytes = 2;
  for (const { entry, path, nameBytes, builtIn } of compiledEntries(mapping)) {
    if (!path.ok) {
      problems.push(`${entry.path}: ${path.message}`);
      continue;
    }
    if (builtIn) {
      problems.push(`${entry.path} -> ${entry.attribute}: ${builtIn}; not saved`);
      continue;
    }
    const found = valueAt(document, path.segments);
    if (found === MISSING) {
      problems.push(`${entry.path} is not in the response`);
      continue;
    }
    // sized as found, before its type's limits (a 64 KB text is "64,000 bytes", not "over 10,000
    // characters"); a conversion never makes a value over the limit (a date from seconds is 26 bytes)
    const foundBytes = (typeof found === "string" && !surelySmall(found)) || Array.isArray(found) ? utf8Length(JSON.stringify(found)) : 0;
    if (foundBytes > MAX_MAPPED_VALUE_BYTES) {
      problems.push(`${entry.path} -> ${entry.attribute}: ${tooBig(foundBytes)}`);
      continue;
    }
    const kind = entry.type ?? kindOf(catalogue, entry.attribute);
    const converted = convert(found, kind);
    if (!converted.ok) {
      problems.push(`${entry.path} -> ${entry.attribute}: ${converted.message}`);
      continue;
    }
    const valueBytes = utf8Length(JSON.stringify(converted.value));
    if (valueBytes > MAX_MAPPED_VALUE_BYTES) {
      problems.push(`${entry.path} -> ${entry.attribute}: ${tooBig(valueBytes)}`);
      continue;
    }
    // the UTF-8 size of `"name":value,` in the user's attributes
    const size = nameBytes + valueBytes + 2;
    if (bytes + size > MAX_MAPPED_BYTES) {
      problems.push(`${entry.path} -> ${entry.attribute}: the values saved from one response are over ${MAX_MAPPED_BYTES / 1024} KiB; not saved`);
      continue;
    }
    bytes += size;
    set[entry.attribute] = converted.value;
  }
  return { set, problems };
}

// a text this short is within MAX_MAPPED_VALUE_BYTES however it is written (a unit is at most 6 bytes
// as JSON: "\u0001"): no need to encode it before it is converted (most ids and scores)
const surelySmall = (text: string) => text.length * 6 + 2 <= MAX_MAPPED_VALUE_BYTES;
const tooBig = (bytes: number) => `the value is ${bytes.toLocaleString("en-US")} bytes; mapped values are at most ${MAX_MAPPED_VALUE_BYTES.toLocaleString("en-US")}; not saved`;

/**
 * A sent request's response read through a mapping (its content type from the response headers): what
 * the delivery engine's send gate and a test send both use.
 */
export function mapSendResult(result: { body?: string | null; headers?: [string, string][] }, mapping: ResponseMapping | null | undefined): MappingResult {
  return applyResponseMapping(result.body, contentTypeOf(result.headers), mapping);
}

function contentTypeOf(headers: [string, string][] | undefined): string | undefined {
  if (!headers) return undefined;
  for (const [name, value] of headers) {
    // Node gives header names in lower case; a sender that does not is still read
    if (name.length === 12 && (name === "content-type" || name.toLowerCase() === "content-type")) return value;
  }
  return undefined;
}

/** Bytes of `text` in UTF-8 (a lone surrogate as U+FFFD), without encoding it. */
function utf8Length(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 2; // a pair: two units, four bytes
      i++;
    } else n += 2;
  }
  return n;
}

// A mapping's entries read once (paths parsed, names sized): a delivery's mapping is the same array
// delivery after delivery (lib/delivery/store/attribute-writes.ts mappingOf)
type CompiledEntry = { entry: ResponseMappingEntry; path: ReturnType<typeof parseMappingPath>; nameBytes: number; builtIn: string | null };
const compiled = new WeakMap<ResponseMapping, CompiledEntry[]>();
function compiledEntries(mapping: ResponseMapping): CompiledEntry[] {
  let entries = compiled.get(mapping);
  if (!entries) {
    entries = mapping.map((entry) => ({ entry, path: parseMappingPath(entry.path), nameBytes: utf8Length(JSON.stringify(entry.attribute)), builtIn: builtInFieldProblem(entry.attribute) }));
    compiled.set(mapping, entries);
  }
  return entries;
}

const MISSING = Symbol("missing");

function valueAt(document: unknown, segments: PathSegment[]): unknown {
  let current = document;
  for (const segment of segments) {
    if (typeof segment === "number") {
      if (!Array.isArray(current) || segment >= current.length) return MISSING;
      current = current[segment];
    } else {
      if (!current || typeof current !== "object" || Array.isArray(current) || !Object.hasOwn(current, segment)) return MISSING;
      current = (current as Record<string, unknown>)[segment];
    }
  }
  return current;
}

type Converted = { ok: true; value: MappedValue } | { ok: false; message: string };

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  const text = JSON.stringify(value);
  // cut by code points: half an emoji is a lone surrogate, which a jsonb column (a test send's result) refuses
  return text.length > 40 ? `${Array.from(text).slice(0, 40).join("")}...` : text;
}

// PostgreSQL's jsonb refuses U+0000 and a lone surrogate ("\u0000", "\ud800" in a response): one such
// value would fail the whole flush's transaction, every delivery result in it with it.
const unstorable = (value: unknown) => (typeof value === "string" ? !isStorableText(value) : Array.isArray(value) && value.some((v) => typeof v === "string" && !isStorableText(v)));

function failed(value: unknown, what: string): Converted {
  return { ok: false, message: `${describe(value)} is not ${what}; not saved` };
}

function convert(value: unknown, kind: MappedKind | undefined): Converted {
  if (value === null) return { ok: false, message: "the value is null; not saved" };
  // 1e999 parses as Infinity, which JSON writes as null: SQLite's merge then deleted the attribute and
  // PostgreSQL stored null (the users API refuses numbers that are not finite, too)
  if (typeof value === "number" && !Number.isFinite(value)) return { ok: false, message: "the number is too large to store (JSON reads it as infinite); not saved" };
  if (unstorable(value)) return { ok: false, message: "the value holds U+0000 or a broken character; not saved" };
  switch (kind) {
    case "number": {
      const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
      return Number.isFinite(n) ? { ok: true, value: n } : failed(value, "a number");
    }
    case "boolean":
      if (typeof value === "boolean") return { ok: true, value };
      if (value === "true" || value === "false") return { ok: true, value: value === "true" };
      return failed(value, "true or false");
    case "date": {
      if (typeof value === "string" && isIsoDateText(value)) return { ok: true, value };
      // Unix seconds, as sub-delivery times read them (lib/delivery/rules.ts)
      if (typeof value === "number" && Number.isFinite(value) && Math.abs(value) < 1e11) return { ok: true, value: storedDateText(value, new Date(value * 1000)) };
      return failed(value, "an ISO date or Unix seconds");
    }
    case "list":
      if (Array.isArray(value) && value.length <= MAX_LIST && value.every((v) => typeof v === "string" && v.length <= MAX_LIST_ITEM)) return { ok: true, value: value as string[] };
      return failed(value, `a list of at most ${MAX_LIST} strings`);
    case "string":
      if (typeof value === "string") return value.length <= MAX_TEXT ? { ok: true, value } : failed(value, `text of at most ${MAX_TEXT} characters`);
      if (typeof value === "number" || typeof value === "boolean") return { ok: true, value: String(value) };
      return failed(value, "text");
    default:
      // a new attribute: keep the JSON type when it is one attributes can hold
      if (typeof value === "number" || typeof value === "boolean") return { ok: true, value };
      if (typeof value === "string") return value.length <= MAX_TEXT ? { ok: true, value } : failed(value, `text of at most ${MAX_TEXT} characters`);
      if (Array.isArray(value)) return convert(value, "list");
      return failed(value, "text, a number, true/false or a list of strings");
  }
}

/** One line for the attempt log: "mapping: ..." (null when nothing went wrong). */
export function mappingNote(result: MappingResult): string | null {
  if (result.problems.length === 0) return null;
  const text = `mapping: ${result.problems.join("; ")}`;
  return text.length > 500 ? `${Array.from(text.slice(0, 497)).filter((c) => isStorableText(c)).join("")}...` : text;
}

/**
 * A mapping's result as the delivery engine carries it from the send to the result's write: the values
 * as the JSON object text the users' UPDATE binds (lib/delivery/store/attribute-writes.ts), their
 * names, that text's UTF-8 size and the attempt's note. Made next to the socket (send-gate.ts), where a
 * sender thread's result then crosses to the engine's thread as a few strings (an object per value
 * cost a structured clone, and a JSON.stringify and the garbage of both on the engine's thread).
 */
export type EncodedMapping = { values: string; saved: string[]; utf8Bytes: number; note: string | null };

export function encodeMapping(result: MappingResult): EncodedMapping {
  const saved = Object.keys(result.set);
  const values = saved.length ? JSON.stringify(result.set) : "{}";
  return { values, saved, utf8Bytes: Buffer.byteLength(values), note: mappingNote(result) };
}
