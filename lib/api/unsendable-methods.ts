// TRACE, answered at the HTTP server. Next.js builds a WHATWG Request for proxy.ts, and undici
// refuses to build one with it ("'TRACE' HTTP method is unsupported"): every path,
// pages and /api alike, answered them with Next's 500 error page before proxy.ts could run. So they
// are answered here, before Next sees the request, as proxy.ts answers any other method a route does
// not have: under /api in the API's envelope (a path under /api no route has is its 404), a 405
// with Allow; a page's 405 is short text. (undici refuses CONNECT and TRACK too, but neither reaches a
// "request" listener: Node's parser answers TRACK 400 and closes a CONNECT nobody listens for.)
import { beforeEveryRequest, writeEarlyAnswer, type EarlyAnswer } from "../http/server-hooks";
import { ApiError } from "./errors";
import { allowHeader, refuseBeforeKey } from "./route-methods";

export const UNSENDABLE_METHODS: ReadonlySet<string> = new Set(["TRACE"]);

// Pages answer GET and HEAD, and POST for server actions.
const PAGE_ALLOW = "GET, HEAD, POST";

/** What a request with `method` to `url` (as the request line has it) is answered here; null: Next.js takes it. */
export function unsendableMethodAnswer(method: string, url: string): EarlyAnswer | null {
  if (!UNSENDABLE_METHODS.has(method)) return null;
  let pathname = "/";
  try {
    pathname = new URL(url, "http://localhost").pathname;
  } catch {}
  if (pathname.startsWith("/api/") || pathname === "/api") {
    const allow = allowHeader(["GET", "POST"]);
    const err = refuseBeforeKey(method, pathname) ?? new ApiError(405, "method_not_allowed", `${method} is not allowed on ${pathname}`, null, { Allow: allow });
    const body = JSON.stringify({ error: { code: err.code, message: err.message, details: err.details ?? null } });
    return { status: err.status, headers: { ...err.headers, "Content-Type": "application/json" }, body };
  }
  return { status: 405, headers: { Allow: PAGE_ALLOW, "Content-Type": "text/plain; charset=utf-8" }, body: `Method not allowed: ${method}` };
}

/** Answers TRACE (UNSENDABLE_METHODS) at each HTTP server, before Next.js sees it. */
export function answerUnsendableMethods(): void {
  beforeEveryRequest("unsendable-methods", (req, res) => {
    const found = unsendableMethodAnswer(req.method ?? "", req.url ?? "/");
    if (found) writeEarlyAnswer(res, found);
    return found !== null;
  });
}
