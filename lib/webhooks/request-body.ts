// The body of a webhook request from its rendered data fields: JSON (typed values, dotted keys
// building nested objects) or form-encoded (UTF-8, `+` for spaces, keys as written).
import { describePath, pathDeeperThan } from "../api/schemas/json";
import type { DataField, TemplateProblem } from "./types";
import { jsonSyntaxWhere } from "../text/json-syntax";
import { looksSecretName, maskCredentialUrlsIn } from "./credential-parts";

/** How deep a JSON field's value may nest: room for event parameters (64 levels at most) inside the
 * field's own nesting, and far below where JSON.stringify overflows the stack (a few thousand). */
export const MAX_JSON_FIELD_DEPTH = 128;

const clip = (s: string) => (s.length > 40 ? s.slice(0, 40) + "…" : s);

// A problem is stored with the delivery and shown to every reader of the log (viewers too): the rendered
// value is quoted only under a name that says nothing secret, its URLs' credentials masked; under a
// secret name ("password" = "PW{{user.suffix}}") the message says what is wrong without it.
const quoted = (field: DataField, t: string) => (looksSecretName(field.key) ? "The rendered value" : `"${clip(maskCredentialUrlsIn(t))}"`);

/** The value of a JSON field of the given type, from its rendered text; pushes a problem when it does not parse. */
export function typedValue(field: DataField, text: string, at: string, problems: TemplateProblem[]): unknown {
  switch (field.type) {
    case "number": {
      const t = text.trim();
      const n = t === "" ? NaN : Number(t);
      if (!Number.isFinite(n)) problems.push({ field: at, message: `${quoted(field, t)} is not a number` });
      return n;
    }
    case "boolean": {
      const t = text.trim().toLowerCase();
      if (t === "true" || t === "1" || t === "yes") return true;
      if (t === "false" || t === "0" || t === "no" || t === "") return false;
      problems.push({ field: at, message: `${quoted(field, t)} is not true or false` });
      return undefined;
    }
    case "json": {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        // never the engine's message: it quotes the text around the mistake, and a JSON value may hold a
        // secret under any of its keys ({"api_key": "sk_…", "n": {{user.n}} } for a user without n)
        const where = jsonSyntaxWhere(text);
        problems.push({ field: at, message: `The value is not valid JSON after rendering${where ? ` ${where}` : ""}` });
        return undefined;
      }
      const deep = pathDeeperThan(value, MAX_JSON_FIELD_DEPTH);
      if (deep) {
        problems.push({ field: at, message: `The value is nested more than ${MAX_JSON_FIELD_DEPTH} levels deep (at ${describePath(deep)})` });
        return undefined;
      }
      return value;
    }
    default:
      return text;
  }
}

const UNUSABLE_KEYS = new Set(["__proto__", "constructor", "prototype", ""]);

/** Puts a value at a dotted key (address.city -> { address: { city } }), refusing clashes. */
export function setPath(target: Record<string, unknown>, key: string, value: unknown, at: string, problems: TemplateProblem[]) {
  if (!key.includes(".") && !UNUSABLE_KEYS.has(key) && !Object.hasOwn(target, key)) {
    target[key] = value;
    return;
  }
  const parts = key.split(".");
  let cur = target;
  for (let p = 0; p < parts.length; p++) {
    const part = parts[p];
    if (UNUSABLE_KEYS.has(part)) return problems.push({ field: at, message: `"${key}" is not a usable key` });
    if (p === parts.length - 1) {
      if (Object.hasOwn(cur, part)) return problems.push({ field: at, message: `"${key}" is set twice` });
      cur[part] = value;
      return;
    }
    const next = cur[part];
    if (next === undefined) cur = cur[part] = {} as Record<string, unknown>;
    else if (next && typeof next === "object" && !Array.isArray(next)) cur = next as Record<string, unknown>;
    else return problems.push({ field: at, message: `"${key}" conflicts with the field "${parts.slice(0, p + 1).join(".")}"` });
  }
}

const LEGACY_JSON_EXCERPT = /The value is not valid JSON: Unexpected token [\s\S]*? is not valid JSON/g;
const LEGACY_QUOTED_TYPE = /Field "((?:[^"\\]|\\.)*)" value: "[\s\S]*?" is not (a number|true or false)/g;

/**
 * A problem text stored before typedValue stopped quoting values, as it would say it now: V8's JSON
 * excerpt dropped, a secret-named Number or Boolean field's value taken out. Read-time (the delivery log,
 * its export, the test-send history), so a row kept from before shows a viewer no secret either.
 */
export function withoutQuotedSecrets(text: string): string {
  if (!text.includes(" is not ")) return text;
  return text
    .replace(LEGACY_JSON_EXCERPT, "The value is not valid JSON after rendering")
    .replace(LEGACY_QUOTED_TYPE, (all, name: string, type: string) => (looksSecretName(name) ? `Field "${name}" value: The rendered value is not ${type}` : all));
}
