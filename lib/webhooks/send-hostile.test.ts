// The sender against receivers that misbehave at the byte level (raw TCP servers on 127.0.0.1):
// answers that never end, informational answers, broken HTTP, and sends given up at every phase.
import diagnostics from "node:diagnostics_channel";
import { getEventListeners } from "node:events";
import net from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { sendWebhook } from "./send";
import type { BuiltRequest } from "./types";

type Conn = { paths: string[]; closed: boolean };
let server: net.Server;
let port = 0;
const conns: Conn[] = [];
const sockets = new Set<net.Socket>();

// What each path answers, written straight to the socket once the request arrives.
const ANSWERS: Record<string, (s: net.Socket) => void> = {
  "/hang": () => undefined,
  "/stall-after-headers": (s) => s.write("HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nabc"),
  "/trickle": (s) => {
    s.write("HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ntransfer-encoding: chunked\r\n\r\n");
    const t = setInterval(() => (s.destroyed ? clearInterval(t) : s.write("1\r\nx\r\n")), 100);
  },
  "/close-mid-body": (s) => {
    s.write("HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nhalf");
    setTimeout(() => s.destroy(), 30);
  },
  "/early-hints": (s) => s.write("HTTP/1.1 103 Early Hints\r\nlink: </a.css>; rel=preload\r\n\r\nHTTP/1.1 102 Processing\r\n\r\nHTTP/1.1 201 Created\r\ncontent-length: 2\r\n\r\nok"),
  "/duplicates": (s) => s.write("HTTP/1.1 429 Too Many Requests\r\nSet-Cookie: a=1\r\nX-A: 1\r\nset-cookie: b=2\r\nRetry-After: 5\r\nretry-after: 9\r\ncontent-length: 2\r\n\r\nok"),
  "/bad-chunk": (s) => s.write("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n"),
  "/continue": (s) => s.write("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok"),
  "/switch": (s) => s.write("HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: upgrade\r\n\r\n"),
  "/bad-status": (s) => s.write("HTTP/1.1 099 Odd\r\ncontent-length: 2\r\n\r\nok"),
  "/ok": (s) => s.write("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok"),
  // a header value beyond ASCII in UTF-8 (as the sender sends them) and one in Latin-1
  "/non-ascii-headers": (s) => s.write(Buffer.concat([Buffer.from("HTTP/1.1 200 OK\r\nx-utf8: "), Buffer.from("Näme ungültig 🎉"), Buffer.from("\r\nx-latin1: "), Buffer.from("café", "latin1"), Buffer.from("\r\ncontent-length: 2\r\n\r\nok")])),
};

