// What /api/auth/* does around better-auth's handler: it sees forwarded headers only from a trusted
// proxy (and the client address client-address.ts resolved), no body holding text neither database
// can store, and no JSON body it answers carries a session token (the httpOnly cookie is the session;
// a token in a body is one script away from theft).
import { ApiError, errorResponse, unstorableTextError } from "../api/errors";
import { readLimited } from "../api/with-api";
import { unstorableJson, unstorableText, type UnstorableText } from "../db/storable-text";
import { authRequestHeaders } from "./client-address";
import { auth } from "./better-auth";
import { AUTH_BODY_LIMIT_BYTES } from "../http/body-limits";

function withoutTokens(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutTokens);
  if (!value || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => key !== "token").map(([key, v]) => [key, withoutTokens(v)]));
}

/** The response with every `token` field removed from its JSON body (status and headers kept). */
async function withoutSessionTokens(response: Response): Promise<Response> {
  if (!/\bjson\b/i.test(response.headers.get("content-type") ?? "")) return response;
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return new Response(text, { status: response.status, statusText: response.statusText, headers: response.headers });
  }
  const headers = new Headers(response.headers);
  headers.delete("content-length");
  return new Response(JSON.stringify(withoutTokens(body)), { status: response.status, statusText: response.statusText, headers });
}

/**
 * The first text in the body that neither database can store, in the two kinds better-auth's endpoints
 * read (JSON, and form-encoded for sign-in): better-auth would look the email up or write the name
 * with it, and answer 500. Anything else better-auth refuses itself (415, or 400 for broken JSON).
 */
function unstorableBody(contentType: string, text: string): UnstorableText | null {
  if (/^application\/([a-z0-9.+-]*\+)?json/i.test(contentType)) {
    try {
      return unstorableJson(text, JSON.parse(text));
    } catch {
      return null;
    }
  }
  if (/^application\/x-www-form-urlencoded/i.test(contentType)) return unstorableText(Object.fromEntries(new URLSearchParams(text)));
  return null;
}

const MAX_AUTH_BODY_BYTES = AUTH_BODY_LIMIT_BYTES;

/** Handles one /api/auth/* request. */
export async function handleAuthRequest(request: Request): Promise<Response> {
  const headers = authRequestHeaders(request.headers);
  const hasBody = request.method !== "GET" && request.method !== "HEAD";
  let body: string | undefined;
  try {
    // a sign-in or profile body is a few hundred bytes: none is read, decoded and parsed past 64 KB
    if (hasBody && Number(request.headers.get("content-length") ?? 0) > MAX_AUTH_BODY_BYTES) throw new ApiError(413, "payload_too_large", "The body is over 64 KB");
    body = hasBody ? await readLimited(request, MAX_AUTH_BODY_BYTES) : undefined;
  } catch (err) {
    if (err instanceof ApiError) return errorResponse(err);
    throw err;
  }
  const bad = body ? unstorableBody(request.headers.get("content-type") ?? "", body) : null;
  if (bad) return errorResponse(unstorableTextError(bad));
  const forwarded = new Request(request.url, {
    method: request.method,
    headers,
    body,
    signal: request.signal,
  });
  return withoutSessionTokens(await auth().handler(forwarded));
}
