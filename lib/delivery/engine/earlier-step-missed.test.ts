// A follow-up that reads what an earlier step saves from its answer is not sent when that answer never
// came: the earlier step's delivery to the user finished without being delivered (failed for good) and the
// user has no value of the attribute (missing, null or ""). It ends failed (not retried), and the log says
// why, in the marketer's words. A walkthrough found step 2 sent as `POST /crm/` with `crm_id=` empty and
// recorded Delivered. A user who had the attribute from before still gets it, with that value. Failed,
// not suppressed (the second review: suppressed, it never came back): "Retry all failed" retries it beside
// the earlier step, and it waits for that answer and carries it. Both engines: the
// embedded one on either database, the BullMQ one on PostgreSQL and Redis. A real receiver on 127.0.0.1.
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
// step 1 refuses "fail" users until the test fixes their data
let refusing = true;

beforeAll(async () => {
  // step 1 creates the contact: refused for good (400, not retried) for users whose id says "fail"
  receiver = await startReceiver((req): Reply => {
    const userId = req.path.split("/").pop()!;
    if (!req.path.startsWith("/contacts/")) return { status: 200 };
    if (refusing && userId.includes("fail")) return { status: 400 };
    return { status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify({ id: `crm-${userId}` }) };
  });
});
afterAll(async () => receiver.close());

const SKIPPED = "Not sent: Webhook 1 (Create contact) did not deliver (failed), so crmId was never saved; retried with it, this one waits for its answer";

/**
 * ok: step 1 delivered; fail: step 1 failed, no crmId; kept: step 1 failed, crmId from before;
 * empty: step 1 failed, crmId "" (no value either)
 */
