// Issue 11, hole 1 through the public API: a campaign created with a key cannot carry another
// action's stored secrets ("••••" + copiedFrom or a foreign id) to a server of its own, even once
// activated and delivered. Real engine, real receivers on 127.0.0.1.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
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

let victim: Awaited<ReturnType<typeof startReceiver>>;
let attacker: Awaited<ReturnType<typeof startReceiver>>;
let engine: EmbeddedEngine | null = null;
let victimActionId = "";

beforeAll(async () => {
  victim = await startReceiver();
  attacker = await startReceiver();
  await db().user.create({ data: { id: "reader", email: "reader@example.com", attributes: {} } });
  const { id } = await saveCampaign(
    campaignDraftSchema.parse({
      name: "Victim",
      actions: [{ name: "CRM", url: `http://crm:hunter2@127.0.0.1:${victim.port}/hook`, headers: [{ name: "X-Api-Key", value: "key-123", secret: true }] }],
    }),
  );
  victimActionId = (await db().action.findFirstOrThrow({ where: { campaignId: id } })).id;
  await rotateSigningSecret(id, victimActionId); // signed: no copy may sign with it
  engine = new EmbeddedEngine(db(), await testDeliveryDeps({ retryScheduleMs: [100] }), { concurrency: 5, hostConcurrency: 5, leaseMs: 30_000, idlePollMs: 50 });
  setDeliveryQueue(engine);
  await engine.start();
});
afterEach(() => {
  victim.received.length = 0;
  attacker.received.length = 0;
});
afterAll(async () => {
  await engine?.stop();
  setDeliveryQueue(null);
  await Promise.all([victim.close(), attacker.close()]);
});

