// Answers given at the HTTP server, before Next.js sees a request (installed from instrumentation.ts):
// the methods Next cannot build a Request for (lib/api/unsendable-methods.ts) and what a body may be
// (lib/http/body-guard.ts). The one way both put themselves in front of Next's "request" listener.
import diagnostics from "node:diagnostics_channel";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { SECURITY_HEADERS } from "./security-headers";

/** A short answer written at the server: its status, headers and text. */
export type EarlyAnswer = { status: number; headers: Record<string, string>; body: string };

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

const holder = globalThis as unknown as { __hooklineServerHooks?: Set<string> };

/**
 * Runs `hook` in front of each HTTP server's "request" listeners (Next's own, for `next start`) from
 * the server's first request on: Node publishes `http.server.request.start` just before it emits
 * "request", so even that first request goes through it. `hook` answers true when it has taken the
 * request (Next's listener is then not called). `onServer` runs once per server. Once per `name` in
 * a process, however often it is called.
 */
export function beforeEveryRequest(name: string, hook: (req: IncomingMessage, res: ServerResponse) => boolean, onServer?: (server: Server) => void): void {
  const installed = (holder.__hooklineServerHooks ??= new Set());
  if (installed.has(name)) return;
  installed.add(name);
  const hooked = new WeakSet<Server>();
  diagnostics.subscribe("http.server.request.start", (message) => {
    const { server } = message as { server?: Server };
    if (!server || hooked.has(server)) return;
    hooked.add(server);
    onServer?.(server);
    for (const listener of server.listeners("request") as RequestListener[]) {
      server.removeListener("request", listener);
      server.on("request", (req: IncomingMessage, res: ServerResponse) => {
        if (!hook(req, res)) listener.call(server, req, res);
      });
    }
  });
}

/** Writes `found` with the app's security headers and its length. */
export function writeEarlyAnswer(res: ServerResponse, found: EarlyAnswer): void {
  for (const { key, value } of SECURITY_HEADERS) res.setHeader(key, value);
  res.writeHead(found.status, { ...found.headers, "Content-Length": String(Buffer.byteLength(found.body)) });
  res.end(found.body);
}
