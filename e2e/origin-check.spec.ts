// Issue 11, hole 5: a page on another origin (here another port of 127.0.0.1: same site, so the
// browser sends the session cookie along) posts to the internal routes with the signed-in owner's
// cookies. The routes refuse it on its Origin (403) and the webhook receiver hears nothing; the
// editor's own requests keep working.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "./fixtures";

const received: string[] = [];
let receiver: Server;
let attacker: Server;
let receiverPort = 0;
let attackerUrl = "";

test.beforeAll(async () => {
  receiver = createServer((req, res) => {
    received.push(req.url ?? "");
    req.resume();
    res.writeHead(200).end("ok");
  });
  attacker = createServer((_, res) => res.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><title>Cute cats</title><h1>Cute cats</h1>"));
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  await new Promise<void>((resolve) => attacker.listen(0, "127.0.0.1", resolve));
  receiverPort = (receiver.address() as AddressInfo).port;
  attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`;
});

test.afterAll(async () => {
  for (const server of [receiver, attacker]) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

test("a page on another origin cannot make test sends or previews with the member's session", async ({ page, baseURL }) => {
  await page.goto(attackerUrl);
  await expect(page.getByRole("heading", { name: "Cute cats" })).toBeVisible();
  const sample = { action: { url: `http://127.0.0.1:${receiverPort}/stolen` }, campaign: { name: "x" } };
  for (const [path, type] of [
    ["/api/test-sends", "text/plain"],
    ["/api/test-sends", "application/json"],
    ["/api/preview", "text/plain"],
  ] as const) {
    const answered = page.waitForResponse((r) => r.url() === `${baseURL}${path}` && r.request().method() === "POST", { timeout: 5_000 });
    // no-cors with text/plain is what a hostile page can send without a preflight; with JSON it needs CORS, which fails, but the request still goes out first.
    await page.evaluate(
      async ({ url, body, type }) => {
        await fetch(url, { method: "POST", credentials: "include", mode: type === "text/plain" ? "no-cors" : "cors", headers: { "content-type": type }, body }).catch(() => undefined);
      },
      { url: `${baseURL}${path}`, body: JSON.stringify(sample), type },
    );
    const response = await answered.catch(() => null);
    // A JSON cross-origin POST is stopped at its preflight (no response to the POST at all); anything that does arrive is refused.
    if (type === "text/plain") expect(response, `${path} as ${type} reached the server`).not.toBeNull();
    if (response) expect(response.status(), `${path} as ${type}`).toBe(403);
  }
  expect(received).toEqual([]);

  // The app's own pages still preview as you type.
  await page.goto("/campaigns/new");
  const preview = page.waitForResponse((r) => r.url() === `${baseURL}/api/preview` && r.status() === 200);
  await page.getByLabel("URL", { exact: true }).fill(`http://127.0.0.1:${receiverPort}/hooks/{{user.id}}`);
  await preview;
  expect(received).toEqual([]);
});
