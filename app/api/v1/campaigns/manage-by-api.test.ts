// What the campaign page and the delivery log let an editor do, through the API too: read one
// delivery with its attempts (secrets masked), retry a campaign's failed deliveries, cancel its
// waiting ones, delete it. Each by role, against a real receiver on 127.0.0.1.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { apiKeyHeaders, apiRequest, routeParams } from "@/lib/api/testing";
import { db } from "@/lib/db";
import { EmbeddedEngine } from "@/lib/delivery/engine/embedded-engine";
import { setDeliveryQueue } from "@/lib/delivery/engine/queue";
import { testDeliveryDeps } from "@/lib/delivery/testing/deps";
import { startReceiver, waitFor } from "@/lib/delivery/testing/receiver";
import { POST as create } from "./route";
import { DELETE, GET as getOne } from "./[id]/route";
import { POST as activate } from "./[id]/activate/route";
import { POST as retryFailed } from "./[id]/retry-failed/route";
import { POST as cancelScheduled } from "./[id]/cancel-scheduled/route";
import { GET as getDelivery } from "../deliveries/[id]/route";

const SECRET = "crm-secret-7f3a9c";
let editor: Record<string, string>;
let viewer: Record<string, string>;
let failing = true;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let engine: EmbeddedEngine | null = null;

beforeAll(async () => {
  editor = await apiKeyHeaders("editor");
  viewer = await apiKeyHeaders("viewer");
  receiver = await startReceiver((req) =>
    failing && req.path.endsWith("/mgr-bad") ? { status: 500, body: "down" } : { status: 200, headers: { "content-type": "application/json" }, body: '{"ok":true}' },
  );
  await db().user.createMany({ data: [{ id: "mgr-good", attributes: {} }, { id: "mgr-bad", attributes: {} }] });
});
afterEach(async () => {
  await engine?.stop();
  engine = null;
  setDeliveryQueue(null);
});
afterAll(async () => receiver.close());

async function startEngine() {
  engine = new EmbeddedEngine(db(), await testDeliveryDeps({ retryScheduleMs: [100] }), { concurrency: 10, hostConcurrency: 10, leaseMs: 30_000, idlePollMs: 50 });
  setDeliveryQueue(engine);
  await engine.start();
}

const audience = { conditions: [{ key: "id", operator: "contains", value: "mgr-" }] };
async function newCampaign(name: string, delivery: object) {
  const res = await create(
    apiRequest("POST", "/campaigns", editor, {
      name,
      actions: [{ name: "CRM", url: `${receiver.url}/contacts/{{user.id}}`, headers: [{ name: "X-Api-Key", value: SECRET, secret: true }], fields: [{ key: "id", value: "{{user.id}}" }] }],
      delivery: { audience, ...delivery },
    }),
  );
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string };
}
const statesOf = async (campaignId: string) => (await db().delivery.findMany({ where: { campaignId }, orderBy: { userId: "asc" }, select: { id: true, userId: true, state: true } }));

