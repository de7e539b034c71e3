// The one wrapper every internal route (the UI's own /api/*: preview, test sends, delivery log,
// audience count, suggestions, imports) goes through, the twin of withApi for /api/v1: the Origin
// (same origin only), the session and its role, application/json bodies of bounded size, zod
// parsing of body, query and path, and one error envelope { error: { code, message, details } }.
// Route files stay thin; a new internal route cannot forget a check.
import { z } from "zod";
import { AccessError, requireMember } from "../auth/guard";
import type { Member } from "../auth/members";
import type { Role } from "../auth/roles";
import { describeSafely, log } from "../log";
import { ApiError, errorResponse, raceErrorToApi, validationError, type InputPart } from "./errors";
import { accessErrorToApi, assertStorableUrl, readJson } from "./with-api";
import { runHeavy } from "./heavy-routes";
import { queryObject } from "../http/query-string";
import { sameOriginRefusal } from "../http/same-origin";
import { fromTrustedProxy } from "../auth/client-address";
import { rateLimiter, type RateLimiter, type RateRule } from "./rate-limit";
import { resetPreviewTime } from "../campaigns/preview-rate";
import { INTERNAL_BODY_LIMIT_BYTES } from "../http/body-limits";

/** Internal bodies are a campaign draft and its sample data at most; the CSV upload streams instead (body-limits.ts). */
export const MAX_INTERNAL_BODY_BYTES = INTERNAL_BODY_LIMIT_BYTES;


type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined;
type InternalCtx<B, Q, P> = { req: Request; body: B; query: Q; params: P; member: Member };

export type InternalOptions<S, Q, P> = {
  /** The least role that may call the route (viewer < editor < admin). */
  role: Role;
  /** The JSON body's schema; without it a body is not read. */
  body?: S;
  /** The query string's schema (values are strings). */
  query?: Q;
  /** The path parameters' schema ({ id } of /api/deliveries/[id]). */
  params?: P;
  /** Content types the handler reads the raw body stream of itself (the CSV upload), instead of JSON. */
  streamTypes?: string[];
  /** The handler scans a whole table (an audience count, an export): a member runs a few at once (MemberQueues). */
  heavy?: boolean;
  /** Requests a member may make to this route: `perSecond` sustained, `burst` at once (rate-limit.ts, per member;
   * `scope` names the limit, the same in every process). */
  rate?: RateRule & { scope: string };
};

const holder = globalThis as unknown as { __hooklineMemberRates?: Set<RateLimiter> };
// the heavy routes' queues (exported here too: the internal routes' tests hold them)
export { heavyQueues } from "./heavy-routes";
const memberRates = () => (holder.__hooklineMemberRates ??= new Set());
/** Forgets what members have spent of every route's `rate` (tests that call a limited route in a loop on purpose). */
export async function resetMemberRates() {
  for (const limiter of memberRates()) await limiter.clear();
  resetPreviewTime();
}

export function withInternal<
  S extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  P extends z.ZodType | undefined = undefined,
>(options: InternalOptions<S, Q, P>, handler: (ctx: InternalCtx<Parsed<S>, Parsed<Q>, Parsed<P>>) => Promise<Response | unknown>) {
  const limiter = options.rate ? rateLimiter(`member:${options.rate.scope}`, options.rate) : null;
  if (limiter) memberRates().add(limiter);
  return async (req: Request, route?: { params?: Promise<Record<string, string>> }): Promise<Response> => {
    try {
      assertSameOrigin(req);
      const member = await requireMember(req.headers, options.role);
      if (limiter) await enforceMemberRate(limiter, member.id);
      const rawParams = (await route?.params) ?? {};
      assertStorableUrl(req, rawParams);
      const params = options.params ? parseWith(options.params, rawParams, "(path)") : undefined;
      const query = options.query ? parseWith(options.query, queryObject(new URL(req.url).searchParams), "(query)") : undefined;
      let body: unknown = undefined;
      if (options.streamTypes) assertStreamType(req, options.streamTypes);
      else if (options.body) body = parseWith(options.body, await readJson(req, MAX_INTERNAL_BODY_BYTES));
      const ctx = { req, body: body as never, query: query as never, params: params as never, member };
      const result = options.heavy ? await runHeavy(member.id, () => handler(ctx)) : await handler(ctx);
      return result instanceof Response ? result : Response.json(result);
    } catch (err) {
      return internalErrorResponse(req, err);
    }
  };
}

async function enforceMemberRate(limiter: RateLimiter, memberId: string) {
  const decision = await limiter.take(memberId);
  if (!decision.ok) {
    // the seconds are Retry-After's alone: the editor's notice says them (once)
    throw new ApiError(429, "rate_limited", "Too many requests at once.", null, { "Retry-After": String(decision.retryAfterSeconds) });
  }
}

/** Same origin only (lib/http/same-origin.ts, the rule server actions go through too). */
function assertSameOrigin(req: Request) {
  const refused = sameOriginRefusal(req.method, req.headers, new URL(req.url).host, fromTrustedProxy(req.headers));
  if (refused) throw new ApiError(403, refused.code, refused.message);
}

function assertStreamType(req: Request, types: string[]) {
  const type = (req.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (!types.includes(type)) throw new ApiError(415, "unsupported_media_type", `Send the file with Content-Type: ${types.join(" or ")}`);
}

function parseWith(schema: z.ZodType, input: unknown, part: InputPart = "(body)") {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error, part);
  return parsed.data;
}

/** An error raised by a lib function that says how long to wait (TestSendRateLimitedError and its kin). */
function retryAfterOf(err: unknown): number | null {
  const seconds = (err as { retryAfterSeconds?: unknown } | null)?.retryAfterSeconds;
  return err instanceof Error && typeof seconds === "number" && Number.isFinite(seconds) ? Math.max(1, Math.ceil(seconds)) : null;
}

/** Any error of an internal route as the envelope: never a stack, never a 500 page. */
export function internalErrorResponse(req: Request, err: unknown): Response {
  if (err instanceof ApiError) return errorResponse(err);
  if (err instanceof AccessError) return errorResponse(accessErrorToApi(err));
  if (err instanceof z.ZodError) return errorResponse(validationError(err));
  const race = raceErrorToApi(err);
  if (race) return errorResponse(race);
  const retryAfter = retryAfterOf(err);
  if (retryAfter !== null) {
    return errorResponse(new ApiError(429, "rate_limited", (err as Error).message, null, { "Retry-After": String(retryAfter) }));
  }
  // The browser gave up on the request (the preview cancels a stale one as the marketer types): nobody reads the answer.
  if (req.signal.aborted || (err as { code?: unknown } | null)?.code === "ECONNRESET") {
    return errorResponse(new ApiError(400, "aborted", "The request was cancelled before its body arrived"));
  }
  log.error("Internal route failed", { path: new URL(req.url).pathname, error: describeSafely(err) });
  return errorResponse(new ApiError(500, "internal_error", "Something went wrong on our side; nothing was half-written."));
}
