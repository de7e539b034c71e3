// Stored secrets go only under their URL's fixed part, judged on the URL as sent: a GET's data fields
// become query parameters, so a field named like a parameter of the fixed query (`id` after
// `?id=victim`) sends `?id=victim&id=attacker`, which a receiver reading the last `id` serves as another
// endpoint. An editor who may not read the saved password, secret header or signing secret could point
// them at their own endpoint that way: before, the request went with all three. Test send, Preview,
// Activate and delivery (the request built from the saved row) say so at the field and send nothing.
import { describe, expect, it } from "vitest";
import { victimWebhookForFile } from "@/lib/campaigns/testing/victim-webhook";
import { db } from "@/lib/db";
import { getCampaignDraft, saveCampaign } from "@/lib/campaigns/campaigns";
import { campaignDraftSchema } from "@/lib/campaigns/schemas";
import { loadWebhookTemplate } from "@/lib/campaigns/action-template";
import { activateCampaign } from "@/lib/delivery/store/lifecycle";
import { renderWebhookRequest } from "@/lib/webhooks/render-request";
import { POST as testSend } from "./route";
import { POST as preview } from "../preview/route";

const victim = victimWebhookForFile("/hook?id=victim");

const call = (route: (r: Request) => Promise<Response>, path: string, body: unknown) =>
  route(new Request(`http://127.0.0.1${path}`, { method: "POST", headers: { "content-type": "application/json", origin: "http://127.0.0.1", cookie: victim.cookies.editor }, body: JSON.stringify(body) }));
// the saved webhook as the editor shows it (secrets masked), sent as a GET with one data field
const action = (key: string, method = "GET", contentType = "application/json") => ({
  id: victim.actionId,
  name: "CRM",
  method,
  contentType,
  url: `http://crm:••••@127.0.0.1:${victim.receiver.port}/hook?id=victim`,
  headers: [{ name: "X-Api-Key", value: "••••", secret: true }],
  fields: [{ key, value: "attacker", type: "text" }],
});
const campaign = () => ({ id: victim.campaignId, name: "Victim" });
const REFUSAL = /is a parameter of the URL's query already.*the URL's password, the secret header "X-Api-Key" and the signature are not sent/;

describe("a GET data field named like a parameter of the fixed query", () => {
  // as receivers may read the name: itself, another case (ASP.NET), PHP's a[] and a.b
  for (const key of ["id", "ID", "id[]", "Id "]) {
    it(`Test send with the field "${key}": nothing is sent, and the answer says why`, async () => {
      const res = await call(testSend, "/api/test-sends", { action: action(key), campaign: campaign(), userId: "u1" });
      expect(res.status).toBe(200);
      const sent = (await res.json()) as { error: string | null };
      expect(sent.error).toMatch(REFUSAL);
      expect(victim.receiver.received).toHaveLength(0);
    });
  }

  it("Preview says it at the field's key and shows no request", async () => {
    const res = await call(preview, "/api/preview", { action: action("id"), campaign: campaign(), userId: "u1" });
    const shown = (await res.json()) as { ok: boolean; errors?: { field: string; message: string }[] };
    expect(shown.errors?.map((e) => [e.field, e.message])).toEqual([["fields[0].key", expect.stringMatching(REFUSAL)]]);
    expect(JSON.stringify(shown)).not.toMatch(/key-123|hunter2/);
  });

  it("saved so, Activate refuses it and the request a delivery builds fails at the field", async () => {
    // saved twice from one reading: without its version (each save judged on its own)
    const { version: _version, ...draft } = (await getCampaignDraft(victim.campaignId, "editor"))!;
    const attacked = campaignDraftSchema.parse({ ...draft, actions: draft.actions.map((a) => ({ ...a, method: "GET", fields: [{ key: "id", value: "attacker", type: "text" }] })) });
    await saveCampaign(attacked, { role: "editor" });
    const row = await db().action.findUniqueOrThrow({ where: { id: victim.actionId } });
    expect(row.signingSecretEnc).toBeTruthy(); // the URL did not change: the save keeps every secret
    const activated = await activateCampaign(victim.campaignId);
    expect(activated.ok).toBe(false);
    expect(JSON.stringify(activated)).toMatch(/is a parameter of the URL's query already/);
    const now = new Date();
    const built = renderWebhookRequest(loadWebhookTemplate(row, now), { user: { id: "u1", email: null, attributes: {} }, now }, { webhookId: "msg_1", timestamp: now });
    expect(built.ok).toBe(false);
    expect(built.ok ? [] : built.errors.map((e) => e.field)).toEqual(["fields[0].key"]);
    // put back for the next test
    await saveCampaign(campaignDraftSchema.parse({ ...draft, actions: draft.actions.map((a) => ({ ...a, method: "POST", fields: [] })) }), { role: "editor" });
  });

  it("a field of another name is sent with the secrets, signed, after the fixed query", async () => {
    const res = await call(testSend, "/api/test-sends", { action: action("ref"), campaign: campaign(), userId: "u1" });
    expect(((await res.json()) as { error: string | null }).error).toBeNull();
    expect(victim.receiver.received).toHaveLength(1);
    expect(victim.receiver.received[0]!.path).toBe("/hook?id=victim&ref=attacker");
    expect(victim.receiver.received[0]!.headers).toMatchObject({ "x-api-key": "key-123", authorization: `Basic ${Buffer.from("crm:hunter2").toString("base64")}` });
    expect(victim.receiver.received[0]!.headers["webhook-signature"]).toMatch(/^v1,/);
  });
});

describe("a body field of another method named like a parameter of the fixed query", () => {
  // PHP's $_REQUEST, Laravel's input() and ASP.NET's model binding read the body's "id" before the query's
  for (const [method, contentType] of [["POST", "application/x-www-form-urlencoded"], ["PUT", "application/json"]] as const) {
    it(`${method} ${contentType}: nothing is sent, and the answer says why`, async () => {
      const res = await call(testSend, "/api/test-sends", { action: action("id", method, contentType), campaign: campaign(), userId: "u1" });
      const sent = (await res.json()) as { error: string | null };
      expect(sent.error).toMatch(/is a parameter of the URL's query already, and many receivers .* read a body's value before the query's/);
      expect(victim.receiver.received).toHaveLength(0);
    });
  }

  it("a JSON field's key names the body's parameter up to its first dot: id.x is the parameter id ({\"id\": {\"x\": …}})", async () => {
    const res = await call(testSend, "/api/test-sends", { action: action("id.x", "PUT"), campaign: campaign(), userId: "u1" });
    expect(((await res.json()) as { error: string | null }).error).toMatch(/is a parameter of the URL's query already/);
    expect(victim.receiver.received).toHaveLength(0);
  });

  it("a body field of another name goes with the secrets", async () => {
    const res = await call(testSend, "/api/test-sends", { action: action("ref", "POST"), campaign: campaign(), userId: "u1" });
    expect(((await res.json()) as { error: string | null }).error).toBeNull();
    expect(victim.receiver.received).toHaveLength(1);
    expect(victim.receiver.received[0]!.headers["x-api-key"]).toBe("key-123");
  });
});
