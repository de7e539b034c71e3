// Whether a request to the API carries a credential at all, and the 401 when it does not: read by withApi
// (authenticate.ts) and, before the body is read, by the HTTP server (lib/http/body-guard.ts), so a caller
// with no key is answered the same either way. Imports nothing heavy: the server's hook loads it.
import { ApiError } from "./errors";

export const API_KEY_CHALLENGE = { "WWW-Authenticate": 'Bearer realm="hookline"' };

/** The /api/v1 routes anyone may call without a key (the rest are withApi's). */
export const KEY_FREE_API_PATHS: ReadonlySet<string> = new Set(["/api/v1/openapi.json"]);

export function missingKeyError(): ApiError {
  return new ApiError(401, "unauthorized", "Send an API key as Authorization: Bearer hk_live_...", null, API_KEY_CHALLENGE);
}
