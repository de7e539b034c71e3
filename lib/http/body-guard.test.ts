// What the HTTP server answers before Next.js reads a body (body-guard.ts): a declared Content-Length over the
// path's route's limit (body-limits.ts) is a 413 at once; the CSV upload, kept out of proxy.ts, gets the
// proxy's 405 for a method it lacks. Over real HTTP on loopback: the 413 comes before the body is sent.
import { createServer, request } from "node:http";
import { connect } from "node:net";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { beforeBodyAnswer, guardRequestBodies } from "./body-guard";
import { bodyLimitFor, PROXY_COPY_LIMIT_BYTES, UPLOAD_LIMIT_BYTES } from "./body-limits";

const MB = 1024 * 1024;
// the first call in the process sets the watch's times: short here, so a deadline is seen in a second
const TIMES = { stallWindowMs: 400, deadlineMs: 1_500 };

describe("bodyLimitFor", () => {
  it("gives each kind of route its own limit, and the proxy's copy one byte over the largest behind it", () => {
    expect([bodyLimitFor("/api/imports"), bodyLimitFor("/api/v1/events"), bodyLimitFor("/api/preview"), bodyLimitFor("/api/auth/sign-in/email"), bodyLimitFor("/campaigns/c1")]).toEqual([50 * MB, 5 * MB, MB, 64 * 1024, MB]);
    expect(PROXY_COPY_LIMIT_BYTES).toBe(6 * MB);
    expect(bodyLimitFor("/api/imports/imp_1")).toBeLessThan(PROXY_COPY_LIMIT_BYTES);
  });
});

describe("beforeBodyAnswer", () => {
  it("is a 413 for a declared body over the route's limit, in the API's envelope under /api, and closes the connection", () => {
    const upload = beforeBodyAnswer("POST", "/api/imports", { "content-length": String(60 * MB) })!;
    expect(upload.status).toBe(413);
    expect(upload.headers.Connection).toBe("close");
    expect(JSON.parse(upload.body).error).toEqual({ code: "payload_too_large", message: "The file is 60 MB; the limit is 50 MB. Split it and import the parts.", details: null });
    expect(JSON.parse(beforeBodyAnswer("POST", "/api/v1/events?x=1", { "content-length": String(5 * MB + 1) })!.body).error.message).toBe("The body is over 5 MB");
    expect(beforeBodyAnswer("POST", "/campaigns/c1", { "content-length": String(MB + 1) })).toMatchObject({ status: 413, body: "Payload too large: The body is over 1 MB" });
    expect(beforeBodyAnswer("POST", "/api/imports", { "content-length": String(UPLOAD_LIMIT_BYTES) })).toBeNull();
    expect(beforeBodyAnswer("POST", "/campaigns/c1", { "content-length": String(MB) })).toBeNull();
    expect(beforeBodyAnswer("POST", "/campaigns/c1", {})).toBeNull();
  });

  it("leaves OPTIONS without a key to Next.js (204 with Allow: withApi never sees it), and answers other key-less /api/v1 requests 401", () => {
    expect(beforeBodyAnswer("OPTIONS", "/api/v1/campaigns", {})).toBeNull();
    expect(beforeBodyAnswer("POST", "/api/v1/campaigns", {})?.status).toBe(401);
  });

  it("answers the upload route's missing methods as proxy.ts answers other routes'", () => {
    const get = beforeBodyAnswer("GET", "/api/imports", {})!;
    expect(get.status).toBe(405);
    expect(get.headers.Allow).toBe("OPTIONS, POST");
    expect(JSON.parse(get.body).error.code).toBe("method_not_allowed");
  });
});

