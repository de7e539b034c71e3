// Request bodies, watched at the HTTP server before Next.js sees the request (installed from
// instrumentation.ts as lib/api/unsendable-methods.ts is). Next.js reads a body proxy.ts sees whole
// before it answers (its copy for the proxy waits for the end, even after the proxy's own 413), so:
// - a declared Content-Length over what the path's route accepts (body-limits.ts) is a 413 at once, and
//   the connection is closed rather than read to the end (a 60 MB import was refused after 60 MB arrived);
// - a body that stops coming, or trickles (1 byte every 5 s held a connection for Node's 300 s request
//   timeout, and up to 10 MB of memory with it), is cut off after BODY_STALL_WINDOW_MS without
//   MIN_BODY_BYTES_PER_WINDOW new bytes, while a slow but steady CSV upload keeps going past 300 s (up to
//   BODY_TIME_LIMIT_MS in all); any other body must have arrived BODY_DEADLINE_MS after its headers (a
//   signed-out client that kept 5.5 MB coming at 10 KiB every 8 s held that memory for 30 minutes, per
//   connection, as Next.js copies a body for proxy.ts before the proxy can answer its 401);
// - an /api/v1 request with no Authorization header is withApi's 401 at once, its body unread;
// - the CSV upload, which is kept out of proxy.ts (its matcher), gets here what the proxy answered for it:
//   the 503 of a server started without its tables, and the 405 (with Allow) of a method it does not have.
import type { IncomingMessage, ServerResponse } from "node:http";
import { beforeEveryRequest, writeEarlyAnswer, type EarlyAnswer } from "./server-hooks";
import { bodyLimitFor, sizeText, UPLOAD_PATH } from "./body-limits";
import { refuseBeforeKey } from "../api/route-methods";
import { startProblem } from "../start-problem";
import { KEY_FREE_API_PATHS, missingKeyError } from "../api/credential";

export const BODY_STALL_WINDOW_MS = 10_000;
/** 8 KiB in 10 s: any link a person uploads from does a hundred times that. */
export const MIN_BODY_BYTES_PER_WINDOW = 8 * 1024;
/** The most the CSV upload may take to arrive (Node's requestTimeout, 300 s by default): a 50 MB upload at 30 KB/s. */
export const BODY_TIME_LIMIT_MS = 30 * 60_000;
/** The most any other body may take to arrive after its headers: 5 MB (the API's largest) at 45 KB/s. */
export const BODY_DEADLINE_MS = 120_000;

/** The body watch's times: tests shorten them (guardRequestBodies' first call in a process sets them). */
export type BodyTimes = { stallWindowMs: number; deadlineMs: number };
const DEFAULT_TIMES: BodyTimes = { stallWindowMs: BODY_STALL_WINDOW_MS, deadlineMs: BODY_DEADLINE_MS };

function pathOf(url: string): string {
  try {
    return new URL(url, "http://localhost").pathname;
  } catch {
    return "/";
  }
}

const apiAnswer = (status: number, code: string, message: string, headers: Record<string, string> = {}): EarlyAnswer => ({
  status,
  headers: { ...headers, "Content-Type": "application/json" },
  body: JSON.stringify({ error: { code, message, details: null } }),
});

/** What the server answers this request before Next.js reads a byte of its body, or null: Next.js takes it. */
export function beforeBodyAnswer(method: string, url: string, headers: { "content-length"?: string; authorization?: string }): EarlyAnswer | null {
  const pathname = pathOf(url);
  const isApi = pathname === "/api" || pathname.startsWith("/api/");
  const declared = Number(headers["content-length"] ?? 0);
  const limit = bodyLimitFor(pathname);
  if (declared > limit) {
    const message = pathname === UPLOAD_PATH ? `The file is ${(declared / 1024 / 1024).toFixed(0)} MB; the limit is ${sizeText(limit)}. Split it and import the parts.` : `The body is over ${sizeText(limit)}`;
    if (isApi) return apiAnswer(413, "payload_too_large", message, { Connection: "close" });
    return { status: 413, headers: { Connection: "close", "Content-Type": "text/plain; charset=utf-8" }, body: `Payload too large: ${message}` };
  }
  if (pathname === UPLOAD_PATH) {
    const problem = startProblem();
    if (problem) return apiAnswer(503, "unavailable", `Hookline cannot serve yet. ${problem}`);
    const refused = refuseBeforeKey(method, pathname);
    if (refused) return apiAnswer(refused.status, refused.code, refused.message, refused.headers as Record<string, string> | undefined);
  }
  // OPTIONS never reaches withApi (Next answers it with Allow): it needs no key here either
  if (pathname.startsWith("/api/v1/") && method !== "OPTIONS" && !headers.authorization && !KEY_FREE_API_PATHS.has(pathname) && answersAsProxyWould(method, url, pathname)) {
    const missing = missingKeyError();
    return apiAnswer(missing.status, missing.code, missing.message, { ...(missing.headers as Record<string, string>), Connection: "close" });
  }
  return null;
}

