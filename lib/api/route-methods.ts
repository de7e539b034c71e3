// The methods each /api/v1 route and each internal /api route has, for proxy.ts (and, for the methods
// Next cannot take, lib/api/unsendable-methods.ts) to answer a method a route does not have with a
// 405 in the API's envelope (Next's own 405 has an empty body, and a method it does not know an empty
// 400), and a path under /api no route has with a 404 in it (Next's is its HTML page). A plain table rather than the catalogue itself: lib/api/catalog.ts pulls in the zod schemas
// and, through them, Prisma (~6 MB bundled) into the proxy that runs before every request.
// route-methods.test.ts proves the tables equal the catalogue and the methods the route files
// export, so a new route cannot miss them.
import { ApiError } from "./errors";

export type ApiMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export const API_ROUTE_METHODS: Record<string, readonly ApiMethod[]> = {
  "/api/v1/users": ["GET", "POST"],
  "/api/v1/users/{userId}": ["GET", "DELETE"],
  "/api/v1/events": ["POST"],
  "/api/v1/campaigns": ["GET", "POST"],
  "/api/v1/campaigns/{id}": ["GET", "PUT", "DELETE"],
  "/api/v1/campaigns/{id}/actions/{actionId}": ["DELETE"],
  "/api/v1/campaigns/{id}/actions/{actionId}/signing-secret": ["POST", "DELETE"],
  "/api/v1/campaigns/{id}/delivery": ["GET", "PUT"],
  "/api/v1/campaigns/{id}/activate": ["POST"],
  "/api/v1/campaigns/{id}/pause": ["POST"],
  "/api/v1/campaigns/{id}/resume": ["POST"],
  "/api/v1/campaigns/{id}/results": ["GET"],
  "/api/v1/campaigns/{id}/deliveries": ["GET"],
  "/api/v1/campaigns/{id}/retry-failed": ["POST"],
  "/api/v1/campaigns/{id}/cancel-scheduled": ["POST"],
  "/api/v1/deliveries/{id}": ["GET"],
  "/api/v1/deliveries/{id}/retry": ["POST"],
  "/api/v1/templates": ["GET", "POST"],
  "/api/v1/templates/{id}": ["GET", "PATCH", "DELETE"],
  // The document itself, the one route the catalogue does not describe.
  "/api/v1/openapi.json": ["GET"],
};

/** The internal routes (withInternal; better-auth's and the health check too): `{...name}` is one or more segments. */
export const INTERNAL_ROUTE_METHODS: Record<string, readonly ApiMethod[]> = {
  "/api/audience/count": ["POST"],
  "/api/auth/{...all}": ["GET", "POST"],
  "/api/campaigns/{id}/outcomes": ["GET"],
  "/api/campaigns/{id}/results": ["GET"],
  "/api/deliveries": ["GET"],
  "/api/deliveries/{id}": ["GET"],
  "/api/deliveries/export": ["GET"],
  "/api/destination-templates": ["GET"],
  "/api/health": ["GET"],
  "/api/imports": ["POST"],
  "/api/imports/{id}": ["GET", "POST"],
  "/api/imports/{id}/rejected": ["GET"],
  "/api/outcomes": ["GET"],
  "/api/preview": ["POST"],
  "/api/template-suggestions": ["GET"],
  "/api/test-sends": ["GET", "POST"],
};

// A segment: its literal text, PARAM for one segment, REST for one or more.
const PARAM = 1;
const REST = 2;
type Compiled = { segments: (string | typeof PARAM | typeof REST)[]; allow: string };

// Literal segments before parameters, leftmost first, as Next matches (/x/new before /x/{id}).
const compiled: Compiled[] = Object.entries({ ...API_ROUTE_METHODS, ...INTERNAL_ROUTE_METHODS })
  .map(([path, methods]) => ({ segments: path.split("/").map((s) => (s.startsWith("{...") ? REST : s.startsWith("{") ? PARAM : s)), allow: allowHeader(methods) }))
  .sort((a, b) => shape(a).localeCompare(shape(b)));

function shape(route: Compiled) {
  return route.segments.map((s) => (typeof s === "string" ? "0" : String(s))).join("");
}

function matches(route: Compiled, parts: string[]): boolean {
  const rest = route.segments.at(-1) === REST;
  if (rest ? parts.length < route.segments.length : parts.length !== route.segments.length) return false;
  return route.segments.every((s, i) => (typeof s === "string" ? s === parts[i] : parts[i] !== ""));
}

/**
 * What Next itself answers OPTIONS with for a route exporting `methods` (sorted, with OPTIONS, and
 * HEAD when there is a GET): the same list a 405 carries in Allow.
 */
export function allowHeader(methods: readonly string[]): string {
  const allow = new Set([...methods, "OPTIONS"]);
  if (allow.has("GET")) allow.add("HEAD");
  return [...allow].sort().join(", ");
}

/** The Allow list of the /api/v1 or internal route at `pathname`, or null when no route in the tables has that path. */
export function allowedMethods(pathname: string): string | null {
  const parts = pathname.split("/");
  return compiled.find((r) => matches(r, parts))?.allow ?? null;
}

/**
 * A 405 for `method` on an existing /api/v1 or internal route that does not have it; null when the
 * route has it (HEAD with a GET and OPTIONS as Next implements them) or no route has that path.
 */
export function methodNotAllowed(method: string, pathname: string): ApiError | null {
  const allow = allowedMethods(pathname);
  if (allow === null || allow.split(", ").includes(method)) return null;
  return new ApiError(405, "method_not_allowed", `${method} is not allowed on ${pathname}; it allows ${allow}`, null, { Allow: allow });
}

/** Whether `pathname` is the public API's: /api/v1 itself or below it (not /api/v1x). */
export function isApiPath(pathname: string): boolean {
  return pathname === "/api/v1" || pathname.startsWith("/api/v1/");
}

/** The API's 404 for a path under /api/v1 that no route has (/api/v1 itself included), whatever the method. */
export function unknownApiRoute(method: string, pathname: string): ApiError {
  return new ApiError(404, "not_found", `No API route ${method} ${pathname}; the routes are listed in /api/v1/openapi.json`);
}

/** The internal routes' 404 for a path under /api (outside /api/v1, /api itself included) that no route has, whatever the method. */
export function unknownInternalRoute(method: string, pathname: string): ApiError {
  return new ApiError(404, "not_found", `No route ${method} ${pathname}`);
}

/**
 * What a request is answered before its API key or session is looked at: under /api the 404 of a
 * path no route has (the API's under /api/v1, the internal routes' elsewhere); on any route of the
 * tables the 405 of a method it does not have; else null (pages, and the methods a route has).
 */
export function refuseBeforeKey(method: string, pathname: string): ApiError | null {
  if ((pathname === "/api" || pathname.startsWith("/api/")) && allowedMethods(pathname) === null) {
    return isApiPath(pathname) ? unknownApiRoute(method, pathname) : unknownInternalRoute(method, pathname);
  }
  return methodNotAllowed(method, pathname);
}
