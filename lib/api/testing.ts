// For route tests: an API key of a given role, as the headers a client would send.
import { beforeAll } from "vitest";
import { createSystemApiKey } from "../auth/api-keys";
import type { Role } from "../auth/roles";

const cache = new Map<Role, string>();

/** `{ authorization: "Bearer hk_live_..." }` for a key of `role`, created once per test file. */
export async function apiKeyHeaders(role: Role = "admin"): Promise<Record<string, string>> {
  let key = cache.get(role);
  if (!key) {
    key = (await createSystemApiKey({ name: `test ${role}`, role })).key;
    cache.set(role, key);
  }
  return { authorization: `Bearer ${key}` };
}

/** A request to /api/v1`path` with an API key's headers, and a JSON body when one is given. */
export function apiRequest(method: string, path: string, key: Record<string, string>, body?: unknown): Request {
  return new Request(`http://127.0.0.1/api/v1${path}`, {
    method,
    headers: { ...key, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/**
 * For a test file: a key of each of `roles`, made in the file's beforeAll, and a request to /api/v1 as
 * each (`const as = apiRequestsAs("admin", "viewer")`, then `as.viewer("GET", \`/campaigns/${id}\`)`).
 */
export function apiRequestsAs<R extends Role>(...roles: R[]): Record<R, (method: string, path: string, body?: unknown) => Request> {
  const keys = new Map<Role, Record<string, string>>();
  beforeAll(async () => {
    for (const role of roles) keys.set(role, await apiKeyHeaders(role));
  });
  const as = {} as Record<R, (method: string, path: string, body?: unknown) => Request>;
  for (const role of roles) {
    as[role] = (method, path, body) => {
      const key = keys.get(role);
      if (!key) throw new Error(`apiRequestsAs: no ${role} key yet (a request made before the file's beforeAll ran)`);
      return apiRequest(method, path, key, body);
    };
  }
  return as;
}

/** A route handler's second argument for the path parameter `id`. */
export const routeParams = (id: string) => ({ params: Promise.resolve({ id }) });
