// A later step whose templates read what an earlier step saves from its response waits for that step's
// delivery to the same user to finish: sent with no delay beside it, it went out before the answer and
// carried the attribute empty, silently. A real receiver on 127.0.0.1 answers the first step slowly.
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
import { encryptSecret } from "../../crypto/secret-box";

let receiver: Awaited<ReturnType<typeof startReceiver>>;
let engine: EmbeddedEngine | null = null;
// the first step's answer comes after this long (and, for "retry" users, only on the second attempt)
const SLOW_MS = 1_500;

beforeAll(async () => {
  receiver = await startReceiver(async (req, all): Promise<Reply> => {
    const userId = req.path.split("/").pop()!;
    if (req.path.startsWith("/crm/")) {
      await new Promise((r) => setTimeout(r, SLOW_MS));
      if (userId.startsWith("retry") && all.filter((r) => r.path === req.path).length === 1) return { status: 503, headers: { "retry-after": "1" } };
      if (userId.startsWith("fail")) return { status: 400 };
      return { status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify({ customer: { id: `crm-${userId}` } }) };
    }
    return { status: 200 };
  });
});
afterAll(async () => receiver.close());
afterEach(async () => {
  await engine?.stop();
  engine = null;
  setDeliveryQueue(null);
});

async function startEngine() {
  engine = new EmbeddedEngine(db(), await testDeliveryDeps(), { concurrency: 20, hostConcurrency: 10, leaseMs: 30_000, idlePollMs: 100 });
  setDeliveryQueue(engine);
  await engine.start();
}

function campaignData(prefix: string, second: { url: string; subDelivery?: Prisma.InputJsonValue }) {
  return {
    name: `Wait ${prefix}`,
    deliveryRule: { when: "immediate" },
    audience: { match: "all", conditions: [{ key: "id", operator: "contains", value: prefix }] },
    actions: {
      create: [
        {
          position: 0,
          name: "Create contact",
          urlTemplate: `${receiver.url}/crm/{{user.id}}`,
          fields: [],
          headers: [],
          timeoutMs: 5000,
          responseMapping: [{ path: "$.customer.id", attribute: "crmId" }] as Prisma.InputJsonValue,
        },
        {
          position: 1,
          name: "Follow up",
          urlTemplate: second.url,
          fields: [{ key: "crm", value: "{{user.crmId}}", type: "text" }],
          headers: [],
          timeoutMs: 5000,
          ...(second.subDelivery ? { subDelivery: second.subDelivery } : {}),
        },
      ],
    },
  } satisfies Prisma.CampaignCreateInput;
}

const followUps = () => new Map(receiver.received.filter((r) => r.path.startsWith("/follow/")).map((r) => [r.path.split("/").pop()!, { body: JSON.parse(r.body), at: r.at }]));
const answeredAt = (userId: string) => receiver.received.filter((r) => r.path === `/crm/${userId}`).at(-1)!.at + SLOW_MS;

