// The sign-in gate in front of every page and internal route: without a session cookie, pages go
// to /sign-in and internal API routes answer 401. The API (/api/v1) uses keys instead. The session
// itself is verified on the server (app/member.ts, lib/auth/guard.ts); this is the fast first check.
// Before the gate, on every path: an address holding %00, or a path whose %-escapes do not decode, is a 400; under /api, a path no route has is
// a 404 (the API's under /api/v1, the internal routes' elsewhere); on an /api/v1 or internal route, a
// method it does not have is a 405 with Allow; in the API's envelope. TRACE never gets here (lib/api/unsendable-methods.ts answers it); nor does a method Node does not know (TRACK, FOO), which its parser answers with an empty 400 before any listener.
import { getSessionCookie } from "better-auth/cookies";
import { NextResponse, type NextRequest } from "next/server";
import { errorResponse } from "./lib/api/errors";
import { refuseBeforeKey } from "./lib/api/route-methods";
import { isPublicPath, SESSION_COOKIE_PREFIX } from "./lib/auth/gate";
import { sameOriginRefusal } from "./lib/http/same-origin";
import { checkActionBody } from "./lib/http/action-body";
import { fromTrustedProxy } from "./lib/auth/client-address";
import { startProblem } from "./lib/start-problem";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function proxy(req: NextRequest): Response | Promise<Response> {
  const { pathname } = req.nextUrl;
  // the server started on a database without its tables: every page says so rather than a bare 500
  const problem = startProblem();
  if (problem && pathname !== "/api/health") {
    const message = `Hookline cannot serve yet. ${problem}`;
    if (pathname.startsWith("/api/")) return Response.json({ error: { code: "unavailable", message, details: null } }, { status: 503 });
    return new Response(message, { status: 503, headers: { "content-type": "text/plain; charset=utf-8" } });
  }
  const nul = nulInUrl(req.nextUrl);
  if (nul) {
    // PostgreSQL cannot compare with U+0000: no page (/users?q=, /campaigns/[id]) or route gets to query with it.
    const message = `${nul}: the address may not contain the NUL character (%00)`;
    return badAddress(pathname, message, [{ path: nul, message: "contains U+0000" }]);
  }
  // Next.js cannot decode such a path's parameters (/users/%ZZ, a link cut inside "%E0%A4%A4"): a bare 500 page.
  if (!decodes(pathname)) return badAddress(pathname, "path: a % in the address is not a valid escape of UTF-8 text (such as %20 or %C3%A9)", [{ path: "path", message: "malformed %-escape" }]);
  // A path under /api/v1 no route has (/api/v1 itself included) is the API's 404, one elsewhere under
  // /api the internal routes' 404 (Next would answer its HTML 404 page); a method an /api/v1 or
  // internal route does not have is a 405 with Allow (Next would answer an empty 405, an empty 400
  // to a method it does not know, 204 to OPTIONS on the catch-all). Before the API key or the session
  // is checked: which routes and methods exist is public (the OpenAPI document needs no key), so this
  // tells a caller without one nothing a 401 would hide, as Stripe's and GitHub's APIs answer 404/405
  // before authenticating. No key lookup or rate-limit token is spent on a request that cannot succeed.
  const refused = refuseBeforeKey(req.method, pathname);
  if (refused) return errorResponse(refused);
  // A POST to a page is a server action: the internal routes' same-origin rule, before Next.js reads it
  // (Next answered a foreign Origin with a 500 and its stack in the log, and ran one without an Origin).
  if (!pathname.startsWith("/api/") && !SAFE_METHODS.has(req.method)) {
    const refused = sameOriginRefusal(req.method, req.headers, req.nextUrl.host, fromTrustedProxy(req.headers));
    if (refused) return new Response(`Forbidden: ${refused.message}`, { status: 403, headers: { "content-type": "text/plain; charset=utf-8" } });
  }
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
  // A server action's body, before React decodes it: nesting it would recurse into overflows React's stack (a 500).
  if (!pathname.startsWith("/api/") && !SAFE_METHODS.has(req.method)) return refuseActionBody(req, () => NextResponse.next({ request: { headers } }));
  return NextResponse.next({ request: { headers } });
}

async function refuseActionBody(req: NextRequest, pass: () => Response): Promise<Response> {
  const refused = await checkActionBody(req.headers, req.body);
  if (!refused) return pass();
  const reason = refused.status === 413 ? "Payload too large" : "Bad request";
  return new Response(`${reason}: ${refused.message}`, { status: refused.status, headers: { "content-type": "text/plain; charset=utf-8" } });
}

/** A 400 before any page or route reads the address: the API's envelope under /api, a short text otherwise. */
function badAddress(pathname: string, message: string, details: { path: string; message: string }[] | null) {
  if (pathname.startsWith("/api/")) return Response.json({ error: { code: "validation_error", message, details } }, { status: 400 });
  return new Response(`Bad request: ${message}`, { status: 400, headers: { "content-type": "text/plain; charset=utf-8" } });
}

function decodes(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}

/** Where the address holds U+0000 once decoded: "path", the query parameter's name ("query" if the name holds it), or null. */
function nulInUrl(url: URL): string | null {
  // pathname is still encoded, and a URL never carries U+0000 raw: only %00 decodes to it.
  if (/%00/i.test(url.pathname)) return "path";
  for (const [name, value] of url.searchParams) if (`${name}${value}`.includes("\u0000")) return name.includes("\u0000") ? "query" : name;
  return null;
}

// Whole paths only: a path merely starting with one (/icon.svgx, /favicon.icoabc, /_next/imagex) is a page
// (the not-found page, which carries the sign-in action) and must pass here. Only what renders no page may be
// skipped (test/proxy.test.ts lists each): /favicon.ico is not, the app has no such file and Next.js rendered
// the not-found page there, whose actions then ran without the Origin and body checks (500s). The CSV upload (UPLOAD_PATH)
// stays out: Next.js would copy its body for this proxy and hand the route only the copy, at most
// next.config.ts's proxyClientMaxBodySize; lib/http/body-guard.ts answers for it what this would
// (503, 404/405), withInternal the rest (Origin, session, role).
export const config = { matcher: ["/((?!_next/static/|_next/image$|icon\\.svg$|api/imports$).*)"] };
