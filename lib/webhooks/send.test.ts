// The sender against real receivers on 127.0.0.1: the bytes that arrive, and every way a receiver
// can misbehave.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderWebhookRequest } from "./render-request";
import { sendWebhook } from "./send";
import { generateSigningSecret } from "./sign";
import type { BuiltRequest, TemplateContext, WebhookTemplate } from "./types";

type Received = { method: string; url: string; headers: http.IncomingHttpHeaders; body: string };
let server: http.Server;
let base: string;
const received: Received[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const path = req.url ?? "/";
      received.push({ method: req.method!, url: path, headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      if (path.startsWith("/hang")) return; // never answers
      if (path.startsWith("/close")) return req.socket.destroy();
      if (path.startsWith("/endless")) {
        res.writeHead(200, { "content-type": "application/octet-stream" });
        const chunk = Buffer.alloc(64 * 1024, 120);
        let sent = 0;
        const pump = () => {
          while (sent < 1024) {
            sent++;
            if (!res.write(chunk)) return res.once("drain", pump);
          }
          res.end();
        };
        res.on("close", () => (sent = 1024));
        return pump();
      }
      if (path.startsWith("/latin1")) {
        res.writeHead(200, { "content-type": "text/plain" });
        return res.end(Buffer.from([0x63, 0x61, 0x66, 0xe9, 0xff, 0xfe]));
      }
      if (path.startsWith("/redirect")) {
        res.writeHead(302, { location: "http://169.254.169.254/latest/meta-data/" });
        return res.end();
      }
      if (path.startsWith("/busy")) {
        res.writeHead(429, { "retry-after": "7" });
        return res.end("slow down");
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ received: true }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const ctx: TemplateContext = {
  user: { id: "u 1", email: "mary@example.com", attributes: { firstName: 'Ma"ry', city: "São Paulo/Centro", plan: "pro" } },
  now: new Date(),
};

function build(t: Partial<WebhookTemplate>, webhookId = "msg_" + Math.random().toString(36).slice(2)): BuiltRequest {
  const r = renderWebhookRequest({ method: "POST", url: `${base}/hook`, contentType: "application/json", fields: [], headers: [], ...t }, ctx, { webhookId, timestamp: new Date() });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.request;
}
const last = () => received[received.length - 1];

describe("sendWebhook", () => {
  it("delivers JSON that JSON.parse reads back, with Basic auth decoded", async () => {
    const url = base.replace("http://", "http://crm%20user:p%40ss@") + "/users/{{user.id}}?city={{user.city}}";
    const result = await sendWebhook(build({ url, fields: [{ key: "name", value: "{{user.firstName}}", type: "text" }, { key: "address.city", value: "{{user.city}}", type: "text" }] }));
    expect(result).toMatchObject({ outcome: "delivered", status: 200, statusText: "OK", body: '{"received":true}', bodyTruncated: false });
    const got = last();
    expect(JSON.parse(got.body)).toEqual({ name: 'Ma"ry', address: { city: "São Paulo/Centro" } });
    expect(got.url).toBe("/users/u%201?city=S%C3%A3o%20Paulo%2FCentro");
    expect(Buffer.from(got.headers.authorization!.replace("Basic ", ""), "base64").toString()).toBe("crm user:p@ss");
    expect(got.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(got.headers["user-agent"]).toMatch(/^Hookline\//);
  });

  it("delivers form bodies that URLSearchParams reads back", async () => {
    await sendWebhook(build({ contentType: "application/x-www-form-urlencoded", fields: [{ key: "first_name", value: "{{user.firstName}}", type: "text" }, { key: "city", value: "{{user.city}}", type: "text" }] }));
    const params = new URLSearchParams(last().body);
    expect(params.get("first_name")).toBe('Ma"ry');
    expect(params.get("city")).toBe("São Paulo/Centro");
  });

  it("signs so that the official standardwebhooks package verifies, also during a rotation", async () => {
    const current = generateSigningSecret();
    const previous = generateSigningSecret();
    await sendWebhook(build({ fields: [{ key: "name", value: "{{user.firstName}} 🎉", type: "text" }], signingSecrets: [current, previous] }, "msg_sig1"));
    const got = last();
    const headers = { "webhook-id": got.headers["webhook-id"] as string, "webhook-timestamp": got.headers["webhook-timestamp"] as string, "webhook-signature": got.headers["webhook-signature"] as string };
    expect(headers["webhook-id"]).toBe("msg_sig1");
    expect(new Webhook(current).verify(got.body, headers)).toEqual({ name: 'Ma"ry 🎉' });
    expect(new Webhook(previous).verify(got.body, headers)).toEqual({ name: 'Ma"ry 🎉' });
    expect(() => new Webhook(generateSigningSecret()).verify(got.body, headers)).toThrow();
  });

  it("times out a receiver that never answers, in plain words", async () => {
    const result = await sendWebhook(build({ url: `${base}/hang` }), { timeoutMs: 500 });
    expect(result.outcome).toBe("retryable");
    expect(result.error).toBe("timed out after 0.5 s without a complete response");
    expect(result.timings.totalMs).toBeLessThan(3000);
  });

  it("reports a receiver that closes the connection", async () => {
    const result = await sendWebhook(build({ url: `${base}/close` }));
    expect(result).toMatchObject({ outcome: "retryable", error: "the receiver closed the connection before answering" });
  });

  it("cuts an endless body at 64 KiB without reading the rest", async () => {
    const before = process.memoryUsage().rss;
    const result = await sendWebhook(build({ url: `${base}/endless` }));
    expect(result.outcome).toBe("delivered");
    expect(result.bodyTruncated).toBe(true);
    expect(result.body).toHaveLength(64 * 1024);
    expect(process.memoryUsage().rss - before).toBeLessThan(50 * 1024 * 1024);
  });

  it("replaces invalid UTF-8 in a response body", async () => {
    const result = await sendWebhook(build({ url: `${base}/latin1` }));
    expect(result.body).toBe("caf\uFFFD\uFFFD\uFFFD");
  });

  it("does not follow a redirect (to a private address or anywhere): a 3xx is a failed result", async () => {
    const result = await sendWebhook(build({ url: `${base}/redirect` }));
    expect(result).toMatchObject({ outcome: "failed", status: 302 });
    expect(received.some((r) => r.url.includes("meta-data"))).toBe(false);
  });

  it("classifies 429 as retryable with its Retry-After", async () => {
    const result = await sendWebhook(build({ url: `${base}/busy` }));
    expect(result).toMatchObject({ outcome: "retryable", status: 429, retryAfterMs: 7000, body: "slow down" });
  });

  it("refuses a private destination that is not allowed, without sending", async () => {
    const result = await sendWebhook({ method: "POST", url: "http://10.0.0.5:8080/x", headers: [], body: "{}" });
    expect(result).toMatchObject({ outcome: "failed", error: "destination 10.0.0.5 is in a private network; allow it with HOOKLINE_ALLOWED_HOSTS" });
    const port = await sendWebhook({ method: "POST", url: "http://127.0.0.1:22/x", headers: [], body: "{}" });
    expect(port.error).toMatch(/port 22 is not allowed/);
  });

  it("reports a refused connection", async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as AddressInfo).port;
    closed.close();
    const result = await sendWebhook({ method: "POST", url: `http://127.0.0.1:${port}/`, headers: [], body: "{}" });
    expect(result).toMatchObject({ outcome: "retryable", error: expect.stringMatching(/refused the connection/) });
  });
});
