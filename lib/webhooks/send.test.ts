// The sender against real receivers on 127.0.0.1: the bytes that arrive, and every way a receiver
// can misbehave.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderWebhookRequest } from "./render-request";
import { resetEnv } from "../env";
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
      if (path.startsWith("/echo-headers")) {
        res.writeHead(200, { "content-type": "application/json" });
        return res.end(JSON.stringify({ raw: req.rawHeaders, port: req.socket.remotePort }));
      }
      if (path.startsWith("/unavailable")) {
        res.writeHead(503, { "retry-after": new Date(Date.now() + 120_000).toUTCString() });
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
    expect(result.errorKind).toBe("timeout");
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
    expect(result).toMatchObject({ outcome: "failed", errorKind: "refused", error: "destination 10.0.0.5 is in a private network; an admin can allow it in Settings › Allowed destinations" });
    const port = await sendWebhook({ method: "POST", url: "http://127.0.0.1:22/x", headers: [], body: "{}" });
    expect(port.error).toMatch(/port 22 is not allowed/);
  });

  it("sends header values beyond ASCII as UTF-8 bytes", async () => {
    const result = await sendWebhook(build({ url: `${base}/echo-headers`, headers: [{ name: "X-City", value: "{{user.city}} 🎉" }] }));
    expect(result.outcome).toBe("delivered");
    const raw: string[] = JSON.parse(result.body!).raw;
    const value = raw[raw.findIndex((h) => h.toLowerCase() === "x-city") + 1];
    expect(Buffer.from(value, "latin1").toString("utf8")).toBe("São Paulo/Centro 🎉");
  });

  it("masks what a response echoes of the request's secrets (password, Basic value, secret headers), in body and headers", async () => {
    const url = base.replace("http://", "http://crm:s3cret%22pw@") + "/echo-headers";
    const headers = [
      { name: "X-Customer", value: "cust-token-42", secret: true },
      { name: "X-Api-Key", value: "key/with+chars" },
      { name: "X-Plain", value: "not-secret-value" },
    ];
    const result = await sendWebhook(build({ url, headers }));
    expect(result.outcome).toBe("delivered");
    const basic = Buffer.from('crm:s3cret"pw').toString("base64");
    for (const secret of [basic, 's3cret\\"pw', "cust-token-42", "key/with+chars"]) expect(result.body, secret).not.toContain(secret);
    const raw: string[] = JSON.parse(result.body!).raw;
    const value = (name: string) => raw[raw.findIndex((h) => h.toLowerCase() === name) + 1];
    // masked whole, its scheme with it (the token is masked alone too, where an echo keeps only the token)
    expect(value("authorization")).toBe("••••");
    expect(value("x-customer")).toBe("••••");
    expect(value("x-api-key")).toBe("••••");
    expect(value("x-plain")).toBe("not-secret-value");
  });

  it("masks an echoed user name that is the credential (Basic auth without a password, as Stripe's keys are sent)", async () => {
    const { maskEchoedSecrets } = await import("./echoed-secrets");
    const request = build({ url: "https://sk_live_51Hx9aBcD:@api.example.com/v1/charges" });
    expect(request.headers).toContainEqual(["Authorization", `Basic ${Buffer.from("sk_live_51Hx9aBcD:").toString("base64")}`]);
    const echoed = maskEchoedSecrets(request, { body: '{"error":"key sk_live_51Hx9aBcD is restricted"}' });
    expect(echoed.body).toBe('{"error":"key •••• is restricted"}');
  });

  it("masks an echoed secret in a response header, and the start of one where the body was cut at 64 KiB", async () => {
    const { maskEchoedSecrets } = await import("./echoed-secrets");
    const request = build({ headers: [{ name: "X-Customer", value: "cust-token-42", secret: true }] });
    const cut = maskEchoedSecrets(request, { body: "x".repeat(10) + "cust-tok", bodyTruncated: true, headers: [["x-echo", "got cust-token-42"]] as [string, string][] });
    expect(cut).toMatchObject({ body: "x".repeat(10) + "••••", headers: [["x-echo", "got ••••"]] });
    // a body that was not cut keeps its ending; a request without secrets gives the response back as it is
    expect(maskEchoedSecrets(request, { body: "cust-tok" }).body).toBe("cust-tok");
    const plain = { body: "cust-token-42" };
    expect(maskEchoedSecrets(build({}), plain)).toBe(plain);
  });

  it("masks an echoed secret however the receiver's language escapes it (PHP, .NET, Go, forms, HTML), and an echoed signature", async () => {
    const { maskEchoedSecrets } = await import("./echoed-secrets");
    const request = build({ headers: [{ name: "X-Customer", value: "sk/live+Key&42", secret: true }], signingSecrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"] });
    const signature = request.headers.find(([name]) => name === "webhook-signature")![1].slice(3);
    const echoes = [
      '{"k":"sk\\/live+Key&42"}', // PHP json_encode
      '{"k":"sk/live\\u002BKey\\u002642"}', // .NET System.Text.Json
      '{"k":"sk/live+Key\\u002642"}', // Go encoding/json
      "k=sk%2Flive%2bKey%2642", // a form, either case
      "<p>sk/live+Key&amp;42</p>", // HTML
      `{"signature":"v1,${signature}"}`,
    ];
    for (const body of echoes) expect(maskEchoedSecrets(request, { body }).body, body).toContain("••••");
    // a response that holds none of them is left as it is, short common words included
    const unrelated = '{"mode":"test","id":"contest-2024","key":"sk/live"}';
    expect(maskEchoedSecrets(request, { body: unrelated }).body).toBe(unrelated);
  });

  it("a GET carries its data in the query, no body and no Content-Type", async () => {
    await sendWebhook(build({ method: "GET", url: `${base}/get?fixed=1`, fields: [{ key: "city", value: "{{user.city}}", type: "text" }, { key: "q&x", value: "a=b", type: "text" }] }));
    const got = last();
    expect(got.method).toBe("GET");
    expect(got.body).toBe("");
    expect(got.headers["content-type"]).toBeUndefined();
    const params = new URL(got.url, base).searchParams;
    expect([...params]).toEqual([["fixed", "1"], ["city", "São Paulo/Centro"], ["q&x", "a=b"]]);
  });

  it("reuses connections (keep-alive)", async () => {
    const ports = new Set<number>();
    const own = http.createServer((req, res) => {
      ports.add(req.socket.remotePort!);
      req.resume();
      req.on("end", () => res.end("ok"));
    });
    await new Promise<void>((r) => own.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(own.address() as AddressInfo).port}/`;
    for (let i = 0; i < 3; i++) {
      expect((await sendWebhook({ method: "POST", url, headers: [], body: "{}" })).outcome).toBe("delivered");
      await new Promise((r) => setTimeout(r, 20)); // the pool takes the connection back a tick after the body ends
    }
    expect(ports.size).toBe(1);
    own.closeAllConnections();
    own.close();
  });

  it("honours a Retry-After date on 503", async () => {
    const result = await sendWebhook(build({ url: `${base}/unavailable` }));
    expect(result).toMatchObject({ outcome: "retryable", status: 503, statusText: "Service Unavailable" });
    expect(result.retryAfterMs).toBeGreaterThan(100_000);
    expect(result.retryAfterMs).toBeLessThanOrEqual(120_000);
  });

  it("follows a change of the allowed destinations at the next send, although an address's verdict is remembered", async () => {
    const allowed = process.env.HOOKLINE_ALLOWED_HOSTS;
    try {
      expect((await sendWebhook(build({ url: `${base}/hook` }))).outcome).toBe("delivered");
      process.env.HOOKLINE_ALLOWED_HOSTS = "::1";
      resetEnv();
      for (let i = 0; i < 2; i++) {
        const refused = await sendWebhook(build({ url: `${base}/hook` }));
        expect(refused).toMatchObject({ outcome: "failed", errorKind: "refused", error: expect.stringMatching(/^destination 127\.0\.0\.1 is a loopback address/) });
      }
    } finally {
      process.env.HOOKLINE_ALLOWED_HOSTS = allowed;
      resetEnv();
    }
    expect((await sendWebhook(build({ url: `${base}/hook` }))).outcome).toBe("delivered");
  });

  it("a deadline that passes before the receiver has a connection to spare still ends the send on time", async () => {
    // one connection per origin would queue the second send behind a hanging one; each must end at its own deadline
    const hung = sendWebhook(build({ url: `${base}/hang` }), { timeoutMs: 400 });
    const started = Date.now();
    const results = await Promise.all([hung, ...Array.from({ length: 70 }, () => sendWebhook(build({ url: `${base}/hang` }), { timeoutMs: 400 }))]);
    expect(Date.now() - started).toBeLessThan(2000);
    for (const r of results) expect(r).toMatchObject({ outcome: "retryable", errorKind: "timeout" });
  });

  it("reports a TLS failure in plain words", async () => {
    const result = await sendWebhook({ method: "POST", url: base.replace("http://", "https://") + "/hook", headers: [], body: "{}" });
    expect(result).toMatchObject({ outcome: "retryable", error: expect.stringMatching(/^TLS error: /) });
  });

  it("a cancelled send says so, and is retryable", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const result = await sendWebhook(build({ url: `${base}/hang` }), { signal: controller.signal });
    expect(result).toMatchObject({ outcome: "retryable", error: "the send was cancelled before it completed" });
  });

  it("a host name that does not resolve is a retryable DNS failure, in plain words", async () => {
    const result = await sendWebhook({ method: "POST", url: "http://nowhere.invalid:8080/x", headers: [], body: "{}" }, { timeoutMs: 3000 });
    expect(result.outcome).toBe("retryable");
    // an offline resolver may also just never answer: then the deadline speaks
    expect(result.error).toMatch(/^DNS lookup failed for nowhere\.invalid \(|^timed out after 3 s/);
  });

  it("an invalid URL is a failed result, not an exception", async () => {
    const result = await sendWebhook({ method: "POST", url: "ftp://example.com/x", headers: [], body: null });
    expect(result).toMatchObject({ outcome: "failed", error: expect.stringMatching(/not an absolute http/) });
  });

  it("says whether the request left: not for a refused destination or port, a failed DNS lookup or a refused connection; yes once connected", async () => {
    // the editor says "Request (not sent)" or "Request as sent" from this, whatever the error's wording
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const closedPort = (closed.address() as AddressInfo).port;
    closed.close();
    const notSent = [
      await sendWebhook({ method: "POST", url: "http://10.0.0.5:8080/x", headers: [], body: "{}" }),
      await sendWebhook({ method: "POST", url: "http://127.0.0.1:22/x", headers: [], body: "{}" }),
      await sendWebhook({ method: "POST", url: "http://nowhere.invalid:8080/x", headers: [], body: "{}" }, { timeoutMs: 3000 }),
      await sendWebhook({ method: "POST", url: `http://127.0.0.1:${closedPort}/`, headers: [], body: "{}" }),
      await sendWebhook({ method: "POST", url: "ftp://example.com/x", headers: [], body: null }),
    ];
    for (const r of notSent) expect(r).toMatchObject({ outcome: expect.not.stringMatching(/^delivered$/), sent: false });
    expect(await sendWebhook(build({}))).toMatchObject({ outcome: "delivered", sent: true });
    // it left, then went wrong: the receiver had the request
    expect(await sendWebhook(build({ url: `${base}/close` }))).toMatchObject({ outcome: "retryable", sent: true });
    expect(await sendWebhook(build({ url: `${base}/hang` }), { timeoutMs: 500 })).toMatchObject({ errorKind: "timeout", sent: true });
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
