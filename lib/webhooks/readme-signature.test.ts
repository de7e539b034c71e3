// The README tells a customer how to verify a webhook's signature ("Verifying signatures"): its recipe,
// run as written on what Hookline sends to a real receiver, must accept every kind of request (JSON, form,
// GET, during a rotation) and refuse a changed one; and the standardwebhooks package, used as the README says.
import http from "node:http";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderWebhookRequest } from "./render-request";
import { sendWebhook } from "./send";
import { generateSigningSecret } from "./sign";
import type { WebhookTemplate } from "./types";

type Received = { headers: Record<string, string>; body: string };
type Verify = (secret: string, headers: Record<string, string>, rawBody: string) => boolean;

/** The README's own code block, as a customer would paste it. */
function readmeRecipe(): Verify {
  const readme = readFileSync("README.md", "utf8");
  const section = readme.slice(readme.indexOf("### Verifying signatures"));
  const code = /```js\n([\s\S]*?)```/.exec(section)?.[1];
  if (!code?.includes("function verifyHookline")) throw new Error("README: no verifyHookline code block under Verifying signatures");
  return new Function("require", `${code}\nreturn verifyHookline;`)(createRequire(import.meta.url)) as Verify;
}

let server: http.Server;
let base: string;
let received: Received | null = null;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c)).on("end", () => {
      received = { headers: req.headers as Record<string, string>, body: Buffer.concat(chunks).toString("utf8") };
      res.end("ok");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const fields: WebhookTemplate["fields"] = [
  { key: "name", value: "{{user.firstName}} 🎉", type: "text" },
  { key: "city", value: "{{user.city}}", type: "text" },
];

async function signedDelivery(template: Partial<WebhookTemplate>, secrets: string[]): Promise<Received> {
  const rendered = renderWebhookRequest(
    { method: "POST", url: `${base}/hook`, contentType: "application/json", fields, headers: [], signingSecrets: secrets, ...template },
    { user: { id: "u-1", email: "mary@example.com", attributes: { firstName: 'Ma"ry', city: "São Paulo/Centro" } }, now: new Date() },
    { webhookId: "msg_readme" + Math.random().toString(36).slice(2), timestamp: new Date() },
  );
  if (!rendered.ok) throw new Error(JSON.stringify(rendered.errors));
  received = null;
  const result = await sendWebhook(rendered.request);
  expect(result.outcome).toBe("delivered");
  return received!;
}

const kinds: [string, Partial<WebhookTemplate>][] = [
  ["a JSON POST", {}],
  ["a form-encoded POST", { contentType: "application/x-www-form-urlencoded" }],
  ["a GET (no body)", { method: "GET" }],
];

describe("the README's signature verification", () => {
  const verifyHookline = readmeRecipe();

  it.each(kinds)("its recipe accepts %s as sent, with either secret during a rotation, and refuses it changed", async (_, template) => {
    const current = generateSigningSecret();
    const previous = generateSigningSecret();
    const got = await signedDelivery(template, [current, previous]);
    expect(verifyHookline(current, got.headers, got.body)).toBe(true);
    expect(verifyHookline(previous, got.headers, got.body)).toBe(true);
    expect(verifyHookline(generateSigningSecret(), got.headers, got.body)).toBe(false);
    expect(verifyHookline(current, got.headers, got.body + " ")).toBe(false);
    expect(verifyHookline(current, { ...got.headers, "webhook-id": "msg_other" }, got.body)).toBe(false);
    const stale = String(Number(got.headers["webhook-timestamp"]) - 6 * 60);
    expect(verifyHookline(current, { ...got.headers, "webhook-timestamp": stale }, got.body)).toBe(false);
  });

  it.each(kinds)("the standardwebhooks package verifies %s as the README says (jsonParse: false for a form)", async (_, template) => {
    const secret = generateSigningSecret();
    const got = await signedDelivery(template, [secret]);
    const form = template.contentType === "application/x-www-form-urlencoded";
    expect(() => new Webhook(secret).verify(got.body, got.headers, form ? { jsonParse: false } : undefined)).not.toThrow();
    // the README's warning: without the option a form body throws although its signature matched
    if (form) expect(() => new Webhook(secret).verify(got.body, got.headers)).toThrow(SyntaxError);
    expect(() => new Webhook(generateSigningSecret()).verify(got.body, got.headers, { jsonParse: false })).toThrow(/No matching signature/);
  });
});
