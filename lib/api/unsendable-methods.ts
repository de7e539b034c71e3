// TRACE, answered at the HTTP server. Next.js builds a WHATWG Request for proxy.ts, and undici
// refuses to build one with it ("'TRACE' HTTP method is unsupported"): every path,
// pages and /api alike, answered them with Next's 500 error page before proxy.ts could run. So they
// are answered here, before Next sees the request, as proxy.ts answers any other method a route does
// not have: under /api in the API's envelope (a path under /api no route has is its 404), a 405
// with Allow; a page's 405 is short text. (undici refuses CONNECT and TRACK too, but neither reaches a
// "request" listener: Node's parser answers TRACK 400 and closes a CONNECT nobody listens for.)
import diagnostics from "node:diagnostics_channel";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { SECURITY_HEADERS } from "../http/security-headers";
import { ApiError } from "./errors";
import { allowHeader, refuseBeforeKey } from "./route-methods";

export const UNSENDABLE_METHODS: ReadonlySet<string> = new Set(["TRACE"]);

// Pages answer GET and HEAD, and POST for server actions.
const PAGE_ALLOW = "GET, HEAD, POST";

type Answer = { status: number; headers: Record<string, string>; body: string };

/** What a request with `method` to `url` (as the request line has it) is answered here; null: Next.js takes it. */
export function unsendableMethodAnswer(method: string, url: string): Answer | null {
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

function answer(req: IncomingMessage, res: ServerResponse): boolean {
  const found = unsendableMethodAnswer(req.method ?? "", req.url ?? "/");
  if (!found) return false;
  for (const { key, value } of SECURITY_HEADERS) res.setHeader(key, value);
  res.writeHead(found.status, { ...found.headers, "Content-Length": String(Buffer.byteLength(found.body)) });
  res.end(found.body);
  return true;
}

const holder = globalThis as unknown as { __hooklineUnsendableHook?: boolean };
const guarded = new WeakSet<Server>();

/**
 * Puts the answer in front of each HTTP server's "request" listeners (Next's own, for `next start`)
 * on the server's first request: Node publishes `http.server.request.start` just before it emits
 * "request", so even that first request is answered here.
 */
export function answerUnsendableMethods(): void {
  if (holder.__hooklineUnsendableHook) return;
  holder.__hooklineUnsendableHook = true;
  diagnostics.subscribe("http.server.request.start", (message) => {
    const { server } = message as { server?: Server };
    if (!server || guarded.has(server)) return;
    guarded.add(server);
    for (const listener of server.listeners("request") as ((req: IncomingMessage, res: ServerResponse) => void)[]) {
      server.removeListener("request", listener);
      server.on("request", (req: IncomingMessage, res: ServerResponse) => {
        if (!answer(req, res)) listener.call(server, req, res);
      });
    }
  });
}
