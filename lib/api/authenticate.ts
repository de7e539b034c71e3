// Who is calling the API. Until API keys land (issue 5), the API answers loopback callers only.
import { ApiError } from "./errors";

export type Role = "admin" | "editor" | "viewer";
export type ApiPrincipal = { kind: "loopback" } | { kind: "apiKey"; keyId: string; role: Role };

export async function authenticateRequest(req: Request, _required: Role): Promise<ApiPrincipal> {
  const host = new URL(req.url).hostname;
  if (host === "localhost" || host === "127.0.0.1" || host === "[::1]") return { kind: "loopback" };
  throw new ApiError(401, "unauthorized", "The API answers loopback callers only until API keys are configured");
}
