// A follow-up that reads what an earlier step saves from its answer, when that step saved nothing for the
// user although nothing failed: (1) it delivered, but its answer had no value at the mapped path (no `id`);
// (2) it has no delivery to the user at all (a webhook added in front of the follow-up after the users were
// planned). A walkthrough found the follow-up sent as `POST /crm/` with `crm_id=` empty and recorded
// Delivered. It fails unsent, saying which step, path and attribute (never the answer's content), so a
// marketer sees it and retries it once the user has the value; a user who had the value from before is sent
// it. Both engines: the embedded one on either database, the BullMQ one on PostgreSQL and Redis. A real
// receiver on 127.0.0.1.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../db";
import type { Prisma } from "../../db";
import { activateCampaign, retryAllFailed } from "../store/lifecycle";
import { listDeliveries } from "../store/log-queries";
import { EmbeddedEngine } from "./embedded-engine";
import { setDeliveryQueue } from "./queue";
import { startReceiver, waitFor, type Reply } from "../testing/receiver";
import { createUsers } from "../testing/fixtures";
import { testDeliveryDeps } from "../testing/deps";
import { onPostgres, scaleOutHarness } from "../testing/scale-out-harness";

let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  // step 1 creates the contact: its answer has no `id` for users whose id says "noid"
  receiver = await startReceiver((req): Reply => {
    const userId = req.path.split("/").pop()!;
    if (!req.path.startsWith("/contacts/")) return { status: 200 };
    const body = userId.includes("noid") ? { status: "queued", secretNote: "do-not-repeat" } : { id: `crm-${userId}` };
    return { status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
  });
});
afterAll(async () => receiver.close());

const NO_VALUE = "Not sent: Webhook 1 (Create contact) delivered, but saved nothing from $.id (its attempt says why), so crmId was never saved; once the user has crmId, Retry sends this one";
const NO_DELIVERY = "Not sent: Webhook 1 (Create contact) has no delivery to this user, so crmId was never saved; once the user has crmId, Retry sends this one";

const createContact = {
  name: "Create contact",
  urlTemplate: "",
  fields: [],
  headers: [],
  timeoutMs: 5000,
  responseMapping: [{ path: "$.id", attribute: "crmId" }] as Prisma.InputJsonValue,
};
const followUp = (prefix: string) => ({
  name: "Follow up",
  urlTemplate: `${receiver.url}/crm/{{user.crmId}}`,
  fields: [{ key: "crm_id", value: "{{user.crmId}}", type: "text" }, { key: "who", value: `${prefix}:{{user.id}}`, type: "text" }],
  headers: [],
  timeoutMs: 5000,
});
const followUpsOf = (prefix: string) => receiver.received.filter((r) => r.path.startsWith("/crm/") && (JSON.parse(r.body) as { who: string }).who.startsWith(`${prefix}:`));

async function withUsers(prefix: string, crmIds: Record<string, string>) {
  const users: Record<string, string> = {};
  for (const name of Object.keys(crmIds)) {
    const [user] = await createUsers(1, `${prefix}-${name}`);
    users[name] = user!.id;
    if (crmIds[name]) await db().user.update({ where: { id: user!.id }, data: { attributes: { ...user!.attributes, crmId: crmIds[name] } } });
  }
  return users;
}

/** Step 1 delivered, its answer without `id`: the follow-up fails unsent for a user without crmId. */
async function deliveredWithoutValue(prefix: string) {
  const users = await withUsers(prefix, { ok: "", noid: "", noidkept: `old-${prefix}` });
  const campaign = await db().campaign.create({
    data: {
      name: `No value ${prefix}`,
      deliveryRule: { when: "immediate" },
      audience: { match: "all", conditions: [{ key: "id", operator: "contains", value: `${prefix}-` }] },
      actions: { create: [{ ...createContact, position: 0, urlTemplate: `${receiver.url}/contacts/{{user.id}}` }, { ...followUp(prefix), position: 1 }] },
    },
    include: { actions: { orderBy: { position: "asc" } } },
  });
  expect((await activateCampaign(campaign.id)).ok).toBe(true);
  await waitFor(async () => (await db().delivery.count({ where: { campaignId: campaign.id, state: { in: ["delivered", "failed", "suppressed"] } } })) === 6, 40_000, 50);

  const sent = followUpsOf(prefix);
  expect(sent.map((r) => JSON.parse(r.body).crm_id).sort()).toEqual([`crm-${users.ok}`, `old-${prefix}`]);
  // nothing went out with the id empty
  expect(sent.filter((r) => r.path === "/crm/")).toEqual([]);
  const rows = (await listDeliveries({ campaignId: campaign.id, actionId: campaign.actions[1]!.id })).items;
  const row = (userId: string) => rows.find((d) => d.userId === userId)!;
  // failed, unsent, saying which step, path and attribute; nothing of the answer's content
  expect(row(users.noid!)).toMatchObject({ state: "failed", reason: NO_VALUE, hold: null });
  expect(row(users.noid!).reason).not.toContain("queued");
  expect(row(users.ok!).state).toBe("delivered");
  expect(row(users.noidkept!).state).toBe("delivered");

  // the value set on the user (an import, the API), "Retry all failed" sends the follow-up with it (step 1 delivered: not retried)
  const noid = (await db().user.findUnique({ where: { id: users.noid! } }))!;
  await db().user.update({ where: { id: noid.id }, data: { attributes: { ...(noid.attributes as object), crmId: `set-${prefix}` } } });
  expect((await retryAllFailed(campaign.id, "test")).retried).toBe(1);
  await waitFor(async () => (await db().delivery.count({ where: { campaignId: campaign.id, state: "delivered" } })) === 6, 40_000, 50);
  expect(JSON.parse(followUpsOf(prefix).find((r) => r.path === `/crm/set-${prefix}`)!.body).crm_id).toBe(`set-${prefix}`);
}

