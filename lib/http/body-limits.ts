// How large a request body each kind of route accepts: the one table the routes' own readers, the HTTP
// server's early 413 (body-guard.ts) and Next.js's copy of a body for proxy.ts (next.config.ts) read.
// Imports nothing: next.config.ts and proxy.ts load it.

/** A server action's arguments (Next.js's serverActions.bodySizeLimit default; lib/http/action-body.ts). */
export const ACTION_BODY_LIMIT_BYTES = 1024 * 1024;
/** A public API (/api/v1) request's JSON (lib/api/with-api.ts). */
export const API_BODY_LIMIT_BYTES = 5 * 1024 * 1024;
/** An internal route's JSON: a campaign draft and its sample data at most (lib/api/with-internal.ts). */
export const INTERNAL_BODY_LIMIT_BYTES = 1024 * 1024;
/** A sign-in or profile body, a few hundred bytes (lib/auth/auth-route.ts). */
export const AUTH_BODY_LIMIT_BYTES = 64 * 1024;
/** A CSV file uploaded for import (lib/audience/import/jobs.ts). */
export const UPLOAD_LIMIT_BYTES = 50 * 1024 * 1024;

/** The one route that takes more than Next.js should copy for proxy.ts: it is kept out of the proxy (its matcher). */
export const UPLOAD_PATH = "/api/imports";

/** The most any request to `pathname` may carry: a declared Content-Length above it is a 413 before a byte is read. */
export function bodyLimitFor(pathname: string): number {
  if (pathname === UPLOAD_PATH) return UPLOAD_LIMIT_BYTES;
  if (pathname === "/api/v1" || pathname.startsWith("/api/v1/")) return API_BODY_LIMIT_BYTES;
  if (pathname.startsWith("/api/auth/")) return AUTH_BODY_LIMIT_BYTES;
  if (pathname === "/api" || pathname.startsWith("/api/")) return INTERNAL_BODY_LIMIT_BYTES;
  return ACTION_BODY_LIMIT_BYTES;
}

/**
 * Next.js copies the body of every request proxy.ts sees, up to this, and hands the route only what it
 * copied (a console warning, no error; a 12.5 MB CSV was imported as its first 10 MB, the default). It drops
 * the whole chunk that crosses the limit (next/dist/server/body-streams.js), so the limit is a megabyte
 * (many socket reads) above the largest route behind the proxy: a body the copy cut short still holds
 * more than its route accepts and is refused as too large, never taken as whole (a chunked 6 MB of JSON
 * padded with spaces was taken, cut to its first 5 MB). And no request holds more than this in memory.
 */
export const PROXY_COPY_LIMIT_BYTES = Math.max(ACTION_BODY_LIMIT_BYTES, API_BODY_LIMIT_BYTES, INTERNAL_BODY_LIMIT_BYTES, AUTH_BODY_LIMIT_BYTES) + 1024 * 1024;

export function sizeText(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${bytes / 1024 / 1024} MB` : `${bytes / 1024} KB`;
}
