// Whether the app requires signing in. Imported by proxy.ts, so it imports nothing.
export const SIGN_IN_REQUIRED = true;

export const SESSION_COOKIE_PREFIX = "hookline";

/** Paths anyone may open: signing in, invitations, the API (keys), its reference, health. */
export function isPublicPath(pathname: string): boolean {
  return (
    pathname === "/sign-in" ||
    pathname.startsWith("/invite/") ||
    pathname.startsWith("/api/auth/") ||
    pathname.startsWith("/api/v1/") ||
    pathname === "/api/health" ||
    pathname === "/api-reference" ||
    pathname.startsWith("/_next/") ||
    pathname === "/favicon.ico"
  );
}
