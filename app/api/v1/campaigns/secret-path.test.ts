// Through the public API, an editor's key cannot move a stored secret to another path of its host (a
// shared host: webhook.site/<their-id>): PUT or POST with "••••" at a changed path or query is a 400
// naming the field, nothing written; with the secrets typed again the new path is taken, and what is
// delivered there holds no stored secret. Real engine, one real receiver on 127.0.0.1 for both paths.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { apiKeyHeaders } from "@/lib/api/testing";
import { saveCampaign } from "@/lib/campaigns/campaigns";
import { campaignDraftSchema } from "@/lib/campaigns/schemas";
import { rotateSigningSecret } from "@/lib/campaigns/signing-secrets";
import { EmbeddedEngine } from "@/lib/delivery/engine/embedded-engine";
import { setDeliveryQueue } from "@/lib/delivery/engine/queue";
import { startReceiver, waitFor } from "@/lib/delivery/testing/receiver";
import { testDeliveryDeps } from "@/lib/delivery/testing/deps";
import { POST as create } from "./route";
import { POST as activate } from "./[id]/activate/route";
import { PUT } from "./[id]/route";

let shared: Awaited<ReturnType<typeof startReceiver>>;
let engine: EmbeddedEngine | null = null;
let campaignId = "";
let actionId = "";
let variantId = "";
let base = "";

beforeAll(async () => {
  shared = await startReceiver();
  base = `http://127.0.0.1:${shared.port}`;
  await db().user.create({ data: { id: "reader", email: "reader@example.com", attributes: {} } });
  const saved = await saveCampaign(
    campaignDraftSchema.parse({
      name: "Victim",
      actions: [
        {
          name: "CRM",
          url: `http://crm:hunter2@127.0.0.1:${shared.port}/victim`,
          headers: [{ name: "X-Api-Key", value: "key-123", secret: true }],
          splitPercent: 50,
          variants: [{ name: "B", url: `http://127.0.0.1:${shared.port}/victim-b`, headers: [{ name: "X-Api-Key", value: "key-b", secret: true }], splitPercent: 50 }],
        },
      ],
    }),
    { role: "admin" },
  );
  campaignId = saved.id;
  actionId = saved.actionIds[0]!;
  variantId = (await db().action.findFirstOrThrow({ where: { variantOfId: actionId } })).id;
  await rotateSigningSecret(campaignId, actionId);
  engine = new EmbeddedEngine(db(), await testDeliveryDeps({ retryScheduleMs: [100] }), { concurrency: 5, hostConcurrency: 5, leaseMs: 30_000, idlePollMs: 50 });
  setDeliveryQueue(engine);
  await engine.start();
});
afterAll(async () => {
  await engine?.stop();
  setDeliveryQueue(null);
  await shared.close();
});

const request = async (method: string, path: string, body: unknown, role: "editor" | "admin" = "editor") =>
  new Request(`http://127.0.0.1/api/v1${path}`, { method, headers: { ...(await apiKeyHeaders(role)), "content-type": "application/json" }, body: JSON.stringify(body) });
const params = (id: string) => ({ params: Promise.resolve({ id }) });
const masked = { name: "X-Api-Key", value: "••••", secret: true };
const variant = (over: Record<string, unknown> = {}) => ({ id: variantId, name: "B", url: `${base}/victim-b`, headers: [masked], splitPercent: 50, ...over });
const put = async (action: Record<string, unknown>, variants = [variant()]) =>
  PUT(await request("PUT", `/campaigns/${campaignId}`, { name: "Victim", actions: [{ id: actionId, name: "CRM", headers: [masked], splitPercent: 50, variants, ...action }] }), params(campaignId));

async function expect400(res: Response, fields: string[]) {
  expect(res.status).toBe(400);
  const { error } = (await res.json()) as { error: { message: string; details: { path: string; message: string }[] } };
  expect(error.details.map((d) => d.path).sort()).toEqual(fields.sort());
  for (const d of error.details) expect(d.message).toMatch(/path or query changed, so the saved .* cannot be kept: type it again/);
  expect(error.message).toMatch(/^actions\.0\./);
}

const storedUrl = async () => (await db().action.findUniqueOrThrow({ where: { id: actionId } })).urlTemplate;

describe("PUT /api/v1/campaigns/:id keeps a masked secret only at its saved path", () => {
  for (const [how, path] of [
    ["another path", "/attacker"],
    ["a query", "/victim?to=attacker"],
    ["a trailing slash", "/victim/"],
    ["percent-encoding", "/%76ictim"],
    ["a template before the path", "/{{user.id}}/victim"],
  ] as const) {
    it(`${how}: a 400 naming the URL and the header, nothing written`, async () => {
      const before = await storedUrl();
      await expect400(await put({ url: `http://crm:••••@127.0.0.1:${shared.port}${path}` }), ["actions.0.url", "actions.0.headers.0.value"]);
      expect(await storedUrl()).toBe(before);
    });
  }

  it("a variant's masked secret at another path: a 400 naming the variant's header", async () => {
    await expect400(await put({ url: `http://crm:••••@127.0.0.1:${shared.port}/victim` }, [variant({ url: `${base}/attacker` })]), ["actions.0.variants.0.headers.0.value"]);
  });

  it("an admin's copy (POST with copiedFrom) at another path of the same host: a 400, nothing created", async () => {
    const campaigns = await db().campaign.count();
    const res = await create(await request("POST", "/campaigns", { name: "Copy", actions: [{ copiedFrom: actionId, name: "CRM", url: `http://crm:••••@127.0.0.1:${shared.port}/attacker`, headers: [masked] }] }, "admin"), params(""));
    await expect400(res, ["actions.0.url", "actions.0.headers.0.value"]);
    expect(await db().campaign.count()).toBe(campaigns);
  });

  it("the same URL keeps them; another path with them typed again is taken, and its deliveries carry no stored secret", async () => {
    expect((await put({ url: `http://crm:••••@127.0.0.1:${shared.port}/victim` })).status).toBe(200);
    const res = await put({ url: `${base}/attacker`, headers: [{ name: "X-Api-Key", value: "typed-1", secret: true }] }, [variant({ url: `${base}/attacker-b`, headers: [{ name: "X-Api-Key", value: "typed-2", secret: true }] })]);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { notices: Record<string, string> }).notices["actions.0.url"]).toMatch(/path or query changed, so the signing secret was removed/);
    expect((await activate(await request("POST", `/campaigns/${campaignId}/activate`, {}), params(campaignId))).status).toBe(200);
    await waitFor(async () => (await db().delivery.count({ where: { campaignId, state: "delivered" } })) === 1);
    expect(shared.received.map((r) => r.path)).toEqual([expect.stringMatching(/^\/attacker/)]);
    const seen = JSON.stringify(shared.received);
    for (const secret of ["key-123", "key-b", "hunter2", Buffer.from("crm:hunter2").toString("base64"), "webhook-signature"]) expect(seen).not.toContain(secret);
  });
});