// What proxy.ts answers before withApi's 401 (its 503, the 400s of an address, the 404/405 of a route or method)
// stays its own: the early 401 is only for a request that would have reached withApi.
function answersAsProxyWould(method: string, url: string, pathname: string): boolean {
  if (startProblem() || /%00/i.test(url) || refuseBeforeKey(method, pathname)) return false;
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}

function answer(req: IncomingMessage, res: ServerResponse, found: EarlyAnswer) {
  // Connection: close: the unread body is not kept (Node would read it all to keep the connection). Not
  // destroyed at once either: a client still sending (no Expect: 100-continue: SDKs, scripts, a reverse
  // proxy) would get a reset in place of the 413. Node ends a Connection: close response with destroySoon;
  // here that half-closes, reads and drops what still arrives for at most LINGER_MS, then closes (nginx's
  // lingering_close).
  if (found.headers.Connection === "close") lingerOnClose(req);
  writeEarlyAnswer(res, found);
}

/** How long a refused request's connection keeps reading (and dropping) what the client still sends after the answer. */
export const LINGER_MS = 2_000;

function lingerOnClose(req: IncomingMessage) {
  const socket = req.socket;
  socket.destroySoon = function linger() {
    if (socket.writable) socket.end();
    socket.resume();
    const timer = setTimeout(() => socket.destroy(), LINGER_MS);
    timer.unref();
    socket.once("close", () => clearTimeout(timer));
  };
}

/**
 * Cuts off a body that stops coming or trickles (fewer than MIN_BODY_BYTES_PER_WINDOW new bytes in a window),
 * and, but for the CSV upload's (Node's requestTimeout, BODY_TIME_LIMIT_MS), one not whole by the deadline.
 */
function watchBody(req: IncomingMessage, times: BodyTimes) {
  const hasBody = Number(req.headers["content-length"] ?? 0) > 0 || req.headers["transfer-encoding"] !== undefined;
  if (!hasBody || req.complete) return;
  const socket = req.socket;
  let seen = socket.bytesRead;
  const deadline = pathOf(req.url ?? "/") === UPLOAD_PATH ? null : setTimeout(() => req.complete || socket.destroy(), times.deadlineMs);
  deadline?.unref();
  const timer = setInterval(() => {
    if (req.complete || socket.destroyed) return clearInterval(timer);
    const now = socket.bytesRead;
    // the server is not reading (the route has not started on the body, or reads it slowly): the bytes
    // waiting are not the client's stall
    if (socket.isPaused() || req.readableLength > 0) {
      seen = now;
      return;
    }
    if (now - seen < MIN_BODY_BYTES_PER_WINDOW) {
      clearInterval(timer);
      socket.destroy();
    }
    seen = now;
  }, times.stallWindowMs);
  timer.unref();
  const stop = () => {
    clearInterval(timer);
    clearTimeout(deadline ?? undefined);
  };
  req.once("end", stop);
  req.once("close", stop);
}

/** Puts the early answers and the body watch in front of each HTTP server's "request" listeners (Next's own). */
export function guardRequestBodies(times: BodyTimes = DEFAULT_TIMES): void {
  beforeEveryRequest(
    "body-guard",
    (req, res) => {
      const found = beforeBodyAnswer(req.method ?? "GET", req.url ?? "/", req.headers);
      if (found) {
        answer(req, res, found);
        return true;
      }
      watchBody(req, times);
      return false;
    },
    (server) => {
      // Node's own total, from the request's first byte, is the upload's; watchBody holds the others to BODY_DEADLINE_MS
      server.requestTimeout = BODY_TIME_LIMIT_MS;
    },
  );
}
