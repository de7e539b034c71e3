// How CSV columns become users: each column maps to the user id, email, time zone, an attribute
// of a given type, or nothing. Pure: one row in, one user (or the reason it is refused) out.
import { z } from "zod";
import { attributeNameProblem, attributesSizeProblem, userEmailSchema, type AttributeValue, type UserInput } from "../../api/schemas/users";
import { canonicalTimezone, isValidTimezone, timezoneHint } from "../../time-zone";
import { isStorableText } from "../../db/storable-text";
import { parseDateInput } from "../../date-input";
import { typedAttributeValue, type AttributeTypes, type TypedKind } from "../attribute-value";
import { kindOf } from "../attribute-kind";
import type { Delimiter } from "./detect";
import { columnCountReason, columnName } from "./row-problems";

const ATTRIBUTE_TYPES = ["string", "number", "boolean", "date", "list"] as const;
export type AttributeType = (typeof ATTRIBUTE_TYPES)[number];

const columnMappingSchema = z.discriminatedUnion("target", [
  z.object({ target: z.literal("skip") }),
  z.object({ target: z.literal("userId") }),
  z.object({ target: z.literal("email") }),
  z.object({ target: z.literal("timezone") }),
  z.object({
    target: z.literal("attribute"),
    name: z.string().superRefine((name, ctx) => {
      const problem = attributeNameProblem(name);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
    type: z.enum(ATTRIBUTE_TYPES),
  }),
]);
export type ColumnMapping = z.infer<typeof columnMappingSchema>;

export const mappingSchema = z
  .array(columnMappingSchema)
  .superRefine((columns, ctx) => {
    const ids = columns.filter((c) => c.target === "userId").length;
    if (ids !== 1) ctx.addIssue({ code: "custom", message: ids ? "Map only one column to the user id" : "Map one column to the user id" });
    for (const target of ["email", "timezone"] as const) {
      if (columns.filter((c) => c.target === target).length > 1) ctx.addIssue({ code: "custom", message: `Map only one column to ${target}` });
    }
    const names = new Set<string>();
    columns.forEach((c, i) => {
      if (c.target !== "attribute") return;
      if (names.has(c.name)) ctx.addIssue({ code: "custom", path: [i, "name"], message: `Two columns are both mapped to the attribute "${c.name}"` });
      names.add(c.name);
    });
  });

export type RowResult = { ok: true; user: UserInput } | { ok: false; reason: string };

/** A cell as its column's type: number, boolean and date by the users' one rule (attribute-value.ts), text and lists as CSV writes them. */
function convert(value: string, type: AttributeType): AttributeValue | { error: string } {
  switch (type) {
    case "string":
      return value.length > 10_000 ? { error: "is over 10,000 characters" } : value;
    case "list":
      return value.split("|").map((s) => s.trim()).filter(Boolean);
    default: {
      const typed = typedAttributeValue(value, type);
      if (typed.ok) return typed.value;
      return { error: type === "number" && typed.problem.endsWith("starts with a zero") ? `${typed.problem}: import the column as string to keep it as written` : typed.problem };
    }
  }
}

/** The types the mapping gives attributes (number, boolean, date), as upsertUsers is told them: a column's type, not the catalogue's. */
export function mappedTypes(mapping: readonly ColumnMapping[]): AttributeTypes {
  const types: Record<string, TypedKind> = Object.create(null);
  for (const column of mapping) {
    if (column.target === "attribute" && column.type !== "string" && column.type !== "list") types[column.name] = column.type;
  }
  return types;
}

function clip(s: string) {
  return s.length > 40 ? s.slice(0, 40) + "…" : s;
}

/**
 * One CSV row as a user; empty cells leave an attribute out (an import never removes one). `file`: the
 * header's names and the delimiter, for a reason naming a column as the file does (row-problems.ts).
 */
export function rowToUser(cells: string[], mapping: ColumnMapping[], file: { headers: readonly string[]; delimiter: Delimiter } = { headers: mapping.map(() => ""), delimiter: "," }): RowResult {
  if (cells.length !== mapping.length) return { ok: false, reason: columnCountReason(cells.length, file.headers, file.delimiter) };
  // the upload's first 2 MB are checked for binary data; a NUL byte past them reaches a cell
  const unstorable = cells.findIndex((cell, i) => mapping[i]!.target !== "skip" && !isStorableText(cell));
  if (unstorable >= 0) {
    const column = columnName(file.headers, unstorable);
    return { ok: false, reason: `${column[0]!.toUpperCase()}${column.slice(1)} holds the NUL character (U+0000), which cannot be stored` };
  }
  const user: UserInput = { userId: "" };
  const attributes: Record<string, AttributeValue> = {};
  // every cell's problem, so a row is fixed in one go
  const problems: string[] = [];
  for (const [i, column] of mapping.entries()) {
    const raw = cells[i] ?? "";
    const value = raw.trim();
    switch (column.target) {
      case "skip":
        break;
      case "userId":
        if (!value) problems.push("The user id is empty");
        else if (value.length > 200) problems.push("The user id is over 200 characters");
        else user.userId = value;
        break;
      case "email":
        if (value && !userEmailSchema.safeParse(value).success) problems.push(`"${clip(value)}" is not a valid email address`);
        else if (value) user.email = value;
        break;
      case "timezone":
        if (value && !isValidTimezone(value)) problems.push(`timezone: "${clip(value)}" is not an IANA time zone (${timezoneHint(value)})`);
        else if (value) user.timezone = canonicalTimezone(value);
        break;
      case "attribute": {
        if (value === "") break;
        const converted = convert(column.type === "string" ? raw : value, column.type);
        if (converted && typeof converted === "object" && "error" in converted) problems.push(`${column.name}: ${converted.error}`);
        else attributes[column.name] = converted as AttributeValue;
      }
    }
  }
  if (problems.length) return { ok: false, reason: problems.join("; ") };
  const tooLarge = attributesSizeProblem(attributes);
  if (tooLarge) return { ok: false, reason: tooLarge };
  if (Object.keys(attributes).length) user.attributes = attributes;
  return { ok: true, user };
}

// what a column's first rows must all look like for its attribute to be guessed of a type: plain
// decimals without a leading zero or a long digit run (zip codes, card and phone numbers stay text),
// true/false (1/0 and yes/no are as often codes), ISO dates (03/01/2026 reads two ways)
const NUMBER_CELL = /^-?(?:0|[1-9]\d{0,14})(?:\.\d{1,10})?$/;
const BOOLEAN_CELL = /^(?:true|false)$/i;
const DATE_CELL = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** The type an attribute column's non-empty sample cells all read as (string when none, or when they differ). */
function guessType(cells: string[]): AttributeType {
  const values = cells.map((c) => c.trim()).filter(Boolean);
  if (values.length === 0) return "string";
  if (values.every((v) => NUMBER_CELL.test(v))) return "number";
  if (values.every((v) => BOOLEAN_CELL.test(v))) return "boolean";
  if (values.every((v) => DATE_CELL.test(v) && parseDateInput(v) !== null)) return "date";
  return "string";
}

const LOOKS_LIKE: Record<"number" | "boolean" | "date", { test: (v: string) => boolean; plural: string }> = {
  number: { test: (v) => NUMBER_CELL.test(v), plural: "numbers" },
  boolean: { test: (v) => BOOLEAN_CELL.test(v), plural: "true or false" },
  date: { test: (v) => DATE_CELL.test(v) && parseDateInput(v) !== null, plural: "ISO dates" },
};

/**
 * What the import will do to a column's first values (`cells`, the upload's sample) that do not fit the
 * type chosen for it, in one sentence for the mapping row (null when they all fit):
 * - a type other than text: how many of them will be refused, and the first one ("03/11/2026" is not a
 *   number); the rows are refused, not imported wrong;
 * - a date column all read, one of whose slash dates reads two ways (06/07/2026): that it is read month first;
 * - text, where most values read as another type (the first guess typed it as text because one did not):
 *   that one, and what it would become as that type (a date written 03/11/2026 reads month first), so
 *   the choice is the marketer's, not a silent fallback;
 * - text holding ISO dates: kept as written, they still count as dates (kindOf, the catalogue's rule).
 */
export function columnTypeNote(cells: string[], type: AttributeType): string | null {
  const values = cells.map((c) => c.trim()).filter(Boolean);
  if (values.length === 0 || type === "list") return null;
  const quoted = (v: string) => `"${clip(v)}"`;
  if (type !== "string") {
    const refused = values.filter((v) => isConversionError(convert(v, type)));
    if (!refused.length) return type === "date" ? monthFirstNote(values) : null;
    const one = refused.length === 1;
    return `${refused.length} of the first ${values.length} values ${one ? "does" : "do"} not read as ${type === "boolean" ? "true or false" : `a ${type}`} (${quoted(refused[0]!)}): ${one ? "its row" : "their rows"} will be refused. Choose string to keep ${one ? "it" : "them"} as written.`;
  }
  const isoDates = isoDatesNote(cells, values.length);
  if (isoDates) return isoDates;
  for (const other of ["number", "boolean", "date"] as const) {
    const misfits = values.filter((v) => !LOOKS_LIKE[other].test(v));
    const fitting = values.length - misfits.length;
    if (!misfits.length || fitting < 2 || fitting <= misfits.length) continue;
    const first = misfits[0]!;
    const converted = convert(first, other);
    const as = isConversionError(converted) ? "its row would be refused" : `it would be stored as ${typeof converted === "string" && other === "date" ? converted.slice(0, 10) : JSON.stringify(converted)}`;
    return `${fitting} of the first ${values.length} values are ${LOOKS_LIKE[other].plural}; ${quoted(first)} is not, so the column is kept as text. As ${other}, ${as}.`;
  }
  return null;
}

// a slash date whose first two numbers could each be the month (06/07/2026, not 06/06/2026 or 12/25/2026)
const EITHER_WAY = /^(0?[1-9]|1[0-2])\/(0?[1-9]|1[0-2])\/\d{4}/;

/** A date column holding a slash date that reads two ways: which way it is read (attribute-value.ts: month first), before a day-first file is imported a month off. */
function monthFirstNote(values: string[]): string | null {
  const first = values.find((v) => {
    const m = EITHER_WAY.exec(v);
    return m && Number(m[1]) !== Number(m[2]);
  });
  if (first === undefined) return null;
  const stored = String(convert(first, "date")).slice(0, 10);
  return `"${clip(first)}" is read month first, as ${stored}: a slash date is month/day/year. If the file writes the day first, write its dates as ISO (yyyy-mm-dd) or choose string.`;
}

/** A text column's values as stored (each as written) that read as dates by the catalogue's rule (kindOf): what they are, not "text". */
function isoDatesNote(cells: string[], counted: number): string | null {
  const stored = cells.filter((c) => c.trim() !== "");
  const dates = stored.filter((c) => kindOf(c) === "date").length;
  if (!dates) return null;
  const first = stored.find((c) => kindOf(c) !== "date")?.trim();
  const one = dates === 1;
  const head = `${dates} of the first ${counted} values ${one ? "is an ISO date" : "are ISO dates"}${first === undefined ? "" : `; "${clip(first)}" is not`}`;
  const kept = `As text, each value is kept as written, and ${one ? "that ISO date still counts as a date" : "the ISO dates still count as dates"} (the attribute catalogue will list ${one ? "it" : "them"} as date)`;
  if (first === undefined || dates < 2 || dates <= stored.length - dates) return `${head}. ${kept}.`;
  const converted = convert(first, "date");
  const as = isConversionError(converted) ? "its row would be refused" : `it would be stored as ${String(converted).slice(0, 10)}`;
  return `${head}. ${kept}. As date, ${as}.`;
}

const isConversionError = (c: AttributeValue | { error: string }): c is { error: string } => !!c && typeof c === "object" && !Array.isArray(c) && "error" in c;

/** An attribute already on users (the attribute catalogue's entry), as the guess reads it. */
export type KnownAttribute = { name: string; types: readonly AttributeType[]; users?: number };

// how a header and an attribute name are compared: "First_Name", "first name" and "firstName" are one
const looseKey = (name: string) => name.trim().toLowerCase().replace(/[\s_-]/g, "");

/** The catalogue attribute a column named `header` most likely fills: the exact name, else the loosely equal one most users have. */
function knownAttributeFor(header: string, known: readonly KnownAttribute[], taken: Set<string>): KnownAttribute | undefined {
  const key = looseKey(header);
  const candidates = known.filter((a) => looseKey(a.name) === key && !taken.has(`a:${a.name}`) && !attributeNameProblem(a.name));
  return candidates.find((a) => a.name === header.trim()) ?? candidates.sort((a, b) => (b.users ?? 0) - (a.users ?? 0))[0];
}

/**
 * The type a column filling a known attribute gets: the catalogue's when it has one; when it has several,
 * the cells' if it is one of them, else text if that is one, else the cells' own (the first of several
 * types, alphabetical, read number cells as dates and refused every row).
 */
function knownType(attribute: KnownAttribute, cells: string[]): AttributeType {
  const guessed = guessType(cells);
  if (attribute.types.length === 1) return attribute.types[0]!;
  if (attribute.types.includes(guessed)) return guessed;
  return attribute.types.includes("string") ? "string" : guessed;
}

/**
 * A first guess at the mapping from the header names, each attribute typed by its cells in the first
 * rows (`sample`). A column named like an attribute users already have (`known`, the attribute
 * catalogue) fills that attribute with its type: an import of "first name" next to a catalogue's
 * firstName would otherwise make a second attribute that {{user.firstName}} never reads.
 */
export function guessMapping(headers: string[], sample: string[][] = [], known: readonly KnownAttribute[] = []): ColumnMapping[] {
  const seen = new Set<string>();
  return headers.map((h, i): ColumnMapping => {
    const key = looseKey(h);
    const cells = () => sample.map((row) => row[i] ?? "");
    let mapping: ColumnMapping;
    let attribute: KnownAttribute | undefined;
    if (["userid", "id", "user", "externalid"].includes(key) && !seen.has("userId")) mapping = { target: "userId" };
    else if (["email", "emailaddress", "mail"].includes(key) && !seen.has("email")) mapping = { target: "email" };
    else if (["timezone", "tz", "zone"].includes(key) && !seen.has("timezone")) mapping = { target: "timezone" };
    else if ((attribute = knownAttributeFor(h, known, seen))) mapping = { target: "attribute", name: attribute.name, type: knownType(attribute, cells()) };
    else if (!attributeNameProblem(h.trim()) && !seen.has(`a:${h.trim()}`)) mapping = { target: "attribute", name: h.trim(), type: guessType(cells()) };
    else mapping = { target: "skip" };
    seen.add(mapping.target === "attribute" ? `a:${mapping.name}` : mapping.target);
    return mapping;
  });
}
