// The sign-in gate in front of every page and internal route: without a session cookie, pages go
// to /sign-in and internal API routes answer 401. The API (/api/v1) uses keys instead. The session
// itself is verified on the server (app/member.ts, lib/auth/guard.ts); this is the fast first check.
import { getSessionCookie } from "better-auth/cookies";
import { NextResponse, type NextRequest } from "next/server";
import { isPublicPath, SESSION_COOKIE_PREFIX } from "./lib/auth/gate";

export function proxy(req: NextRequest) {
  const { pathname } = req.nextUrl;
  const isPublic = isPublicPath(pathname);
  const headers = new Headers(req.headers);
  // Set here, never trusted from the client: the layout checks the session itself on other paths.
  headers.set("x-hookline-public", isPublic ? "1" : "0");
  if (!isPublic && !getSessionCookie(req, { cookiePrefix: SESSION_COOKIE_PREFIX })) {
    if (pathname.startsWith("/api/")) {
      return Response.json({ error: { code: "unauthorized", message: "Sign in to continue", details: null } }, { status: 401 });
    }
    const url = req.nextUrl.clone();
    url.pathname = "/sign-in";
    url.search = "";
    return NextResponse.redirect(url);
  }
  return NextResponse.next({ request: { headers } });
}

export const config = { matcher: ["/((?!_next/static|_next/image|favicon.ico|icon.svg).*)"] };
