// Request bodies against `npm start`, over raw HTTP where a client's timing matters:
// - a CSV over 10 MB arrives whole (Next.js copied every body proxy.ts saw, up to 10 MB, and handed the
//   route only the copy: a 12.5 MB file was imported as its first 10 MB, reported as a clean success);
//   its route still answers what the proxy did for it (405 with Allow, 401, 403);
// - a path merely starting with an excluded one (/icon.svgx, /favicon.icoabc, /_next/imagex) goes
//   through proxy.ts (it landed on the not-found page's actions with no Origin or body check), and so does
//   /favicon.ico (no such file: the not-found page again); the paths it skips render no page;
// - a declared body over its route's limit is a 413 before it is sent (a 60 MB import was refused after
//   all 60 MB arrived), and a body that trickles is cut off, while a slow steady upload goes through.
import { request as httpRequest, type OutgoingHttpHeaders } from "node:http";
import { expect, test } from "./fixtures";
import type { Page } from "@playwright/test";

type Raw = { status: number; body: string; closed: boolean };

/** Sends the headers, then `send` writes the body as it likes; resolves with the answer (or the connection's end). */
function raw(baseURL: string, method: string, path: string, headers: OutgoingHttpHeaders, send: (write: (chunk: Buffer | string) => boolean, end: () => void) => Promise<void> | void): Promise<Raw> {
  const url = new URL(path, baseURL);
  return new Promise((resolve) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, method, headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, closed: false }));
    });
    req.on("error", () => resolve({ status: 0, body: "", closed: true }));
    req.flushHeaders();
    void Promise.resolve(send((c) => (req.destroyed ? false : req.write(c)), () => req.end())).catch(() => undefined);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function cookieOf(page: Page): Promise<string> {
  await page.goto("/");
  return (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
}

function csvOf(bytes: number): Buffer {
  const rows = ["email,id,plan"];
  let size = rows[0]!.length + 1;
  for (let i = 0; size < bytes; i++) {
    const row = `u${i}@bodies.example,bodies-${i},${i % 2 ? "pro" : "free"}`;
    rows.push(row);
    size += row.length + 1;
  }
  return Buffer.from(rows.join("\n") + "\n");
}

test("a CSV over 10 MB arrives whole, sent with a length or in chunks; the upload route still answers 405, 401 and 403", async ({ page, baseURL, playwright }) => {
  const csv = csvOf(12.5 * 1024 * 1024);
  const headers = { origin: baseURL!, "content-type": "text/csv", "x-file-name": "big.csv" };
  const res = await page.request.post("/api/imports", { headers, data: csv });
  expect(res.status()).toBe(200);
  expect((await res.json()).inspection.bytes).toBe(csv.length);

  const cookie = await cookieOf(page);
  const chunked = await raw(baseURL!, "POST", "/api/imports", { ...headers, cookie, "transfer-encoding": "chunked" }, async (write, end) => {
    for (let at = 0; at < csv.length; at += 1024 * 1024) write(csv.subarray(at, at + 1024 * 1024));
    end();
  });
  expect(chunked.status).toBe(200);
  expect(JSON.parse(chunked.body).inspection.bytes).toBe(csv.length);

  const get = await page.request.get("/api/imports");
  expect(get.status()).toBe(405);
  expect(get.headers()["allow"]).toContain("POST");
  expect((await get.json()).error.code).toBe("method_not_allowed");
  const anonymous = await playwright.request.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const signedOut = await anonymous.post("/api/imports", { headers, data: "email\na@b.example\n" });
  expect(signedOut.status()).toBe(401);
  const foreign = await page.request.post("/api/imports", { headers: { ...headers, origin: "https://evil.example" }, data: "email\na@b.example\n" });
  expect(foreign.status()).toBe(403);
});

test("a path that only starts like a static file's goes through the proxy: a foreign Origin's action is refused", async ({ page }) => {
  for (const path of ["/favicon.ico", "/icon.svgx", "/favicon.icoabc", "/_next/imagex", "/_next/staticx"]) {
    const res = await page.request.post(path, { headers: { origin: "https://evil.example", "next-action": "0".repeat(40), "content-type": "text/plain;charset=UTF-8" }, data: "[]", maxRedirects: 0 });
    expect(res.status(), path).toBe(403);
    expect(await res.text(), path).toMatch(/^Forbidden: /);
  }
  // the files themselves are still served as they were
  expect((await page.request.get("/icon.svg")).status()).toBe(200);
  // and the paths the proxy skips render no page, so no action runs there (/favicon.ico did: the not-found page)
  for (const path of ["/_next/static/x", "/_next/static/chunks/missing.js", "/_next/image", "/icon.svg", "/api/imports"]) {
    const res = await page.request.post(path, { headers: { origin: "https://evil.example", "next-action": "0".repeat(42), "content-type": "text/plain;charset=UTF-8" }, data: "[".repeat(5000), maxRedirects: 0 });
    expect(res.status(), path).toBeLessThan(500);
    expect(res.headers()["content-type"] ?? "", path).not.toMatch(/text\/x-component|text\/html/);
  }
});

test("a declared body over its route's limit is a 413 before it is sent, and the connection is closed", async ({ page, baseURL }) => {
  const cookie = await cookieOf(page);
  const cases: [string, OutgoingHttpHeaders, number, RegExp][] = [
    ["/api/imports", { "content-type": "text/csv", cookie, origin: baseURL! }, 60 * 1024 * 1024, /"code":"payload_too_large".*the limit is 50 MB/],
    ["/api/v1/events", { "content-type": "application/json", authorization: "Bearer hk_live_x" }, 6 * 1024 * 1024, /"code":"payload_too_large".*over 5 MB/],
    ["/sign-in", { "content-type": "text/plain;charset=UTF-8", "next-action": "0".repeat(40), origin: baseURL! }, 2 * 1024 * 1024, /^Payload too large: The body is over 1 MB$/],
  ];
  for (const [path, headers, declared, said] of cases) {
    const started = Date.now();
    const res = await raw(baseURL!, "POST", path, { ...headers, "content-length": String(declared) }, async (write) => {
      write(Buffer.alloc(64 * 1024, 0x61));
      await sleep(30_000); // the rest is never sent: the answer must not wait for it
    });
    expect(res.status, path).toBe(413);
    expect(res.body, path).toMatch(said);
    expect(Date.now() - started, path).toBeLessThan(5_000);
  }
});

test("an /api/v1 request with no key is a 401 before its body is sent; the OpenAPI document needs none", async ({ baseURL, playwright }) => {
  const started = Date.now();
  const res = await raw(baseURL!, "POST", "/api/v1/events", { "content-type": "application/json", "content-length": String(4 * 1024 * 1024) }, async (write) => {
    write(Buffer.alloc(64 * 1024, 0x20));
    await sleep(30_000); // the rest is never sent: the answer must not wait for it
  });
  expect(res.status).toBe(401);
  expect(JSON.parse(res.body).error).toEqual({ code: "unauthorized", message: "Send an API key as Authorization: Bearer hk_live_...", details: null });
  expect(Date.now() - started).toBeLessThan(5_000);
  const anonymous = await playwright.request.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  expect((await anonymous.get("/api/v1/openapi.json")).status()).toBe(200);
  expect((await anonymous.get("/api/health")).status()).toBe(200);
  expect((await anonymous.post("/api/v1/nope", { data: {} })).status()).toBe(404);
  expect((await anonymous.get("/api/v1/campaigns")).status()).toBe(401);
});

test("a body that trickles is cut off; a slow but steady upload goes through", async ({ page, baseURL }) => {
  test.setTimeout(90_000);
  const started = Date.now();
  let stopped = false;
  const trickle = await raw(baseURL!, "POST", "/api/v1/events", { "content-type": "application/json", authorization: "Bearer hk_live_x", "content-length": "1000" }, async (write) => {
    for (let i = 0; i < 200 && !stopped; i++) {
      write("[");
      await sleep(2_000);
    }
  });
  stopped = true;
  expect(trickle.closed || trickle.status === 0).toBe(true);
  expect(Date.now() - started).toBeLessThan(30_000);

  const cookie = await cookieOf(page);
  const csv = csvOf(240 * 1024);
  const slow = await raw(baseURL!, "POST", "/api/imports", { "content-type": "text/csv", cookie, origin: baseURL!, "content-length": String(csv.length) }, async (write, end) => {
    // 16 KB a second: 15 s, longer than a stall window
    for (let at = 0; at < csv.length; at += 16 * 1024) {
      write(csv.subarray(at, at + 16 * 1024));
      await sleep(1_000);
    }
    end();
  });
  expect(slow.status).toBe(200);
  expect(JSON.parse(slow.body).inspection.bytes).toBe(csv.length);
});
