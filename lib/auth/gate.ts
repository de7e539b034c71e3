// What the sign-in gate (proxy.ts) needs: the session cookie's prefix and the public paths. Imported
// by proxy.ts, so it imports nothing.
export const SESSION_COOKIE_PREFIX = "hookline";

/** Paths anyone may open: signing in, invitations, the API (keys), its reference, health. */
export function isPublicPath(pathname: string): boolean {
  return (
    pathname === "/sign-in" ||
    pathname.startsWith("/invite/") ||
    pathname.startsWith("/api/auth/") ||
    pathname === "/api/v1" ||
    pathname.startsWith("/api/v1/") ||
    pathname === "/api/health" ||
    pathname === "/api-reference" ||
    pathname.startsWith("/_next/") ||
    pathname === "/favicon.ico"
  );
}