describe("guardRequestBodies", () => {
  it("answers 413 before the body is sent, over HTTP; other requests reach the server's own listener", async () => {
    guardRequestBodies(TIMES);
    const server = createServer((_req, res) => res.end("next"));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as AddressInfo;
    try {
      const answered = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request({ host: "127.0.0.1", port, path: "/api/imports", method: "POST", headers: { "content-length": String(60 * MB), "content-type": "text/csv" } }, (res) => {
          let body = "";
          res.on("data", (c) => (body += c));
          res.on("end", () => resolve({ status: res.statusCode!, body }));
        });
        req.on("error", reject);
        req.write(Buffer.alloc(1024)); // 1 KB of the 60 MB declared, never the rest
      });
      expect(answered.status).toBe(413);
      expect(JSON.parse(answered.body).error.code).toBe("payload_too_large");
      const plain = await fetch(`http://127.0.0.1:${port}/campaigns`, { method: "POST", body: "x" });
      expect(await plain.text()).toBe("next");
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});

describe("a 413 to a client that does not wait for it", () => {
  it("reaches a client still sending its body (no Expect: 100-continue): read and dropped, not reset away", async () => {
    guardRequestBodies(TIMES);
    const server = createServer((_req, res) => res.end("next"));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as AddressInfo;
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    // as a client that writes its whole body before it reads (curl --data-binary without Expect gives up on
    // a failed write): the headers, then 20 MB of the 60 declared as fast as the socket takes them; a reset
    // while it writes loses the answer
    const send = () =>
      new Promise<string>((resolve) => {
        const socket = connect(port, "127.0.0.1");
        let answer = "";
        let sent = 0;
        let failed: string | null = null;
        socket.on("data", (d) => (answer += d.toString("latin1")));
        socket.on("error", (e) => (failed ??= `error: ${(e as NodeJS.ErrnoException).code}`));
        socket.on("close", () => resolve(failed ?? (answer || "closed without an answer")));
        socket.write(`POST /api/imports HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/csv\r\nContent-Length: ${60 * MB}\r\n\r\n`);
        const pump = () => {
          while (!failed && sent < 20 * MB) {
            sent += chunk.length;
            if (!socket.write(chunk)) return void socket.once("drain", pump);
          }
        };
        pump();
      });
    try {
      const answers: string[] = [];
      for (let i = 0; i < 6; i++) answers.push((await send()).split("\r\n")[0]!);
      expect(answers).toEqual(Array(6).fill("HTTP/1.1 413 Payload Too Large"));
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  }, 30_000);
});

// The attack review: a signed-out client sending 5.5 MB, then 10 KiB every 8 s (over the stall floor), held
// that memory for the 30 minutes every path had; and a POST to /api/v1 with no key had its body read (Next.js
// copies it for proxy.ts) before withApi's 401.
describe("a body's deadline, and the API's 401 before the body", () => {
  async function serve() {
    guardRequestBodies(TIMES);
    const reached: string[] = [];
    const server = createServer((req, res) => {
      reached.push(`${req.method} ${req.url}`);
      req.resume();
      req.on("end", () => res.end("next"));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as AddressInfo;
    const close = async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    };
    return { port, reached, close };
  }

  /** Sends the headers, then 16 KiB every 100 ms (well over the stall floor) for `forMs`, then the end; the answer or how it closed. */
  function slowBody(port: number, path: string, forMs: number, headers = "") {
    return new Promise<{ answer: string; afterMs: number }>((resolve) => {
      const started = Date.now();
      const socket = connect(port, "127.0.0.1");
      let answer = "";
      socket.on("data", (d) => (answer += d.toString("latin1")));
      socket.on("error", () => undefined);
      socket.on("close", () => {
        clearInterval(timer);
        resolve({ answer, afterMs: Date.now() - started });
      });
      socket.write(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/csv\r\nConnection: close\r\n${headers}Transfer-Encoding: chunked\r\n\r\n`);
      const chunk = "a".repeat(16 * 1024);
      const timer = setInterval(() => {
        if (socket.destroyed) return;
        if (Date.now() - started < forMs) socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
        else {
          clearInterval(timer);
          socket.write("0\r\n\r\n");
        }
      }, 100);
    });
  }

  it("cuts a steady body still coming at the deadline, but for the CSV upload's", async () => {
    const { port, close } = await serve();
    try {
      const [cut, upload] = await Promise.all([slowBody(port, "/campaigns/c1", 4_000), slowBody(port, "/api/imports", 2_500)]);
      expect(cut.answer).toBe("");
      expect(cut.afterMs).toBeGreaterThanOrEqual(TIMES.deadlineMs - 50);
      expect(cut.afterMs).toBeLessThan(3_000);
      expect(upload.answer).toMatch(/^HTTP\/1.1 200 OK[\s\S]*next$/);
      expect((await slowBody(port, "/campaigns/c1", 500)).answer).toMatch(/^HTTP\/1.1 200 OK/);
    } finally {
      await close();
    }
  }, 15_000);

  it("answers an /api/v1 request with no Authorization header withApi's 401 before its body is sent", async () => {
    const { port, reached, close } = await serve();
    try {
      const started = Date.now();
      const answer = await new Promise<string>((resolve) => {
        const socket = connect(port, "127.0.0.1");
        let text = "";
        socket.on("data", (d) => (text += d.toString("latin1")));
        socket.on("error", () => undefined);
        socket.on("close", () => resolve(text));
        socket.write(`POST /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${4 * MB}\r\n\r\n`);
        socket.write(Buffer.alloc(64 * 1024, 0x20)); // of the 4 MB declared, never the rest
      });
      expect(Date.now() - started).toBeLessThan(TIMES.deadlineMs);
      expect(answer.split("\r\n")[0]).toBe("HTTP/1.1 401 Unauthorized");
      expect(answer).toMatch(/\r\nWWW-Authenticate: Bearer realm="hookline"\r\n/i);
      expect(JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4)).error).toEqual({ code: "unauthorized", message: "Send an API key as Authorization: Bearer hk_live_...", details: null });
      expect(reached).toEqual([]);
      // with a key, the public document, health, and what proxy.ts answers first (404, 405) reach the server's listener
      for (const [method, path, headers] of [["POST", "/api/v1/events", { authorization: "Bearer hk_live_x" }], ["GET", "/api/v1/openapi.json", {}], ["GET", "/api/health", {}], ["POST", "/api/v1/nope", {}], ["PUT", "/api/v1/events", {}], ["POST", "/api/v1/events?x=%00", {}]] as const) {
        const res = await fetch(`http://127.0.0.1:${port}${path}`, { method, headers, body: method === "GET" ? undefined : "{}" });
        expect(await res.text(), `${method} ${path}`).toBe("next");
      }
    } finally {
      await close();
    }
  });
});
