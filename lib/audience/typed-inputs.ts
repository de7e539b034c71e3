// Users as written: each attribute of a type (the attribute catalogue's, or the one the CSV import's
// mapping gives it) converted by the one rule (attribute-value.ts), before upsertUsers stores anything.
import type { UserInput } from "../api/schemas/users";
import { attributeCatalogue } from "./attribute-catalogue";
import { typedAttributeValue, typeOf, typesFromCatalogue, type AttributeTypes, type TypedKind } from "./attribute-value";
import { isIsoDateText } from "../date-input";

/** A value that does not read as its attribute's type: `index` is the user's place in the upsert's inputs. */
export type AttributeTypeProblem = { index: number; userId: string; attribute: string; type: TypedKind; problem: string };

/** Refused: these values are not of their attributes' types (nothing was written). */
export class AttributeTypeError extends Error {
  name = "AttributeTypeError";
  constructor(readonly problems: AttributeTypeProblem[]) {
    super(`User ${JSON.stringify(problems[0]!.userId)}: ${problems[0]!.attribute}: ${problems[0]!.problem}`);
  }
}

const MAX_AGE_MS = 30_000;
let cached: { at: number; types: Promise<AttributeTypes>; settled: boolean } | null = null;
/** the newest reading that finished: served while a newer one is read */
let lastRead: AttributeTypes | null = null;

/**
 * The types the attribute catalogue gives attributes (those its users hold as number, boolean or date
 * alone), read again when `maxAgeMs` (30 s) old; a reading in flight is shared whatever its age. Its own
 * reading, not the editors' shared one (catalogue-reading.ts): a write read before it stored would keep
 * the suggestions from seeing what it stored for 30 s. The reading scans every user's attributes, so
 * only the first call waits for it: later ones get the last reading at once while a newer one is read
 * (an attribute's first values are typed up to a reading later), unless `wait` asks for the newer one.
 */
export function catalogueTypes(options: { maxAgeMs?: number; now?: number; wait?: boolean } = {}): Promise<AttributeTypes> {
  const now = options.now ?? Date.now();
  const age = cached ? now - cached.at : Infinity;
  if (!cached || (cached.settled && (age < 0 || age >= (options.maxAgeMs ?? MAX_AGE_MS)))) {
    const types = attributeCatalogue().then(typesFromCatalogue);
    const entry = { at: now, types, settled: false };
    cached = entry;
    types.then(
      (read) => {
        entry.settled = true;
        if (cached === entry) lastRead = read;
      },
      // a failed reading is not kept
      () => {
        entry.settled = true;
        if (cached === entry) cached = null;
      },
    );
  }
  if (lastRead && !options.wait && !cached.settled) return Promise.resolve(lastRead);
  return cached.types;
}

/**
 * `inputs` with each typed attribute's value converted (null, which removes one, stays).
 * - `strict` (the CSV import: the marketer gave the column its type): every typed value converts or the
 *   upsert is refused (AttributeTypeError).
 * - `catalogue` (the users API: the type is the catalogue's reading of what users hold, which nobody
 *   declared): only a date written in another form than ISO-8601 is converted ("06/07/2026", "7 June
 *   2026"), as the import would store it; ISO texts, numbers and other types keep what was sent, and a
 *   value that does not read as a date is stored as sent and listed in `warnings`, never refused.
 */
export function typedInputs(inputs: UserInput[], types: AttributeTypes, mode: "strict" | "catalogue" = "strict"): { inputs: UserInput[]; warnings: AttributeTypeProblem[] } {
  const problems: AttributeTypeProblem[] = [];
  const typed = inputs.map((input, index) => {
    if (!input.attributes) return input;
    let attributes: UserInput["attributes"] | undefined;
    for (const [name, value] of Object.entries(input.attributes)) {
      const type = typeOf(types, name);
      if (!type || value === null) continue;
      if (mode === "catalogue" && (type !== "date" || typeof value !== "string" || isIsoDateText(value))) continue;
      const converted = typedAttributeValue(value, type);
      if (!converted.ok) problems.push({ index, userId: input.userId, attribute: name, type, problem: converted.problem });
      else if (converted.value !== value) (attributes ??= { ...input.attributes })[name] = converted.value;
    }
    return attributes ? { ...input, attributes } : input;
  });
  if (problems.length && mode === "strict") throw new AttributeTypeError(problems);
  return { inputs: typed, warnings: problems };
}
