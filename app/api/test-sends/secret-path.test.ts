// Through the editor's Test send and Preview: a saved webhook's masked secrets at another path of the
// same host (the editor's own endpoint on a victim.receiver host) are not sent, nor is the request signed; the
// preview says at each field that they cannot be kept. One real receiver on 127.0.0.1 for both paths.
import { describe, expect, it } from "vitest";
import { victimWebhookForFile } from "@/lib/campaigns/testing/victim-webhook";
import { POST as testSend } from "./route";
import { POST as preview } from "../preview/route";

const victim = victimWebhookForFile("/victim");

const call = (route: (r: Request) => Promise<Response>, path: string, cookie: string, body: unknown) =>
  route(new Request(`http://127.0.0.1${path}`, { method: "POST", headers: { "content-type": "application/json", origin: "http://127.0.0.1", cookie }, body: JSON.stringify(body) }));
const action = (path: string) => ({ id: victim.actionId, name: "CRM", url: `http://crm:••••@127.0.0.1:${victim.receiver.port}${path}`, headers: [{ name: "X-Api-Key", value: "••••", secret: true }] });
const campaign = () => ({ id: victim.campaignId, name: "Victim" });

describe("POST /api/test-sends with a saved webhook's masked secrets at another path", () => {
  for (const path of ["/attacker", "/victim?to=attacker", "/victim/", "/%76ictim", "/victim{{#if true}}/../attacker{{/if}}"]) {
    it(`${path}: nothing is sent, and the answer says why`, async () => {
      const res = await call(testSend, "/api/test-sends", victim.cookies.editor, { action: action(path), campaign: campaign(), userId: "u1" });
      expect(res.status).toBe(200);
      const sent = (await res.json()) as { error: string | null };
      expect(sent.error).toMatch(/path or query changed, so the saved password cannot be used: type it again/);
      expect(sent.error).toMatch(/"X-Api-Key" cannot be used/);
      expect(victim.receiver.received).toHaveLength(0);
    });
  }

  it("at its saved path it is sent with them, signed", async () => {
    const res = await call(testSend, "/api/test-sends", victim.cookies.editor, { action: action("/victim"), campaign: campaign(), userId: "u1" });
    expect(((await res.json()) as { error: string | null }).error).toBeNull();
    expect(victim.receiver.received).toHaveLength(1);
    expect(victim.receiver.received[0]!.headers).toMatchObject({ "x-api-key": "key-123", authorization: `Basic ${Buffer.from("crm:hunter2").toString("base64")}` });
    expect(victim.receiver.received[0]!.headers["webhook-signature"]).toBeTruthy();
  });
});

describe("POST /api/preview with them at another path", () => {
  it("warns at the URL and the header that they cannot be kept, and shows no signature", async () => {
    const res = await call(preview, "/api/preview", victim.cookies.editor, { action: action("/attacker"), campaign: campaign(), userId: "u1" });
    const shown = (await res.json()) as { request: { url: string; headers: [string, string][] }; warnings: { field: string; message: string }[] };
    expect(shown.warnings.map((w) => [w.field, w.message])).toEqual([
      ["url", expect.stringMatching(/path or query changed, so the saved password cannot be kept: type it again, or change the URL back/)],
      ["headers[0].value", expect.stringMatching(/saved value of the header "X-Api-Key" cannot be kept/)],
      ["url", expect.stringMatching(/path or query changed, so this request is not signed/)],
    ]);
    expect(Object.fromEntries(shown.request.headers)["webhook-signature"]).toBeUndefined();
    expect(JSON.stringify(shown)).not.toMatch(/key-123|hunter2/);
  });
});
