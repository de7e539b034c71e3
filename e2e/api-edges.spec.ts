// The public API's edges over real HTTP against `npm start`: /api/v1 itself and unknown paths answer
// the API's 404 (not the sign-in gate's 401), unknown internal /api paths the internal routes' 404, TRACE and a method a route lacks answer 405 with Allow in
// the envelope (TRACE was Next's 500 page on every path), and one webhook of a campaign is deleted by
// key, by role, as the editor's rule allows.
import { request as httpRequest } from "node:http";
import { test, expect } from "./fixtures";
import type { Page } from "@playwright/test";

async function createKey(page: Page, name: string, role: "editor" | "viewer"): Promise<string> {
  await page.goto("/settings");
  await page.getByRole("button", { name: "Create API key" }).click();
  await page.getByLabel("Key name").fill(name);
  await page.getByLabel("Role").first().selectOption(role);
  await page.getByRole("button", { name: "Create key" }).click();
  const key = (await page.getByLabel("New API key").textContent())!.trim();
  expect(key).toMatch(/^hk_live_/);
  return key;
}

// fetch() and Playwright's request refuse or rewrite TRACE: node:http sends it as a client would.
function trace(baseURL: string, path: string) {
  const url = new URL(path, baseURL);
  return new Promise<{ status: number; allow?: string; type?: string; body: string }>((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, method: "TRACE" }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, allow: res.headers.allow, type: res.headers["content-type"], body }));
    });
    req.on("error", reject);
    req.end();
  });
}

const notFound = (method: string, path: string) => ({ error: { code: "not_found", message: `No API route ${method} ${path}; the routes are listed in /api/v1/openapi.json`, details: null } });

test("/api/v1 itself and paths no route has answer the API's 404, other /api paths no route has the internal 404; TRACE and missing methods its 405", async ({ page, playwright, baseURL }) => {
  const anonymous = await playwright.request.newContext({ baseURL });
  for (const [method, path] of [["GET", "/api/v1"], ["POST", "/api/v1"], ["GET", "/api/v1/nope"], ["OPTIONS", "/api/v1/campaigns/c_1/nope"]] as const) {
    const res = await anonymous.fetch(path, { method });
    expect(res.status(), `${method} ${path}`).toBe(404);
    expect(await res.json()).toEqual(notFound(method, path));
  }
  // a trailing slash is Next's redirect to the path without it, which answers the same
  const slash = await anonymous.get("/api/v1/", { maxRedirects: 0 });
  expect([slash.status(), slash.headers()["location"]]).toEqual([308, "/api/v1"]);
  expect(await (await anonymous.get("/api/v1/")).json()).toEqual(notFound("GET", "/api/v1"));
  // a known route without a key is still the API's own 401
  const noKey = await anonymous.get("/api/v1/campaigns");
  expect(noKey.status()).toBe(401);
  expect(noKey.headers()["www-authenticate"]).toMatch(/^Bearer/);

  for (const [path, allow] of [["/api/v1/campaigns", "GET, HEAD, OPTIONS, POST"], ["/api/deliveries", "GET, HEAD, OPTIONS"]]) {
    const res = await trace(baseURL!, path!);
    expect(res.status, path).toBe(405);
    expect(res.allow, path).toBe(allow);
    expect(JSON.parse(res.body)).toEqual({ error: { code: "method_not_allowed", message: `TRACE is not allowed on ${path}; it allows ${allow}`, details: null } });
  }
  expect(JSON.parse((await trace(baseURL!, "/api/v1")).body)).toEqual(notFound("TRACE", "/api/v1"));
  const tracedPage = await trace(baseURL!, "/campaigns");
  expect([tracedPage.status, tracedPage.allow, tracedPage.body]).toEqual([405, "GET, HEAD, POST", "Method not allowed: TRACE"]);

  // an internal route, signed in: the envelope and Allow, not Next's empty 405
  const patched = await page.request.fetch("/api/deliveries", { method: "PATCH", headers: { origin: baseURL! } });
  expect(patched.status()).toBe(405);
  expect(patched.headers()["allow"]).toBe("GET, HEAD, OPTIONS");
  expect((await patched.json()).error.code).toBe("method_not_allowed");
  expect((await page.request.get("/api/health")).status()).toBe(200);

  // an internal path no route has, signed in or not: the envelope's 404, not Next's HTML page (or the 401)
  for (const [client, path] of [[page.request, "/api/nope"], [page.request, "/api/campaigns/c_1/nope"], [anonymous, "/api/nope"]] as const) {
    const res = await client.get(path);
    expect(res.status(), path).toBe(404);
    expect(res.headers()["content-type"], path).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ error: { code: "not_found", message: `No route GET ${path}`, details: null } });
  }
  expect(JSON.parse((await trace(baseURL!, "/api/nope")).body).error.code).toBe("not_found");
});

