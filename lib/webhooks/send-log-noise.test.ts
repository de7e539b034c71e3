// A receiver whose answer the response-size guard cuts (5 MB, kept to 64 KiB) or that resets the
// connection mid-answer: the attempt records the reason, and the server log stays quiet. Reported as
// "Error: aborted ... ECONNRESET" stacks on stderr, from the response body stream the sender once read
// (8e52dbd replaced it with undici's dispatcher interface: the sender aborts its own connection, and no
// stream is left to emit an error nobody listens to). Both ways a send goes: in the engine's thread and
// in a sender thread. Real receivers on 127.0.0.1.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendWebhook } from "./send";
import { senderThreads } from "../delivery/engine/sender-threads";
import type { BuiltRequest } from "./types";

const FIVE_MB = 5 * 1024 * 1024;
const SECRET = "s3cret-token-in-a-header";
let server: http.Server;
let origin = "";

beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      if (req.url === "/reset") {
        // headers and a little of the body, then the connection reset
        res.writeHead(200, { "content-type": "application/json", "content-length": String(FIVE_MB) });
        res.write('{"id":"');
        setTimeout(() => req.socket.resetAndDestroy(), 50);
        return;
      }
      res.writeHead(200, { "content-type": "application/json", "content-length": String(FIVE_MB + 10) });
      res.end(`{"id":"${"x".repeat(FIVE_MB)}"}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** What the process writes to stderr and stdout (and the console, and any uncaught error) while `fn` runs and a second after. */
async function loggedWhile<T>(fn: () => Promise<T>): Promise<{ result: T; lines: string[] }> {
  const lines: string[] = [];
  const restore = [process.stderr, process.stdout].map((stream) => {
    const write = stream.write;
    stream.write = ((chunk: unknown) => (lines.push(String(chunk)), true)) as typeof stream.write;
    return () => (stream.write = write);
  });
  const consoleMethods = ["error", "warn", "log", "info"] as const;
  const saved = consoleMethods.map((m) => console[m]);
  for (const m of consoleMethods) console[m] = (...args: unknown[]) => void lines.push(args.map(String).join(" "));
  const uncaught = (err: unknown) => void lines.push(`uncaught: ${String((err as Error)?.stack ?? err)}`);
  process.on("uncaughtException", uncaught);
  process.on("unhandledRejection", uncaught);
  try {
    const result = await fn();
    // a stream's late error, or a worker's output, arrives after the send has answered
    await new Promise((r) => setTimeout(r, 1000));
    return { result, lines };
  } finally {
    restore.forEach((undo) => undo());
    consoleMethods.forEach((m, i) => (console[m] = saved[i]!));
    process.off("uncaughtException", uncaught);
    process.off("unhandledRejection", uncaught);
  }
}

const request = (path: string): BuiltRequest => ({
  method: "POST",
  url: `${origin}${path}`,
  headers: [["content-type", "application/json"], ["authorization", `Bearer ${SECRET}`]],
  body: "{}",
}) as BuiltRequest;

describe.each([
  ["the engine's thread", () => sendWebhook],
  ["a sender thread", () => {
    const threads = senderThreads();
    return threads ? (r: BuiltRequest) => threads.ready().then(() => threads.send(r)) : sendWebhook;
  }],
])("a send from %s", (_where, senderOf) => {
  it("to a receiver answering 5 MB: delivered with the first 64 KiB, nothing in the log", async () => {
    const { result, lines } = await loggedWhile(() => senderOf()(request("/big")));
    expect(lines).toEqual([]);
    expect(result).toMatchObject({ outcome: "delivered", status: 200, bodyTruncated: true, sent: true });
    expect(result.body).toHaveLength(64 * 1024);
  });

  it("to a receiver that resets the connection mid-answer: the attempt says so, nothing in the log", async () => {
    const { result, lines } = await loggedWhile(() => senderOf()(request("/reset")));
    expect(lines).toEqual([]);
    expect(result).toMatchObject({ outcome: "retryable", errorKind: "network", sent: true });
    expect(result.error).toBe("the receiver closed the connection before answering");
  });
});
