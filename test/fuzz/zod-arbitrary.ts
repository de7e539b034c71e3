// fast-check arbitraries driven by the zod schemas the routes validate with: the schema's JSON
// Schema (z.toJSONSchema, input side) becomes a generator of valid-ish values, and `hostile`
// mixes in near misses (one node swapped for a nasty value, a key dropped or added, deep nesting).
import fc from "fast-check";
import { z } from "zod";

type Json = Record<string, unknown>;

export const nastyString = fc.oneof(
  fc.constantFrom("__proto__", "constructor", "prototype", "", " ", "a".repeat(5000), "toString", "$where", "a.b", "💥", "\u0000", "\ud800", "\u202e", "\x01\x7f", "{{@root}}", "{{#each}}", "Mars/Base", "../../etc/passwd", "javascript:alert(1)", "http://[::1", "%E0%A4%A"),
  fc.string({ maxLength: 30 }),
  fc.string({ unit: "binary", maxLength: 30 }),
);
const deep = fc.integer({ min: 50, max: 400 }).map((n) => {
  let v: unknown = 1;
  for (let i = 0; i < n; i++) v = i % 2 ? [v] : { a: v };
  return v;
});
export const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  nastyString,
  fc.constantFrom(null, true, false, 0, -1, 1e20, -1e20, 1.5, Number.MAX_SAFE_INTEGER + 2, {}, [], [null], { not: "zzz" }, { in: [] }),
  fc.double(),
  fc.jsonValue({ maxDepth: 2 }),
  deep,
);

/** The JSON Schema of a zod schema as the request's sender sees it (before transforms). */
export function jsonSchemaOf(schema: z.ZodType): Json {
  return z.toJSONSchema(schema, { io: "input", unrepresentable: "any", target: "draft-2020-12" }) as Json;
}

/** Valid-ish values of a JSON Schema: respects types, enums, required keys and (capped) lengths. */
export function arbitraryOf(schema: Json, root: Json = schema, depth = 0): fc.Arbitrary<unknown> {
  if (depth > 6) return fc.constant(null);
  const next = (s: unknown) => arbitraryOf((s ?? {}) as Json, root, depth + 1);
  if (typeof schema.$ref === "string") {
    const ref = schema.$ref === "#" ? root : (((root.$defs ?? root.definitions) as Json | undefined)?.[schema.$ref.split("/").pop()!] as Json | undefined);
    return ref ? arbitraryOf(ref, root, depth + 1) : fc.jsonValue({ maxDepth: 1 });
  }
  if ("const" in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  for (const key of ["anyOf", "oneOf"] as const) {
    if (Array.isArray(schema[key]) && (schema[key] as unknown[]).length) return fc.oneof(...(schema[key] as unknown[]).map(next));
  }
  if (Array.isArray(schema.allOf) && schema.allOf.length) return next(schema.allOf[0]);
  const type = schema.type;
  if (Array.isArray(type)) return fc.oneof(...type.map((t) => arbitraryOf({ ...schema, type: t }, root, depth + 1)));
  switch (type) {
    case "object": {
      const props = (schema.properties ?? {}) as Json;
      const required = new Set((schema.required ?? []) as string[]);
      const keys = Object.keys(props);
      const record = keys.length ? fc.record(Object.fromEntries(keys.map((k) => [k, next(props[k])])), { requiredKeys: keys.filter((k) => required.has(k)) }) : fc.constant({});
      const extra = schema.additionalProperties;
      if (extra && typeof extra === "object") {
        return fc.tuple(record, fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), next(extra), { maxKeys: 4 })).map(([r, d]) => ({ ...d, ...r }));
      }
      return record;
    }
    case "array": {
      if (Array.isArray(schema.prefixItems)) return fc.tuple(...(schema.prefixItems as unknown[]).map(next));
      const max = Math.min(Number(schema.maxItems ?? 4), 4);
      return fc.array(next(schema.items), { minLength: Math.min(Number(schema.minItems ?? 0), max), maxLength: max });
    }
    case "string": {
      if (schema.format === "date-time") return fc.date({ min: new Date("2000-01-01"), max: new Date("2100-01-01"), noInvalidDate: true }).map((d) => d.toISOString());
      if (schema.format === "email") return fc.emailAddress();
      if (schema.format === "uri" || schema.format === "url") return fc.webUrl();
      const min = Number(schema.minLength ?? 0);
      return fc.string({ minLength: Math.min(min, 40), maxLength: Math.max(Math.min(Number(schema.maxLength ?? 40), 40), Math.min(min, 40)) });
    }
    case "integer":
      return fc.integer({ min: Math.max(Number(schema.minimum ?? -1000), -1e6), max: Math.min(Number(schema.maximum ?? 1000), 1e6) });
    case "number":
      return fc.double({ min: Math.max(Number(schema.minimum ?? -1e6), -1e9), max: Math.min(Number(schema.maximum ?? 1e6), 1e9), noNaN: true });
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** Replaces the n-th node (pre-order) of a value with `replacement`, or deletes that key when `drop`. */
function mutate(value: unknown, n: number, replacement: unknown, drop: boolean): unknown {
  let i = 0;
  const walk = (v: unknown): unknown => {
    if (i++ === n) return replacement;
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, child] of Object.entries(v)) {
        if (drop && i === n) {
          i++;
          continue;
        }
        out[k] = walk(child);
      }
      return out;
    }
    return v;
  };
  return walk(value);
}

/** Values of a zod schema, mostly valid-ish, often hostile near misses, sometimes anything at all. */
export function hostile(schema: z.ZodType): fc.Arbitrary<unknown> {
  const json = jsonSchemaOf(schema);
  const valid = arbitraryOf(json);
  return fc.oneof(
    { weight: 4, arbitrary: valid },
    { weight: 4, arbitrary: fc.tuple(valid, fc.nat({ max: 40 }), nastyValue, fc.boolean()).map(([v, n, r, drop]) => mutate(v, n, r, drop)) },
    { weight: 1, arbitrary: fc.tuple(valid, fc.dictionary(nastyString, nastyValue, { maxKeys: 3 })).map(([v, x]) => (v && typeof v === "object" && !Array.isArray(v) ? { ...x, ...v } : x)) },
    { weight: 1, arbitrary: nastyValue },
  );
}
