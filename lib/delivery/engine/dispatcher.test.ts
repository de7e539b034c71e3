// Dispatcher.process() resolves when every outcome of its batch is recorded, sent or decided without a
// send: it resolved when the sends ended, with the sent deliveries' results still waiting for the
// recorder's next flush (rows left 'sending', their leases held), so a caller could not await a batch.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../db";
import { Dispatcher } from "./dispatcher";
import type { ClaimedDelivery } from "../store/claim";
import { createCampaign, createUsers } from "../testing/fixtures";
import { startReceiver } from "../testing/receiver";
import { testDeliveryDeps } from "../testing/deps";

let receiver: Awaited<ReturnType<typeof startReceiver>>;
beforeAll(async () => {
  receiver = await startReceiver(async (req) => {
    // the delivery is deleted while it is sent (its campaign deleted, say): its attempt row cannot be written
    if (req.path.startsWith("/gone/")) await db().delivery.deleteMany({ where: { webhookId: String(req.headers["webhook-id"]) } });
    if (!req.path.startsWith("/busy/")) return { status: 200 };
    // answered after the decided outcomes' flush: its result goes in a later one
    await new Promise((r) => setTimeout(r, 300));
    return { status: 503 };
  });
});
afterAll(async () => {
  await receiver.close();
});

/** a delivery of `campaign` to `userId` claimed by `workerId`, as claimDue leaves it */
async function claimed(campaign: Awaited<ReturnType<typeof createCampaign>>, userId: string, workerId: string): Promise<ClaimedDelivery> {
  const now = new Date();
  const row = await db().delivery.create({
    data: {
      webhookId: `msg_${workerId}_${campaign.id}_${userId}`, campaignId: campaign.id, actionId: campaign.actions[0].id, userId, triggerKey: "activation",
      plannedAt: now, dueAt: now, state: "sending", lockedBy: workerId, lockedUntil: new Date(now.getTime() + 60_000),
    },
  });
  return { id: row.id, webhookId: row.webhookId, campaignId: row.campaignId, actionId: row.actionId, variantActionId: null, userId, eventData: null, plannedAt: now, attempts: 0 };
}

describe("Dispatcher.process", () => {
  it("resolves once every outcome of the batch is written: sent (delivered, retrying) and decided without a send (failed)", async () => {
    const [ok, busy, broken] = await createUsers(3, "dsp");
    const deps = await testDeliveryDeps();
    const workerId = "w-dispatch";
    const rescheduled: string[] = [];
    // results wait up to a flush interval: a process() that does not wait for them shows
    const dispatcher = new Dispatcher(db(), { ...deps, render: deps.renderFailingFor(broken.id) }, {
      workerId, concurrency: 10, hostConcurrency: 10, leaseMs: 60_000, flushMs: 100,
      onRescheduled: (ref) => rescheduled.push(ref.id),
    });
    const delivered = await createCampaign({ url: `${receiver.url}/ok/{{user.id}}`, status: "active" });
    const retried = await createCampaign({ url: `${receiver.url}/busy/{{user.id}}`, status: "active" });
    const batch = [await claimed(delivered, ok.id, workerId), await claimed(retried, busy.id, workerId), await claimed(delivered, broken.id, workerId)];

    await dispatcher.process(batch);

    const rows = await db().delivery.findMany({ where: { id: { in: batch.map((d) => d.id) } }, select: { id: true, state: true, lockedBy: true } });
    const stateOf = (d: ClaimedDelivery) => rows.find((r) => r.id === d.id)?.state;
    expect(batch.map(stateOf)).toEqual(["delivered", "retrying", "failed"]);
    expect(rows.every((r) => r.lockedBy === null)).toBe(true);
    expect(await db().deliveryAttempt.count({ where: { deliveryId: { in: batch.map((d) => d.id) } } })).toBe(3);
    // nothing of the batch is still counted as claimed, and the retry's due time has been told
    expect(dispatcher.pending).toBe(0);
    expect(dispatcher.unsettled).toBe(0);
    expect(rescheduled).toEqual([batch[1].id]);
  });

  it("rejects, leaving no rejection unhandled, when the recorder gives up writing a sent delivery's result", async () => {
    const [user] = await createUsers(1, "dspgone");
    const deps = await testDeliveryDeps();
    const workerId = "w-dispatch-gone";
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => void unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      const dispatcher = new Dispatcher(db(), deps, { workerId, concurrency: 10, hostConcurrency: 10, leaseMs: 60_000, flushMs: 10, recordGiveUpMs: 200 });
      const campaign = await createCampaign({ url: `${receiver.url}/gone/{{user.id}}`, status: "active" });
      const delivery = await claimed(campaign, user.id, workerId);
      await expect(dispatcher.process([delivery])).rejects.toThrow();
      expect(receiver.received.filter((r) => r.path === `/gone/${user.id}`)).toHaveLength(1);
      expect(dispatcher.pending).toBe(0);
      await new Promise((r) => setTimeout(r, 50));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });
});
