// The second review's cases, end to end on the embedded engine against a loopback receiver: a follow-up
// reading step 1's saved value inside #if with |params| waits for the answer; one that only tests a value
// step 1 did not save ({{#if user.coupon}}…{{else}}none{{/if}}) is sent as the template says; and the
// sentence of one that fails does not claim the answer had no value when it could not be saved.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../db";
import type { Prisma } from "../../db";
import { activateCampaign } from "../store/lifecycle";
import { listDeliveries } from "../store/log-queries";
import { EmbeddedEngine } from "./embedded-engine";
import { setDeliveryQueue } from "./queue";
import { startReceiver, waitFor, type Reply } from "../testing/receiver";
import { createUsers } from "../testing/fixtures";
import { testDeliveryDeps } from "../testing/deps";

let receiver: Awaited<ReturnType<typeof startReceiver>>;
beforeAll(async () => {
  receiver = await startReceiver(async (req): Promise<Reply> => {
    const userId = req.path.split("/").pop()!;
    if (req.path.startsWith("/slow/")) { await new Promise((r) => setTimeout(r, 1500)); return { status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify({ id: `crm-${userId}` }) }; }
    if (req.path.startsWith("/nocoupon/")) return { status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify({ ok: true }) };
    if (req.path.startsWith("/textjson/")) return { status: 200, headers: { "content-type": "text/plain" }, body: JSON.stringify({ id: `crm-${userId}` }) };
    return { status: 200 };
  });
});
afterAll(async () => receiver.close());

let engine: EmbeddedEngine | null = null;
afterEach(async () => { await engine?.stop(); engine = null; setDeliveryQueue(null); });
const start = async () => {
  engine = new EmbeddedEngine(db(), await testDeliveryDeps(), { concurrency: 20, hostConcurrency: 10, leaseMs: 30_000, idlePollMs: 100 });
  setDeliveryQueue(engine);
  await engine.start();
};
const step = (name: string, urlTemplate: string, extra: object = {}) => ({ name, urlTemplate, fields: [], headers: [], timeoutMs: 5000, ...extra });

async function run(prefix: string, actions: object[]) {
  const [user] = await createUsers(1, `${prefix}-u`);
  const campaign = await db().campaign.create({
    data: { name: prefix, deliveryRule: { when: "immediate" }, audience: { match: "all", conditions: [{ key: "id", operator: "contains", value: `${prefix}-` }] },
      actions: { create: actions.map((a, i) => ({ ...(a as object), position: i })) as never } },
    include: { actions: { orderBy: { position: "asc" } } },
  });
  expect((await activateCampaign(campaign.id)).ok).toBe(true);
  await waitFor(async () => (await db().delivery.count({ where: { campaignId: campaign.id, state: { in: ["delivered", "failed", "suppressed"] } } })) === actions.length, 40_000, 50);
  const rows = (await listDeliveries({ campaignId: campaign.id })).items;
  return { user: user!, campaign, rows };
}

describe("a follow-up and what step 1 saved (the second review)", () => {
  it("{{#if campaign as |c|}}{{user.crmId}}{{/if}} waits for step 1's answer and sends its value", async () => {
    await start();
    const { rows, user } = await run("rvt1", [
      step("Create contact", `${receiver.url}/slow/{{user.id}}`, { responseMapping: [{ path: "$.id", attribute: "crmId" }] as Prisma.InputJsonValue }),
      step("Follow up", `${receiver.url}/crm/{{#if campaign as |c|}}{{user.crmId}}{{/if}}`),
    ]);
    const crm = receiver.received.filter((r) => r.path.startsWith("/crm/"));
    expect(crm.map((r) => r.path)).toEqual([`/crm/crm-${user.id}`]);
    expect(rows.map((r) => r.state)).toEqual(["delivered", "delivered"]);
  }, 60_000);

  it("a value only tested ({{#if user.coupon}}…{{else}}none{{/if}}) that step 1 did not save: sent as none", async () => {
    await start();
    const { rows, campaign } = await run("rvt2", [
      step("Create contact", `${receiver.url}/nocoupon/{{user.id}}`, { responseMapping: [{ path: "$.coupon", attribute: "coupon" }] as Prisma.InputJsonValue }),
      step("Follow up", `${receiver.url}/opt/{{#if user.coupon}}{{user.coupon}}{{else}}none{{/if}}`),
    ]);
    const r2 = rows.find((r) => r.actionId === campaign.actions[1]!.id)!;
    expect(r2.state).toBe("delivered");
    expect(receiver.received.filter((r) => r.path.startsWith("/opt/")).map((r) => r.path)).toEqual(["/opt/none"]);
  }, 60_000);

  it("an answer whose value could not be saved (not JSON): the follow-up fails, saying nothing was saved, not that there was no value", async () => {
    await start();
    const { rows, campaign } = await run("rvt3", [
      step("Create contact", `${receiver.url}/textjson/{{user.id}}`, { responseMapping: [{ path: "$.id", attribute: "crmId" }] as Prisma.InputJsonValue }),
      step("Follow up", `${receiver.url}/crm3/{{user.crmId}}`),
    ]);
    const r2 = rows.find((r) => r.actionId === campaign.actions[1]!.id)!;
    expect(r2.state).toBe("failed");
    expect(r2.reason).toBe("Not sent: Webhook 1 (Create contact) delivered, but saved nothing from $.id (its attempt says why), so crmId was never saved; once the user has crmId, Retry sends this one");
    expect(receiver.received.filter((r) => r.path.startsWith("/crm3/"))).toEqual([]);
  }, 60_000);
});