describe("a step reading what an earlier step saves from its response", () => {
  it("goes out after that step's answer is saved, not beside it: with no delay it waits, and the log says for which step", async () => {
    await createUsers(3, "wait");
    const campaign = await db().campaign.create({ data: campaignData("wait", { url: `${receiver.url}/follow/{{user.id}}` }), include: { actions: { orderBy: { position: "asc" } } } });
    const second = campaign.actions[1]!;
    await startEngine();
    expect((await activateCampaign(campaign.id)).ok).toBe(true);

    // while the first step's request is out, the second waits for it, and the log says so (between two
    // looks, each a second apart, the row is claimed again for a moment: "sending")
    const held = async () => (await listDeliveries({ campaignId: campaign.id })).items.find((d) => d.actionId === second.id && d.state === "scheduled" && d.reason);
    await waitFor(async () => (await held()) !== undefined, 10_000, 20);
    expect(await held()).toMatchObject({ state: "scheduled", hold: "earlier_step", reason: "Waiting for Webhook 1 (Create contact) to finish: it saves crmId from its response" });

    await waitFor(async () => (await db().delivery.count({ where: { campaignId: campaign.id, state: "delivered" } })) === 6, 30_000, 50);
    const follow = followUps();
    for (const id of ["wait000000", "wait000001", "wait000002"]) {
      expect(follow.get(id)!.body).toEqual({ crm: `crm-${id}` });
      expect(follow.get(id)!.at).toBeGreaterThanOrEqual(answeredAt(id) - 50);
    }
    // sent: no reason of the wait is left on the row
    expect(await db().delivery.count({ where: { actionId: second.id, reason: { not: null } } })).toBe(0);
  }, 60_000);

  it("waits through the earlier step's retries; one that failed for good ends the wait (the user without the value is skipped: earlier-step-missed.test.ts)", async () => {
    await createUsers(1, "retry");
    await createUsers(1, "fail");
    const campaign = await db().campaign.create({
      data: { ...campaignData("r", { url: `${receiver.url}/follow/{{user.id}}` }), audience: { match: "any", conditions: [{ key: "id", operator: "contains", value: "retry" }, { key: "id", operator: "contains", value: "fail" }] } },
      include: { actions: { orderBy: { position: "asc" } } },
    });
    await startEngine();
    expect((await activateCampaign(campaign.id)).ok).toBe(true);
    await waitFor(async () => (await db().delivery.count({ where: { campaignId: campaign.id, state: { in: ["delivered", "failed", "suppressed"] } } })) === 4, 40_000, 50);
    const follow = followUps();
    expect(follow.get("retry000000")!.body).toEqual({ crm: "crm-retry000000" });
    expect(follow.get("retry000000")!.at).toBeGreaterThanOrEqual(answeredAt("retry000000") - 50);
    // a 400 is not retried: failed for good, the follow-up waits no more, and fails unsent (no crmId to send)
    expect(follow.has("fail000000")).toBe(false);
    const skipped = await db().delivery.findFirstOrThrow({ where: { campaignId: campaign.id, actionId: campaign.actions[1]!.id, userId: "fail000000" } });
    expect(skipped).toMatchObject({ state: "failed", reason: "Not sent: Webhook 1 (Create contact) did not deliver (failed), so crmId was never saved; retried with it, this one waits for its answer" });
    expect(skipped.updatedAt.getTime()).toBeGreaterThanOrEqual(answeredAt("fail000000") - 50);
  }, 60_000);

  it("waits for a value read only inside a secret header (stored sealed): step 1 gets a token, step 2 sends it as its Authorization", async () => {
    await createUsers(2, "tok");
    const data = campaignData("tok", { url: `${receiver.url}/follow/{{user.id}}` });
    data.actions.create[0]!.responseMapping = [{ path: "$.customer.id", attribute: "crmToken" }];
    data.actions.create[1]!.fields = [{ key: "n", value: "{{user.firstName}}", type: "text" }];
    // stored as the editor stores a ticked Secret box: sealed
    Object.assign(data.actions.create[1]!, { headers: [{ name: "Authorization", value: encryptSecret("Bearer {{user.crmToken}}"), secret: true }] });
    const campaign = await db().campaign.create({ data, include: { actions: { orderBy: { position: "asc" } } } });
    await startEngine();
    expect((await activateCampaign(campaign.id)).ok).toBe(true);
    // held, and its reason names the step and the attribute, never the header's value
    const second = campaign.actions[1]!;
    const held = async () => (await listDeliveries({ campaignId: campaign.id })).items.find((d) => d.actionId === second.id && d.state === "scheduled" && d.reason);
    await waitFor(async () => (await held()) !== undefined, 10_000, 20);
    expect((await held())!.reason).toBe("Waiting for Webhook 1 (Create contact) to finish: it saves crmToken from its response");
    await waitFor(async () => (await db().delivery.count({ where: { campaignId: campaign.id, state: "delivered" } })) === 4, 30_000, 50);
    for (const id of ["tok000000", "tok000001"]) {
      const sent = receiver.received.find((r) => r.path === `/follow/${id}`)!;
      expect(sent.headers.authorization).toBe(`Bearer crm-${id}`);
      expect(sent.at).toBeGreaterThanOrEqual(answeredAt(id) - 50);
    }
  }, 60_000);

  it("a step that reads nothing the earlier step saves does not wait", async () => {
    await createUsers(1, "free");
    const data = campaignData("free", { url: `${receiver.url}/follow/{{user.id}}` });
    data.actions.create[1]!.fields = [{ key: "name", value: "{{user.firstName}}", type: "text" }];
    const campaign = await db().campaign.create({ data, include: { actions: true } });
    await startEngine();
    expect((await activateCampaign(campaign.id)).ok).toBe(true);
    await waitFor(async () => (await db().delivery.count({ where: { campaignId: campaign.id, state: "delivered" } })) === 2, 30_000, 50);
    expect(followUps().get("free000000")!.at).toBeLessThan(answeredAt("free000000") - 500);
  }, 60_000);
});
