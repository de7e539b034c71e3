// Which of a user's attributes a reader sees: a viewer reads the secret-looking ones masked (an
// attribute named accessToken, password, pin, an apiKey inside an object: looksSecretName, the rule the
// delivery log masks a request's fields by), as imports and response mappings store a CRM's tokens
// there; an editor or admin, who manages users (and their webhooks send these values), reads them as
// stored. Pure; the one read of a user (users.ts getUser, listUsers) applies it, as does a viewer's
// preview (its sample user: sample-context.ts); an audience count tests no guess of such a value.
import type { Role } from "../auth/roles";
import { SECRET_MASK } from "../campaigns/limits";
import { looksSecretName } from "../webhooks/credential-parts";
import type { Segment } from "./segment";
import type { Attributes } from "./users";

/** Whether a viewer reads this attribute's value masked: its name looks secret, or a name on its path (`crm.apiKey`). */
export const looksSecretAttribute = (name: string) => looksSecretName(name) || (name.includes(".") && name.split(".").some(looksSecretName));

/**
 * Whether `reader` may test a guess of this attribute's value (a filter, a condition: pin = 4321 answers
 * yes or no, greater/less/contains narrow a token down): not a viewer, who reads it masked.
 */
export const valueHiddenFrom = (name: string, reader: Role) => reader === "viewer" && looksSecretAttribute(name);

/**
 * A segment as `reader` may test it: a viewer's condition on the value of an attribute they read masked
 * matches as "holds it" (the Users page's filter by such a value does the same: users.ts listUsers),
 * so an audience count answers no guess of it.
 */
export function segmentAsTestedBy<S extends Segment | null>(segment: S, reader: Role): S {
  if (!segment || reader !== "viewer" || !segment.conditions.some((c) => c.operator !== "exists" && valueHiddenFrom(c.key, reader))) return segment;
  return { ...segment, conditions: segment.conditions.map((c) => (c.operator !== "exists" && valueHiddenFrom(c.key, reader) ? { key: c.key, operator: "exists" as const } : c)) };
}

// deeper than this, a value is masked whole (nothing is read that deep to find a name)
const MAX_READ_DEPTH = 64;

/** `attributes` as `reader` may read them: for a viewer, every value under a secret-looking name masked, at any depth. */
export function attributesAsReadBy(attributes: Attributes, reader: Role): Attributes {
  if (reader !== "viewer") return attributes;
  return masked(attributes, false, 0) as Attributes;
}

function masked(value: unknown, secret: boolean, depth: number): unknown {
  if (value === null || value === "" || typeof value === "boolean") return value;
  if (secret || (typeof value === "object" && depth > MAX_READ_DEPTH)) return SECRET_MASK;
  if (Array.isArray(value)) return value.map((v) => masked(v, false, depth + 1));
  if (typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, masked(v, looksSecretName(k), depth + 1)]));
  return value;
}
