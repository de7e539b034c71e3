// A real webhook receiver on 127.0.0.1 for tests and drills: records every request and answers
// with what the test's `respond` says (200 by default).
import http from "node:http";
import type { AddressInfo } from "node:net";

export type Received = { method: string; path: string; headers: http.IncomingHttpHeaders; body: string; at: number };
export type Reply = { status: number; headers?: Record<string, string>; body?: string };

export async function startReceiver(respond: (req: Received, all: Received[]) => Reply | Promise<Reply> = () => ({ status: 200 })) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const entry: Received = { method: req.method ?? "", path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), at: Date.now() };
      received.push(entry);
      const reply = await respond(entry, received);
      res.writeHead(reply.status, { "content-type": "text/plain", ...(reply.headers ?? {}) });
      res.end(reply.body ?? "ok");
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 20_000, stepMs = 25) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  throw new Error(`Timed out after ${timeoutMs} ms`);
}