const post = (path: string, key: Record<string, string>, body?: unknown) =>
  new Request(`http://127.0.0.1/api/v1${path}`, {
    method: "POST",
    headers: { ...key, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

/** Creates and activates a campaign through the API with `key`; resolves once its one delivery was made. */
async function createAndDeliver(key: Record<string, string>, action: Record<string, unknown>) {
  const { expectNotices: _, ...sent } = action;
  const created = await create(post("/campaigns", key, { name: "Mine", actions: [{ name: "Mine", ...sent }] }));
  expect(created.status).toBe(201);
  const { id, notices } = (await created.json()) as { id: string; notices?: Record<string, string> };
  // the API says which stored secrets it did not keep, by field
  expect(Object.keys(notices ?? {}).sort()).toEqual(action.expectNotices === false ? [] : ["actions.0.headers.0.value", "actions.0.url"]);
  if (action.expectNotices !== false) await activateWithOwnKey(key, id, String(sent.url));
  else expect((await activate(post(`/campaigns/${id}/activate`, key), { params: Promise.resolve({ id }) })).status).toBe(200);
  await waitFor(async () => (await db().delivery.count({ where: { campaignId: id, state: "delivered" } })) === 1);
}

/**
 * A copy whose secret header was not kept has that header empty: Activate refuses it, naming it (so the
 * stored value is not there to be sent); the copier types a key of their own and activates.
 */
async function activateWithOwnKey(key: Record<string, string>, id: string, url: string) {
  const refused = await activate(post(`/campaigns/${id}/activate`, key), { params: Promise.resolve({ id }) });
  expect(refused.status).toBe(409);
  expect((await refused.json()).error.message).toMatch(/The secret header "X-Api-Key" has no value/);
  const own = await db().action.findFirstOrThrow({ where: { campaignId: id } });
  const put = new Request(`http://127.0.0.1/api/v1/campaigns/${id}`, {
    method: "PUT",
    headers: { ...key, "content-type": "application/json" },
    body: JSON.stringify({ name: "Mine", actions: [{ id: own.id, name: "Mine", url: url.replace("crm:••••@", ""), headers: [{ name: "X-Api-Key", value: "my-own-key", secret: true }] }] }),
  });
  expect((await PUT(put, { params: Promise.resolve({ id }) })).status).toBe(200);
  expect((await activate(post(`/campaigns/${id}/activate`, key), { params: Promise.resolve({ id }) })).status).toBe(200);
}

const leaks = (r: { headers: Record<string, unknown>; body: string }) => {
  const seen = JSON.stringify(r.headers) + r.body;
  return ["key-123", "hunter2", Buffer.from("crm:hunter2").toString("base64")].filter((s) => seen.includes(s)).concat(r.headers["webhook-signature"] ? ["webhook-signature"] : []);
};

describe("POST /api/v1/campaigns cannot take another action's secrets", () => {
  const masked = (port: number, path = "/steal") => ({ url: `http://crm:••••@127.0.0.1:${port}${path}`, headers: [{ name: "X-Api-Key", value: "••••", secret: true }] });

  it("an editor's key naming copiedFrom, pointed at its own server: the server gets no stored secret and no signature", async () => {
    await createAndDeliver(await apiKeyHeaders("editor"), { ...masked(attacker.port), copiedFrom: victimActionId });
    expect(attacker.received).toHaveLength(1);
    expect(leaks(attacker.received[0]!)).toEqual([]);
    expect(attacker.received[0]!.headers["x-api-key"]).toBe("my-own-key"); // the stored one was cleared: Activate asked for one
  });

  for (const [how, named] of [
    ["the victim's id", () => ({ id: victimActionId })],
    ["both", () => ({ id: victimActionId, copiedFrom: victimActionId })],
  ] as const) {
    it(`an editor's key naming ${how}: a 400 naming the id (it is not this campaign's webhook), nothing created`, async () => {
      const campaigns = await db().campaign.count();
      const res = await create(post("/campaigns", await apiKeyHeaders("editor"), { name: "Mine", actions: [{ name: "Mine", ...masked(attacker.port), ...named() }] }));
      expect(res.status).toBe(400);
      expect((await res.json()).error.message).toMatch(/^actions\.0\.id: .*not in this campaign/);
      expect(await db().campaign.count()).toBe(campaigns);
    });
  }

  it("not even an admin's key moves them to another origin", async () => {
    await createAndDeliver(await apiKeyHeaders("admin"), { ...masked(attacker.port), copiedFrom: victimActionId });
    expect(leaks(attacker.received[0]!)).toEqual([]);
  });

  it("an editor's copy at the original's own origin gets nothing either; an admin's copy there keeps password and header (never the signing secret)", async () => {
    await createAndDeliver(await apiKeyHeaders("editor"), { ...masked(victim.port), copiedFrom: victimActionId });
    expect(leaks(victim.received[0]!)).toEqual([]);
    victim.received.length = 0;
    await createAndDeliver(await apiKeyHeaders("admin"), { ...masked(victim.port, "/hook"), copiedFrom: victimActionId, expectNotices: false });
    expect(leaks(victim.received[0]!)).toEqual(["key-123", Buffer.from("crm:hunter2").toString("base64")]);
  });

  it("PUT keeping a signed action's own id but pointing it at another server: secrets cleared, signing secret removed, nothing leaks once delivered", async () => {
    const { id } = await saveCampaign(
      campaignDraftSchema.parse({ name: "Victim 2", actions: [{ url: `http://crm:hunter2@127.0.0.1:${victim.port}/hook`, headers: [{ name: "X-Api-Key", value: "key-123", secret: true }] }] }),
    );
    const own = await db().action.findFirstOrThrow({ where: { campaignId: id } });
    await rotateSigningSecret(id, own.id);
    const editor = await apiKeyHeaders("editor");
    const put = new Request(`http://127.0.0.1/api/v1/campaigns/${id}`, {
      method: "PUT",
      headers: { ...editor, "content-type": "application/json" },
      body: JSON.stringify({ name: "Victim 2", actions: [{ id: own.id, name: "CRM", ...masked(attacker.port) }] }),
    });
    const res = await PUT(put, { params: Promise.resolve({ id }) });
    expect(res.status).toBe(200);
    const { notices } = (await res.json()) as { notices: Record<string, string> };
    expect(notices["actions.0.url"]).toMatch(/password was cleared.*signing secret was removed/);
    expect(notices["actions.0.headers.0.value"]).toMatch(/host changed/);
    await activateWithOwnKey(editor, id, masked(attacker.port).url);
    await waitFor(async () => (await db().delivery.count({ where: { campaignId: id, state: "delivered" } })) === 1);
    expect(attacker.received).toHaveLength(1);
    expect(leaks(attacker.received[0]!)).toEqual([]);
  });
});
