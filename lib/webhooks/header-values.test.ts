// A header value with a control character or a broken character (lone UTF-16 surrogate) can never
// be sent: one rule (request-headers.ts) refuses it when a campaign is saved, refuses it again once
// rendered (a failed delivery, not a retryable one), and the sender classifies what still slips
// through to undici as failed.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { campaignDraftSchema } from "../campaigns/schemas";
import { renderWebhookRequest } from "./render-request";
import { headerValueCharacterProblem } from "./request-headers";
import { sendWebhook } from "./send";

const unsendable = ["a\u0001b", "del\u007f", "bell\u0007", "esc\u001b[0m", "nul\u0000", "cr\rlf", "half \ud800 pair", "low \udc00 alone"];
const fine = ["plain", "tab\tinside", "São Paulo", "emoji 🎉", "Bearer abc.def-ghi_~+/="];

let server: http.Server;
let base = "";
let hits = 0;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    hits++;
    req.resume();
    res.end("ok");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe("header values: one rule", () => {
  it.each(unsendable)("refuses %j", (value) => {
    expect(headerValueCharacterProblem(value)).toMatch(/cannot contain/);
  });
  it.each(fine)("accepts %j", (value) => {
    expect(headerValueCharacterProblem(value)).toBeNull();
  });
});

describe("saving: the campaign schema refuses them at the field", () => {
  it.each(unsendable)("%j", (value) => {
    const parsed = campaignDraftSchema.safeParse({ name: "x", actions: [{ url: "https://a.example.com/", headers: [{ name: "X-Flag", value }] }] });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => i.path.join("."))).toContain("actions.0.headers.0.value");
  });
});

describe("rendering: a rendered value with one is a template error (never sent, never retried)", () => {
  it.each(unsendable)("%j", (value) => {
    const r = renderWebhookRequest(
      { method: "POST", url: "https://api.example.com/", contentType: "application/json", fields: [], headers: [{ name: "X-Flag", value: "{{{user.flag}}}" }] },
      { user: { id: "u", attributes: { flag: value } }, now: new Date() },
      { webhookId: "msg_x", timestamp: new Date() },
    );
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors.map((e) => e.field)).toEqual(["headers[0].value"]);
  });
});

describe("sending: what undici refuses is failed, not retryable", () => {
  it.each(["a\u0001b", "del\u007f"])("%j", async (value) => {
    const before = hits;
    const result = await sendWebhook({ method: "POST", url: `${base}/hook`, headers: [["X-Flag", value]], body: "{}" });
    expect(result).toMatchObject({ outcome: "failed", errorKind: "invalid" });
    expect(result.error).toMatch(/could not be sent/);
    expect(hits).toBe(before);
  });
});
