// The one wrapper every /api/v1 route handler goes through: body size and type checks, JSON
// parsing, zod validation, authentication, the per-key rate limit, and the error envelope. Route
// files stay thin.
import type { z } from "zod";
import { env } from "../env";
import { describeSafely, log } from "../log";
import { AccessError } from "../auth/guard";
import { ApiError, errorResponse, raceErrorToApi, unstorableTextError, validationError, type InputPart } from "./errors";
import { authenticateRequest, type ApiPrincipal, type Role } from "./authenticate";
import { queryObject } from "../http/query-string";
import { rateLimiter, type RateLimiter } from "./rate-limit";
import { apiKeyCaller, runHeavy } from "./heavy-routes";
import { MemberQueueFullError } from "./member-queue";
import { unstorableJson, unstorableText } from "../db/storable-text";
import { describePath, pathDeeperThan } from "./schemas/json";
import { readBodyWithin } from "../http/read-body";
import { API_BODY_LIMIT_BYTES, sizeText } from "../http/body-limits";

const MAX_BODY_BYTES = API_BODY_LIMIT_BYTES;
const MAX_BODY_DEPTH = 64;

type Ctx<B, Q> = { req: Request; body: B; query: Q; params: Record<string, string>; principal: ApiPrincipal };
type Parsed<S> = S extends z.ZodType ? z.infer<S> : undefined;

export function withApi<S extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined>(
  options: {
    body?: S;
    query?: Q;
    role?: Role;
    /** The handler reads a whole table (the results table): a key runs a few at once, as a member does in the app (heavy-routes.ts). */
    heavy?: boolean;
  },
  handler: (ctx: Ctx<Parsed<S>, Parsed<Q>>) => Promise<Response | unknown>,
) {
  return async (req: Request, route?: { params?: Promise<Record<string, string>> }): Promise<Response> => {
    try {
      const principal = await authenticateRequest(req, options.role ?? "viewer");
      await enforceRateLimit(principal.keyId);
      const params = (await route?.params) ?? {};
      assertStorableUrl(req, params);
      let body: unknown = undefined;
      if (options.body) body = parseWith(options.body, await readJson(req));
      const query = options.query ? parseWith(options.query, queryObject(new URL(req.url).searchParams), "(query)") : undefined;
      const ctx = { req, body: body as never, query: query as never, params, principal };
      const result = options.heavy ? await runHeavy(apiKeyCaller(principal.keyId), () => handler(ctx)) : await handler(ctx);
      return result instanceof Response ? result : Response.json(result);
    } catch (err) {
      if (err instanceof ApiError) return errorResponse(err);
      if (err instanceof AccessError) return errorResponse(accessErrorToApi(err));
      if (err instanceof MemberQueueFullError) {
        return errorResponse(new ApiError(429, "rate_limited", err.message, null, { "Retry-After": String(err.retryAfterSeconds) }));
      }
      const race = raceErrorToApi(err);
      if (race) return errorResponse(race);
      log.error("API request failed", { path: new URL(req.url).pathname, error: describeSafely(err) });
      return errorResponse(new ApiError(500, "internal_error", "Something went wrong on our side; nothing was half-written."));
    }
  };
}

/** A role refusal from lib (AccessError) as the envelope: 401/403, the field it names in `details`. */
export function accessErrorToApi(err: AccessError): ApiError {
  return new ApiError(err.status, err.status === 401 ? "unauthorized" : "forbidden", err.message, err.field ? [{ path: err.field, message: err.message }] : null);
}

const holder = globalThis as unknown as { __hooklineApiLimiter?: RateLimiter };

/** The per-key limit, built from the settings on first use (resetRateLimits() after changing them). */
function apiLimiter(): RateLimiter {
  holder.__hooklineApiLimiter ??= rateLimiter("api", { perSecond: env().HOOKLINE_API_RATE_LIMIT, burst: env().HOOKLINE_API_RATE_BURST });
  return holder.__hooklineApiLimiter;
}

/** Forgets what every key spent (in Redis too) and the settings the limit was built from (tests). */
export async function resetRateLimits() {
  await holder.__hooklineApiLimiter?.clear();
  holder.__hooklineApiLimiter = undefined;
}

async function enforceRateLimit(keyId: string) {
  const decision = await apiLimiter().take(keyId);
  if (!decision.ok) {
    throw new ApiError(429, "rate_limited", `Too many requests for this API key; retry in ${decision.retryAfterSeconds} s`, null, {
      "Retry-After": String(decision.retryAfterSeconds),
    });
  }
}

function parseWith(schema: z.ZodType, input: unknown, part: InputPart = "(body)") {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error, part);
  return parsed.data;
}

/**
 * Path parameters and every query parameter, names and values, as a handler would read them: a 400
 * naming the first that holds U+0000 (a URL carries it as %00, and PostgreSQL cannot compare with it;
 * a lone surrogate cannot arrive this way, decoding gives U+FFFD). Shared with withInternal.
 */
export function assertStorableUrl(req: Request, params: Record<string, string | string[]> = {}) {
  for (const [name, value] of [...Object.entries(params), ...new URL(req.url).searchParams]) {
    const bad = unstorableText({ [name]: value });
    if (bad) throw unstorableTextError(bad);
  }
}

/** The body as JSON: application/json only, at most `limit` bytes, no U+0000 or lone surrogate (shared with withInternal). */
export async function readJson(req: Request, limit = MAX_BODY_BYTES): Promise<unknown> {
  const type = req.headers.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(type)) throw new ApiError(415, "unsupported_media_type", "Send JSON with Content-Type: application/json");
  const declared = Number(req.headers.get("content-length") ?? 0);
  if (declared > limit) throw new ApiError(413, "payload_too_large", `The body is over ${sizeText(limit)}`);
  const text = await readLimited(req, limit);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw new ApiError(400, "invalid_json", `The body is not valid JSON: ${(err as Error).message}`);
  }
  // JSON.parse reads any depth, but what comes next recurses (the NUL check, JSON.stringify, the driver):
  // a 100,000-deep body would overflow the stack there and answer 500.
  const deep = pathDeeperThan(body, MAX_BODY_DEPTH);
  if (deep) throw new ApiError(400, "validation_error", `${describePath(deep)}: nested more than ${MAX_BODY_DEPTH} levels deep`, [{ path: describePath(deep), message: "nested too deeply" }]);
  // Neither database takes U+0000 or a lone surrogate alike: refuse them here, on both.
  const bad = unstorableJson(text, body);
  if (bad) throw unstorableTextError(bad);
  return body;
}

/** The body as text, refused with 413 once more than `limit` bytes have been read. */
export async function readLimited(req: Request, limit: number): Promise<string> {
  const bytes = await readBodyWithin(req.body, limit);
  if (!bytes) throw new ApiError(413, "payload_too_large", `The body is over ${sizeText(limit)}`);
  // a body cut short on its way (Next.js's copy for proxy.ts hands a route only what it copied) is not the body sent
  const declared = Number(req.headers.get("content-length") ?? NaN);
  if (Number.isInteger(declared) && bytes.byteLength !== declared) {
    throw new ApiError(400, "validation_error", `The body holds ${bytes.byteLength} bytes, not the ${declared} its Content-Length declares`);
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
}