// Next decoded a route's [param] before any handler and answered a malformed escape with a plain-text 500.
test("a path with a malformed %-escape is a 400: the envelope under /api, a short page elsewhere", async ({ page, playwright, baseURL }) => {
  const anonymous = await playwright.request.newContext({ baseURL });
  const apiPaths = ["/api/v1/users/%FF", "/api/v1/campaigns/%FF", "/api/v1/deliveries/%C0", "/api/v1/templates/%FF", "/api/v1/users/%ED%A0%80", "/api/deliveries/%FF", "/api/imports/%FF"];
  for (const client of [anonymous, page.request]) {
    for (const path of apiPaths) {
      const res = await client.get(path);
      expect(res.status(), path).toBe(400);
      expect((await res.json()).error, path).toMatchObject({ code: "validation_error", message: "path: a % in the address is not a valid escape of UTF-8 text (such as %20 or %C3%A9)" });
    }
  }
  for (const path of ["/campaigns/%FF", "/users/%FF"]) {
    const res = await page.request.get(path);
    expect(res.status(), path).toBe(400);
    expect(await res.text(), path).toBe("Bad request: path: a % in the address is not a valid escape of UTF-8 text (such as %20 or %C3%A9)");
  }
});

test("one webhook of a campaign is deleted by an editor's key, not a viewer's; the last of an active campaign stays", async ({ page, playwright, baseURL }) => {
  const editor = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { authorization: `Bearer ${await createKey(page, "Webhook pruner", "editor")}` } });
  const viewer = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { authorization: `Bearer ${await createKey(page, "Webhook reader", "viewer")}` } });
  const created = await editor.post("/api/v1/campaigns", { data: { name: "Prune me", actions: [{ name: "CRM", url: "https://crm.example.com/hook" }, { name: "Slack", url: "https://hooks.example.com/slack" }] } });
  expect(created.status()).toBe(201);
  const { id, actions } = (await created.json()) as { id: string; actions: { id: string }[] };
  const [crm, slack] = actions.map((a) => a.id);

  expect((await viewer.delete(`/api/v1/campaigns/${id}/actions/${crm}`)).status()).toBe(403);
  expect((await editor.delete(`/api/v1/campaigns/${id}/actions/${crm}`)).status()).toBe(204);
  expect((await editor.delete(`/api/v1/campaigns/${id}/actions/${crm}`)).status()).toBe(404);
  expect(((await (await viewer.get(`/api/v1/campaigns/${id}`)).json()) as { actions: { name: string }[] }).actions.map((a) => a.name)).toEqual(["Slack"]);

  // triggered by an event nobody sends: active, with no deliveries for the webhook left
  expect((await editor.put(`/api/v1/campaigns/${id}/delivery`, { data: { rule: { when: "triggered", event: "e2e_never_sent" } } })).status()).toBe(200);
  expect((await editor.post(`/api/v1/campaigns/${id}/activate`)).status()).toBe(200);
  const last = await editor.delete(`/api/v1/campaigns/${id}/actions/${slack}`);
  expect(last.status()).toBe(409);
  expect((await last.json()).error.message).toContain("last webhook of this active campaign");
});
