// For route tests: an API key of a given role, as the headers a client would send.
import { createApiKey } from "../auth/api-keys";
import type { Role } from "../auth/roles";

const cache = new Map<Role, string>();

/** `{ authorization: "Bearer hk_live_..." }` for a key of `role`, created once per test file. */
export async function apiKeyHeaders(role: Role = "admin"): Promise<Record<string, string>> {
  let key = cache.get(role);
  if (!key) {
    key = (await createApiKey({ name: `test ${role}`, role })).key;
    cache.set(role, key);
  }
  return { authorization: `Bearer ${key}` };
}