describe("managing a campaign's deliveries through the API", () => {
  it("reads a delivery with its attempts, secrets masked; retries the failed ones", async () => {
    const campaign = await newCampaign("Retry by API", { rule: { when: "immediate" }, actions: [{ id: "@0", subDelivery: { kind: "immediate" }, retryPolicy: "none" }] });
    expect((await activate(apiRequest("POST", `/campaigns/${campaign.id}/activate`, editor), routeParams(campaign.id))).status).toBe(200);
    await startEngine();
    await waitFor(async () => (await statesOf(campaign.id)).every((d) => d.state === "delivered" || d.state === "failed"), 30_000, 50);
    const [bad, good] = await statesOf(campaign.id);
    expect([bad!.state, good!.state]).toEqual(["failed", "delivered"]);

    const res = await getDelivery(apiRequest("GET", `/deliveries/${good!.id}`, viewer), routeParams(good!.id));
    expect(res.status).toBe(200);
    const text = await res.clone().text();
    expect(text).not.toContain(SECRET);
    const detail = await res.json();
    expect(detail).toMatchObject({ id: good!.id, campaignId: campaign.id, userId: "mgr-good", state: "delivered", attempts: [{ number: 1, outcome: "delivered", status: 200 }] });
    expect(detail.attempts[0].request.headers).toContainEqual(["X-Api-Key", "••••"]);
    expect(detail.attempts[0].response).toMatchObject({ status: 200, body: '{"ok":true}' });
    expect((await getDelivery(apiRequest("GET", "/deliveries/nope", viewer), routeParams("nope"))).status).toBe(404);

    expect((await retryFailed(apiRequest("POST", `/campaigns/${campaign.id}/retry-failed`, viewer), routeParams(campaign.id))).status).toBe(403);
    failing = false;
    const retried = await retryFailed(apiRequest("POST", `/campaigns/${campaign.id}/retry-failed`, editor), routeParams(campaign.id));
    expect(retried.status).toBe(200);
    expect(await retried.json()).toEqual({ retried: 1, left: 0, message: "Retrying 1 failed delivery." });
    await waitFor(async () => (await statesOf(campaign.id)).every((d) => d.state === "delivered"), 30_000, 50);
    const bads = receiver.received.filter((r) => r.path === "/contacts/mgr-bad");
    expect(bads).toHaveLength(2);
    expect(bads[0]!.headers["webhook-id"]).toBe(bads[1]!.headers["webhook-id"]);
    expect(await (await retryFailed(apiRequest("POST", `/campaigns/${campaign.id}/retry-failed`, editor), routeParams(campaign.id))).json()).toEqual({ retried: 0, left: 0, message: "No failed deliveries to retry." });
    expect((await retryFailed(apiRequest("POST", "/campaigns/nope/retry-failed", editor), routeParams("nope"))).status).toBe(404);
    const audit = await db().auditLog.findFirst({ where: { target: campaign.id, action: "delivery.retried_all_failed" } });
    expect(audit).toMatchObject({ actor: 'API key "test editor"', details: { count: 1 } });
  }, 60_000);

  it("cancels the waiting deliveries of a campaign scheduled for later; nothing is sent", async () => {
    const campaign = await newCampaign("Cancel by API", { rule: { when: "scheduled", sendAt: "2099-01-01T09:00", timeZone: "UTC" } });
    const activated = await activate(apiRequest("POST", `/campaigns/${campaign.id}/activate`, editor), routeParams(campaign.id));
    expect((await activated.json()).counts.scheduled).toBe(2);
    expect((await cancelScheduled(apiRequest("POST", `/campaigns/${campaign.id}/cancel-scheduled`, viewer), routeParams(campaign.id))).status).toBe(403);
    const cancelled = await cancelScheduled(apiRequest("POST", `/campaigns/${campaign.id}/cancel-scheduled`, editor), routeParams(campaign.id));
    expect(await cancelled.json()).toEqual({ cancelled: 2 });
    expect((await statesOf(campaign.id)).map((d) => d.state)).toEqual(["cancelled", "cancelled"]);
    expect(await (await cancelScheduled(apiRequest("POST", `/campaigns/${campaign.id}/cancel-scheduled`, editor), routeParams(campaign.id))).json()).toEqual({ cancelled: 0 });
    expect((await cancelScheduled(apiRequest("POST", "/campaigns/nope/cancel-scheduled", editor), routeParams("nope"))).status).toBe(404);
  });

  it("deletes a campaign with its deliveries: not a viewer, audited, a second time is a 404", async () => {
    const campaign = await newCampaign("Delete by API", { rule: { when: "scheduled", sendAt: "2099-01-01T09:00", timeZone: "UTC" } });
    expect((await activate(apiRequest("POST", `/campaigns/${campaign.id}/activate`, editor), routeParams(campaign.id))).status).toBe(200);
    expect((await DELETE(apiRequest("DELETE", `/campaigns/${campaign.id}`, viewer), routeParams(campaign.id))).status).toBe(403);
    const deleted = await DELETE(apiRequest("DELETE", `/campaigns/${campaign.id}`, editor), routeParams(campaign.id));
    expect(deleted.status).toBe(204);
    expect((await getOne(apiRequest("GET", `/campaigns/${campaign.id}`, viewer), routeParams(campaign.id))).status).toBe(404);
    expect(await db().delivery.count({ where: { campaignId: campaign.id } })).toBe(0);
    expect(await db().auditLog.findFirst({ where: { target: campaign.id, action: "campaign.deleted" } })).toMatchObject({ actor: 'API key "test editor"', details: { name: "Delete by API", status: "active" } });
    expect((await DELETE(apiRequest("DELETE", `/campaigns/${campaign.id}`, editor), routeParams(campaign.id))).status).toBe(404);
  });
});