beforeAll(async () => {
  server = net.createServer((s) => {
    const conn: Conn = { paths: [], closed: false };
    conns.push(conn);
    sockets.add(s);
    s.on("error", () => undefined);
    s.on("close", () => {
      conn.closed = true;
      sockets.delete(s);
    });
    s.on("data", (d) => {
      const head = d.toString("latin1");
      const path = head.split(" ")[1] ?? "";
      conn.paths.push(path);
      // echoes the request's X-Customer header, byte for byte, in a response header
      const customer = /\r\nx-customer: ([^\r]*)/i.exec(head)?.[1];
      if (path === "/echo-header") return void s.write(Buffer.from(`HTTP/1.1 200 OK\r\nx-echo: got ${customer}\r\ncontent-length: 2\r\n\r\nok`, "latin1"));
      ANSWERS[path.replace(/\?.*/, "")]?.(s);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as net.AddressInfo).port;
});
afterAll(() => {
  for (const s of sockets) s.destroy();
  server.close();
});

const unhandled: unknown[] = [];
const onUnhandled = (e: unknown) => unhandled.push(e);
beforeAll(() => void process.on("unhandledRejection", onUnhandled));
afterAll(() => void process.off("unhandledRejection", onUnhandled));
afterEach(() => expect(unhandled).toEqual([]));

const request = (path: string): BuiltRequest => ({ method: "POST", url: `http://127.0.0.1:${port}${path}`, headers: [["content-type", "application/json"]], body: "{}" });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("sendWebhook against hostile receivers", () => {
  // First in this file: it needs undici's coarse timer clock to start with its first send.
  it("a receiver that never answers, or stops mid-body, ends at timeoutMs as a timeout in plain words, never earlier", async () => {
    // undici's own header and body timers tick every 499 ms and may fire up to a tick early: a send
    // that starts just before a tick used to end ~150 ms early as "request failed: Headers Timeout Error"
    // (a network error), once the first send had started that clock
    const send = async (path: string) => {
      const started = performance.now();
      const result = await sendWebhook(request(path), { timeoutMs: 1200 });
      return { result, took: performance.now() - started };
    };
    const first = send("/hang?first");
    while (!conns.some((c) => c.paths.includes("/hang?first"))) await sleep(2);
    const later = [380, 410, 440, 470].map(async (after, i) => {
      await sleep(after);
      return send(i % 2 ? "/hang" : "/stall-after-headers");
    });
    const results = await Promise.all([first, ...later]);
    for (const { result, took } of results) {
      expect(result).toMatchObject({ outcome: "retryable", errorKind: "timeout", error: "timed out after 1.2 s without a complete response" });
      expect(took).toBeGreaterThanOrEqual(1190);
      expect(took).toBeLessThan(1700);
    }
  });

  it("a body trickled a byte at a time ends at timeoutMs, and the connection is dropped", async () => {
    const started = performance.now();
    const result = await sendWebhook(request("/trickle?t"), { timeoutMs: 700 });
    expect(result).toMatchObject({ outcome: "retryable", errorKind: "timeout" });
    expect(performance.now() - started).toBeLessThan(1200);
    await sleep(50);
    expect(conns.find((c) => c.paths.includes("/trickle?t"))?.closed).toBe(true);
  });

  it("a failure after the answer began keeps the time to its first byte", async () => {
    for (const path of ["/stall-after-headers", "/close-mid-body", "/trickle"]) {
      const result = await sendWebhook(request(path), { timeoutMs: 400 });
      expect(result.outcome, path).toBe("retryable");
      expect(result.timings.firstByteMs, path).toBeGreaterThanOrEqual(0);
      expect(result.timings.firstByteMs!, path).toBeLessThanOrEqual(result.timings.totalMs);
    }
    // no answer at all: no first byte
    expect((await sendWebhook(request("/hang"), { timeoutMs: 300 })).timings.firstByteMs).toBeUndefined();
  });

  it("informational answers (103, 102) before the real one are skipped; duplicate headers are kept in order", async () => {
    expect(await sendWebhook(request("/early-hints"))).toMatchObject({ outcome: "delivered", status: 201, body: "ok", headers: [["content-length", "2"]] });
    const dup = await sendWebhook(request("/duplicates"));
    expect(dup).toMatchObject({ outcome: "retryable", status: 429, retryAfterMs: 5000 });
    expect(dup.headers).toEqual([["set-cookie", "a=1"], ["set-cookie", "b=2"], ["x-a", "1"], ["retry-after", "5"], ["retry-after", "9"], ["content-length", "2"]]);
  });

  it("response header values in UTF-8 read as UTF-8, so an echoed secret beyond ASCII is masked there too", async () => {
    const secret = { name: "X-Customer", value: "clé-secrète-42" };
    const echoed = await sendWebhook({ ...request("/echo-header"), headers: [[secret.name, secret.value]], secretHeaders: [secret.name] } as BuiltRequest);
    expect(echoed.headers).toContainEqual(["x-echo", "got ••••"]);
    const result = await sendWebhook(request("/non-ascii-headers"));
    expect(result.headers).toContainEqual(["x-utf8", "Näme ungültig 🎉"]);
    // not UTF-8: each byte is its Latin-1 character, as before
    expect(result.headers).toContainEqual(["x-latin1", "café"]);
  });

  it("broken HTTP is a retryable network error in plain words, not an exception", async () => {
    expect(await sendWebhook(request("/bad-chunk"))).toMatchObject({ outcome: "retryable", errorKind: "network", error: "request failed: Response does not match the HTTP/1.1 protocol (Invalid character in chunk size)" });
    // undici refuses these and closes the connection itself: the receiver did not close it
    expect(await sendWebhook(request("/continue"))).toMatchObject({ outcome: "retryable", errorKind: "network", error: "the receiver answered 100 Continue unasked, which the sender does not accept" });
    expect(await sendWebhook(request("/switch"))).toMatchObject({ outcome: "retryable", errorKind: "network", error: "the receiver switched protocols (101) unasked" });
    // a status below 100 trips an assertion inside undici: its text is no words for a marketer
    expect(await sendWebhook(request("/bad-status"))).toMatchObject({ outcome: "retryable", errorKind: "network", error: "the receiver's response is not valid HTTP" });
  });

  it("a cancel ends the send at once at every phase, and drops its connection", async () => {
    const phases: [string, string, number | "before" | "now"][] = [
      ["before", "/ok?before", "before"],
      ["while vetting", "/ok?vetting", "now"],
      ["waiting for headers", "/hang?c", 100],
      ["headers received", "/stall-after-headers?c", 100],
    ];
    for (const [phase, path, when] of phases) {
      const controller = new AbortController();
      if (when === "before") controller.abort();
      const started = performance.now();
      const sending = sendWebhook(request(path), { signal: controller.signal, timeoutMs: 5000 });
      if (when === "now") controller.abort(new Error("shutdown"));
      else if (typeof when === "number") setTimeout(() => controller.abort(), when);
      const result = await sending;
      expect(result, phase).toMatchObject({ outcome: "retryable", errorKind: "cancelled", error: "the send was cancelled before it completed" });
      expect(performance.now() - started, phase).toBeLessThan(typeof when === "number" ? when + 200 : 200);
    }
    await sleep(50);
    expect(conns.some((c) => c.paths.includes("/ok?before") || c.paths.includes("/ok?vetting"))).toBe(false);
    for (const path of ["/hang?c", "/stall-after-headers?c"]) expect(conns.find((c) => c.paths.includes(path))?.closed, path).toBe(true);
  });

  it("leaves no abort listener on the caller's signal, nor a rejection, whatever the outcome", async () => {
    const controller = new AbortController();
    const paths = ["/ok", "/ok", "/ok", "/hang", "/stall-after-headers", "/bad-chunk", "/close-mid-body", "/early-hints"];
    for (let round = 0; round < 5; round++) {
      const results = await Promise.all(Array.from({ length: 64 }, (_, i) => sendWebhook(request(`${paths[i % paths.length]}?leak`), { signal: controller.signal, timeoutMs: 400 })));
      expect(new Set(results.map((r) => r.errorKind ?? r.outcome))).toEqual(new Set(["delivered", "timeout", "network"]));
    }
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });

  it("sends that give up while queued for a connection do not cost the receiver a connection each", async () => {
    // the sockets undici closes because their request was given up: one per hanging send, none for a
    // queued send (it used to close the connection it was handed, and undici connected again)
    let abortedSockets = 0;
    const onConnected = ({ socket }: { socket: net.Socket }) => socket.once("close", () => void (socket.errored?.message === "aborted" && abortedSockets++));
    diagnostics.subscribe("undici:client:connected", onConnected as (m: unknown) => void);
    try {
      // every connection of the origin held by a hanging request, and more sends queued behind them
      // (one pool: the same connect timeout for all, since each connect timeout has a pool of its own)
      const hung = Array.from({ length: 64 }, (_, i) => sendWebhook(request(`/hang?h${i}`), { timeoutMs: 800, connectTimeoutMs: 300 }));
      await sleep(200);
      const queued = Array.from({ length: 10 }, async (_, i) => {
        const controller = new AbortController();
        setTimeout(() => controller.abort(), 50);
        return sendWebhook(request(`/ok?q${i}`), { signal: controller.signal, timeoutMs: i % 2 ? 5000 : 300, connectTimeoutMs: 300 });
      });
      const started = performance.now();
      for (const result of await Promise.all(queued)) expect(result.errorKind).toMatch(/^(cancelled|timeout)$/);
      expect(performance.now() - started).toBeLessThan(300);
      for (const result of await Promise.all(hung)) expect(result.errorKind).toBe("timeout");
      await sleep(300);
      expect(conns.some((c) => c.paths.some((p) => p.startsWith("/ok?q")))).toBe(false);
      expect(abortedSockets).toBe(64);
      expect((await sendWebhook(request("/ok"), { connectTimeoutMs: 300 })).outcome).toBe("delivered");
    } finally {
      diagnostics.unsubscribe("undici:client:connected", onConnected as (m: unknown) => void);
    }
  });
});
