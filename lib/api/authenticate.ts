// Who is calling the API: `Authorization: Bearer hk_live_...` and nothing else (no cookies, no
// query parameters, no loopback exception). 401 when missing, unknown or revoked; 403 when the
// key's role is below what the route needs.
import { verifyApiKey } from "../auth/api-keys";
import { roleAllows, type Role } from "../auth/roles";
import { ApiError } from "./errors";
import { API_KEY_CHALLENGE as challenge, missingKeyError } from "./credential";

export type { Role } from "../auth/roles";
export type ApiPrincipal = { kind: "apiKey"; keyId: string; name: string; role: Role };

export async function authenticateRequest(req: Request, required: Role): Promise<ApiPrincipal> {
  const header = req.headers.get("authorization");
  if (!header) throw missingKeyError();
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new ApiError(401, "unauthorized", "The Authorization header must be Bearer followed by an API key", null, challenge);
  const key = await verifyApiKey(match[1]!);
  if (!key) throw new ApiError(401, "unauthorized", "This API key is unknown or has been revoked", null, challenge);
  if (!roleAllows(key.role, required)) {
    throw new ApiError(403, "forbidden", `This API key's role (${key.role}) cannot do this; it needs ${required} or above`);
  }
  return { kind: "apiKey", keyId: key.id, name: key.name, role: key.role };
}

/** How the audit log names an API caller. */
export function actorOf(principal: ApiPrincipal): string {
  return `API key "${principal.name}"`;
}