/** Step 1 added in front of the follow-up after its users were planned: it has no delivery to them. */
async function noEarlierDelivery(prefix: string) {
  const users = await withUsers(prefix, { norow: "", norowkept: `old-${prefix}` });
  const campaign = await db().campaign.create({
    data: {
      name: `No delivery ${prefix}`,
      deliveryRule: { when: "immediate" },
      audience: { match: "all", conditions: [{ key: "id", operator: "contains", value: `${prefix}-` }] },
      actions: { create: [{ ...followUp(prefix), position: 0, subDelivery: { kind: "delay", seconds: 2 } }] },
    },
    include: { actions: true },
  });
  expect((await activateCampaign(campaign.id)).ok).toBe(true);
  // the editor's save: a webhook added in front, the follow-up moved to second
  await db().$transaction([
    db().action.update({ where: { id: campaign.actions[0]!.id }, data: { position: 1 } }),
    db().action.create({ data: { ...createContact, campaignId: campaign.id, position: 0, urlTemplate: `${receiver.url}/contacts/{{user.id}}` } }),
  ]);
  await waitFor(async () => (await db().delivery.count({ where: { campaignId: campaign.id, state: { in: ["delivered", "failed", "suppressed"] } } })) === 2, 40_000, 50);

  expect(followUpsOf(prefix).map((r) => JSON.parse(r.body).crm_id)).toEqual([`old-${prefix}`]);
  const rows = (await listDeliveries({ campaignId: campaign.id, actionId: campaign.actions[0]!.id })).items;
  expect(rows.find((d) => d.userId === users.norow)).toMatchObject({ state: "failed", reason: NO_DELIVERY, hold: null });
  expect(rows.find((d) => d.userId === users.norowkept)!.state).toBe("delivered");
}

describe("a follow-up reading what an earlier step saves, when that step saved nothing for the user (embedded engine)", () => {
  let engine: EmbeddedEngine | null = null;
  afterEach(async () => {
    await engine?.stop();
    engine = null;
    setDeliveryQueue(null);
  });
  const start = async () => {
    engine = new EmbeddedEngine(db(), await testDeliveryDeps(), { concurrency: 20, hostConcurrency: 10, leaseMs: 30_000, idlePollMs: 100 });
    setDeliveryQueue(engine);
    await engine.start();
  };

  it("fails unsent when the earlier step delivered an answer without a value at the mapped path, naming the path; sent to a user who had the value; retried once the user has it", async () => {
    await start();
    await deliveredWithoutValue("embv");
  }, 60_000);

  it("fails unsent when the earlier step has no delivery to the user; sent to a user who had the value", async () => {
    await start();
    await noEarlierDelivery("embn");
  }, 60_000);
});

describe.skipIf(!onPostgres)("a follow-up reading what an earlier step saves, when that step saved nothing for the user (BullMQ engine)", () => {
  const harness = scaleOutHarness();
  const start = async () => {
    await harness.startWorker({ concurrency: 20, hostConcurrency: 10, leaseMs: 30_000, idlePollMs: 100 });
    await harness.subscribed(1);
  };

  it("fails unsent when the earlier step delivered an answer without a value at the mapped path", async () => {
    await start();
    await deliveredWithoutValue("bqv");
  }, 60_000);

  it("fails unsent when the earlier step has no delivery to the user", async () => {
    await start();
    await noEarlierDelivery("bqn");
  }, 60_000);
});