async function scenario(prefix: string, start: () => Promise<void>) {
  refusing = true;
  const [ok] = await createUsers(1, `${prefix}-ok`);
  const [fail] = await createUsers(1, `${prefix}-fail`);
  const [kept] = await createUsers(1, `${prefix}-failkept`);
  const [empty] = await createUsers(1, `${prefix}-failempty`);
  await db().user.update({ where: { id: kept!.id }, data: { attributes: { ...kept!.attributes, crmId: `old-${prefix}` } } });
  await db().user.update({ where: { id: empty!.id }, data: { attributes: { ...empty!.attributes, crmId: "" } } });
  const campaign = await db().campaign.create({
    data: {
      name: `Missed ${prefix}`,
      deliveryRule: { when: "immediate" },
      audience: { match: "all", conditions: [{ key: "id", operator: "contains", value: `${prefix}-` }] },
      actions: {
        create: [
          {
            position: 0,
            name: "Create contact",
            urlTemplate: `${receiver.url}/contacts/{{user.id}}`,
            fields: [],
            headers: [],
            timeoutMs: 5000,
            responseMapping: [{ path: "$.id", attribute: "crmId" }] as Prisma.InputJsonValue,
          },
          {
            position: 1,
            name: "Follow up",
            urlTemplate: `${receiver.url}/crm/{{user.crmId}}`,
            fields: [{ key: "crm_id", value: "{{user.crmId}}", type: "text" }],
            headers: [],
            timeoutMs: 5000,
          },
          {
            // reads the whole user (waits for step 1, names none of what it saves): sent whatever step 1 did
            position: 2,
            name: "Warehouse",
            urlTemplate: `${receiver.url}/whole/{{user.id}}`,
            fields: [{ key: "who", value: "{{#with user}}{{firstName}}{{/with}}", type: "text" }],
            headers: [],
            timeoutMs: 5000,
          },
        ],
      },
    },
    include: { actions: { orderBy: { position: "asc" } } },
  });
  const second = campaign.actions[1]!;
  await start();
  expect((await activateCampaign(campaign.id)).ok).toBe(true);
  await waitFor(async () => (await db().delivery.count({ where: { campaignId: campaign.id, state: { in: ["delivered", "failed", "suppressed"] } } })) === 12, 40_000, 50);

  const contactAt = (id: string) => receiver.received.find((r) => r.path === `/contacts/${id}`)!.at;
  const followUps = receiver.received.filter((r) => r.path.startsWith("/crm/"));
  // the user whose contact was created gets the follow-up with the id it answered, after that answer
  const okSent = followUps.find((r) => r.path === `/crm/crm-${ok!.id}`)!;
  expect(JSON.parse(okSent.body)).toEqual({ crm_id: `crm-${ok!.id}` });
  expect(okSent.at).toBeGreaterThanOrEqual(contactAt(ok!.id));
  // the user who had a crmId from before gets it with that value, after step 1 failed
  const keptSent = followUps.find((r) => r.path === `/crm/old-${prefix}`)!;
  expect(JSON.parse(keptSent.body)).toEqual({ crm_id: `old-${prefix}` });
  expect(keptSent.at).toBeGreaterThanOrEqual(contactAt(kept!.id));
  // nothing else reached the receiver: no `POST /crm/` with an empty id
  expect(followUps.filter((r) => r.path === "/crm/")).toEqual([]);
  // the step reading the whole user went to everyone, after step 1's answer (the second review: it was skipped)
  for (const user of [ok!, fail!, kept!, empty!]) {
    const whole = receiver.received.find((r) => r.path === `/whole/${user.id}`)!;
    expect(JSON.parse(whole.body)).toEqual({ who: user.attributes.firstName });
    expect(whole.at).toBeGreaterThanOrEqual(contactAt(user.id));
  }

  // the two without a value: failed, never sent, with the reason in the log and the API
  const rows = (await listDeliveries({ campaignId: campaign.id, actionId: second.id })).items;
  const row = (userId: string) => rows.find((d) => d.userId === userId)!;
  for (const userId of [fail!.id, empty!.id]) {
    expect(row(userId)).toMatchObject({ state: "failed", reason: SKIPPED, hold: null });
    // its row keeps the attempt (the retry policy counts it), the log says no request was sent
    expect((await db().delivery.findUniqueOrThrow({ where: { id: row(userId).id } })).attempts).toBe(1);
    expect(row(userId).attempts).toBe(0);
  }
  expect(row(ok!.id).attempts).toBe(1);
  expect(row(ok!.id).state).toBe("delivered");
  expect(row(kept!.id).state).toBe("delivered");

  // the data fixed, "Retry all failed": step 1 delivers, and each follow-up waits for it and carries its answer
  refusing = false;
  // step 1 of the three "fail" users, step 2 of the two without a value
  expect((await retryAllFailed(campaign.id, "test")).retried).toBe(5);
  await waitFor(async () => (await db().delivery.count({ where: { campaignId: campaign.id, state: "delivered" } })) === 12, 40_000, 50);
  for (const user of [fail!, empty!]) {
    const sent = receiver.received.find((r) => r.path === `/crm/crm-${user.id}`)!;
    expect(JSON.parse(sent.body)).toEqual({ crm_id: `crm-${user.id}` });
    expect(sent.at).toBeGreaterThanOrEqual(receiver.received.filter((r) => r.path === `/contacts/${user.id}`).at(-1)!.at);
  }
  expect(receiver.received.filter((r) => r.path === "/crm/")).toEqual([]);
}

describe("a follow-up reading what an earlier step saves, when that step did not deliver (embedded engine)", () => {
  let engine: EmbeddedEngine | null = null;
  afterEach(async () => {
    await engine?.stop();
    engine = null;
    setDeliveryQueue(null);
  });

  it("fails unsent for a user without the value, sent to one with it (saved now, or from before); retried with the earlier step, it waits for its answer", async () => {
    await scenario("emb", async () => {
      engine = new EmbeddedEngine(db(), await testDeliveryDeps(), { concurrency: 20, hostConcurrency: 10, leaseMs: 30_000, idlePollMs: 100 });
      setDeliveryQueue(engine);
      await engine.start();
    });
  }, 60_000);
});

describe.skipIf(!onPostgres)("a follow-up reading what an earlier step saves, when that step did not deliver (BullMQ engine)", () => {
  const harness = scaleOutHarness();

  it("fails unsent for a user without the value, sent to one with it (saved now, or from before); retried with the earlier step, it waits for its answer", async () => {
    await scenario("bq", async () => {
      await harness.startWorker({ concurrency: 20, hostConcurrency: 10, leaseMs: 30_000, idlePollMs: 100 });
      await harness.subscribed(1);
    });
  }, 60_000);
});
