// A step waiting for an earlier step's delivery to the same user goes out as soon as that delivery has
// finished, not when the earlier step has drained for everyone: the claim takes rows earliest due
// first, and a held row (due a moment later) stayed behind every unsent row of a rate-limited first
// step (reviewed: after 15 s of a 5/s first step, 71 users done and not one follow-up sent).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../db";
import type { Prisma } from "../../db";
import { activateCampaign, cancelScheduled } from "../store/lifecycle";
import { EARLIER_STEP_RECHECK_MS } from "../core/decide";
import { EmbeddedEngine } from "./embedded-engine";
import { setDeliveryQueue } from "./queue";
import { startReceiver, waitFor, type Reply } from "../testing/receiver";
import { createUsers } from "../testing/fixtures";
import { testDeliveryDeps } from "../testing/deps";

let receiver: Awaited<ReturnType<typeof startReceiver>>;
beforeAll(async () => {
  receiver = await startReceiver(async (req): Promise<Reply> => {
    const userId = req.path.split("/").pop()!;
    // "gone" users' first step is refused for now: retried in 20 s
    if (req.path.startsWith("/crm/gone")) return { status: 503, headers: { "retry-after": "20" } };
    if (req.path.startsWith("/crm/")) return { status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify({ customer: { id: `crm-${userId}` } }) };
    return { status: 200 };
  });
});
afterAll(async () => receiver.close());

describe("a step waiting for a rate-limited earlier step", () => {
  it("goes out to each user soon after that user's earlier step finishes (within 2 s once the worker has room), while the earlier step still has most users to go", async () => {
    // 400 users at 5/s: the first step takes 80 s; the test looks at its first 14 s
    await createUsers(400, "wake");
    const campaign = await db().campaign.create({
      data: {
        name: "Wake",
        deliveryRule: { when: "immediate" },
        audience: { match: "all", conditions: [{ key: "id", operator: "contains", value: "wake" }] },
        actions: {
          create: [
            { position: 0, name: "Create", urlTemplate: `${receiver.url}/crm/{{user.id}}`, fields: [], headers: [], timeoutMs: 5000, rateLimitPerSecond: 5, responseMapping: [{ path: "$.customer.id", attribute: "crmId" }] as Prisma.InputJsonValue },
            { position: 1, name: "Follow", urlTemplate: `${receiver.url}/follow/{{user.id}}`, fields: [{ key: "crm", value: "{{user.crmId}}", type: "text" }], headers: [], timeoutMs: 5000 },
          ],
        },
      },
    });
    const engine = new EmbeddedEngine(db(), await testDeliveryDeps(), { concurrency: 20, hostConcurrency: 10, leaseMs: 30_000, idlePollMs: 100 });
    setDeliveryQueue(engine);
    await engine.start();
    try {
      expect((await activateCampaign(campaign.id)).ok).toBe(true);
      await new Promise((r) => setTimeout(r, 14_000));
      const now = Date.now();
      const sent = (prefix: string) => new Map(receiver.received.filter((r) => r.path.startsWith(prefix)).map((r) => [r.path.split("/").pop()!, r]));
      const first = sent("/crm/");
      const follow = sent("/follow/");
      // the first step still has most users to go
      expect(first.size).toBeLessThan(120);
      // every user whose first step was answered more than 2.5 s ago has had the follow-up, with the saved value
      const done = [...first].filter(([, r]) => r.at < now - 2_500);
      expect(done.length).toBeGreaterThanOrEqual(40);
      expect(done.filter(([id]) => !follow.has(id)).map(([id]) => id)).toEqual([]);
      for (const [id] of done) expect(JSON.parse(follow.get(id)!.body)).toEqual({ crm: `crm-${id}` });
      // soon after it: within 2 s once the worker has room (the first users' wait for the rows of the
      // first step claimed at activation to leave the worker's room, about 5 s; 6.3 s once on a two-core
      // machine at load 15: the bound is 8 s, still far below the 30 s recheck that would show no wake)
      const gaps = done.map(([id, r]) => follow.get(id)!.at - r.at);
      expect(Math.max(...gaps)).toBeLessThan(8_000);
      expect(EARLIER_STEP_RECHECK_MS).toBeGreaterThan(8_000);
      expect(gaps.filter((g) => g > 2_000).length).toBeLessThanOrEqual(20);
    } finally {
      await engine.stop();
      setDeliveryQueue(null);
    }
  }, 60_000);

  it("whose earlier step's delivery is cancelled by hand is looked at again at the hold's recheck (nothing wakes it), and fails unsent: the value never came", async () => {
    await createUsers(1, "gone");
    const campaign = await db().campaign.create({
      data: {
        name: "Gone",
        deliveryRule: { when: "immediate" },
        audience: { match: "all", conditions: [{ key: "id", operator: "contains", value: "gone" }] },
        actions: {
          create: [
            { position: 0, name: "Create", urlTemplate: `${receiver.url}/crm/{{user.id}}`, fields: [], headers: [], timeoutMs: 5000, responseMapping: [{ path: "$.customer.id", attribute: "crmId" }] as Prisma.InputJsonValue },
            { position: 1, name: "Follow", urlTemplate: `${receiver.url}/follow/{{user.id}}`, fields: [{ key: "crm", value: "{{user.crmId}}", type: "text" }], headers: [], timeoutMs: 5000 },
          ],
        },
      },
      include: { actions: { orderBy: { position: "asc" } } },
    });
    const engine = new EmbeddedEngine(db(), await testDeliveryDeps(), { concurrency: 20, hostConcurrency: 10, leaseMs: 30_000, idlePollMs: 100 });
    setDeliveryQueue(engine);
    await engine.start();
    try {
      expect((await activateCampaign(campaign.id)).ok).toBe(true);
      const [first, second] = campaign.actions;
      const row = (actionId: string) => db().delivery.findFirstOrThrow({ where: { actionId } });
      await waitFor(async () => (await row(first!.id)).state === "retrying" && (await row(second!.id)).reason !== null, 10_000, 50);
      const heldUntil = (await row(second!.id)).dueAt.getTime();
      expect(await cancelScheduled(campaign.id, "test", (await row(first!.id)).id)).toBe(1);
      await waitFor(async () => (await row(second!.id)).state === "failed", EARLIER_STEP_RECHECK_MS + 10_000, 100);
      const failed = await row(second!.id);
      expect(failed.reason).toBe("Not sent: Webhook 1 (Create) did not deliver (cancelled), so crmId was never saved; retried with it, this one waits for its answer");
      expect(failed.updatedAt.getTime()).toBeGreaterThanOrEqual(heldUntil - 50);
      expect(receiver.received.some((r) => r.path === "/follow/gone000000")).toBe(false);
    } finally {
      await engine.stop();
      setDeliveryQueue(null);
    }
  }, EARLIER_STEP_RECHECK_MS + 30_000);
});
