// Which of a user's attributes a reader sees: a viewer reads the secret-looking ones masked (an
// attribute named accessToken, password, pin, an apiKey inside an object: looksSecretName, the rule the
// delivery log masks a request's fields by), as imports and response mappings store a CRM's tokens
// there; an editor or admin, who manages users (and their webhooks send these values), reads them as
// stored. Pure; the one read of a user (users.ts getUser, listUsers) applies it.
import type { Role } from "../auth/roles";
import { SECRET_MASK } from "../campaigns/limits";
import { looksSecretName } from "../webhooks/credential-parts";
import type { Attributes } from "./users";

/** Whether a viewer reads this attribute's value masked (its name looks secret). */
export const looksSecretAttribute = (name: string) => looksSecretName(name);

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
