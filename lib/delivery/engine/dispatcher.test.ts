// Dispatcher.process() resolves when every outcome of its batch is recorded, sent or decided without a
// send: it resolved when the sends ended, with the sent deliveries' results still waiting for the
// recorder's next flush (rows left 'sending', their leases held), so a caller could not await a batch.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../db";
import { createDb } from "../../db/client";
import { closeRawDb, rawDb } from "../../db/raw";
import { env } from "../../env";
import { Dispatcher } from "./dispatcher";
import type { ClaimedDelivery } from "../store/claim";
import { createCampaign, createUsers } from "../testing/fixtures";
import { startReceiver } from "../testing/receiver";
import { testDeliveryDeps } from "../testing/deps";
import { deleteCampaign } from "../../campaigns/campaigns";
import { deleteUser } from "../../audience/users";

let receiver: Awaited<ReturnType<typeof startReceiver>>;
let cutOff: (() => void) | null = null;
beforeAll(async () => {
  receiver = await startReceiver(async (req) => {
    // the recorder's connection to the database is lost while the delivery is sent
    if (req.path.startsWith("/cut/")) cutOff?.();
    // deleted by hand while it is sent: the row itself, its campaign (deleteCampaign allows an active
    // one) or its user (deleteUser), each taking the delivery row with it
    const vanish = /^\/vanish\/(delivery|campaign|user)\//.exec(req.path)?.[1];
    if (vanish) {
      const row = await db().delivery.findUniqueOrThrow({ where: { webhookId: String(req.headers["webhook-id"]) } });
      if (vanish === "delivery") await db().delivery.delete({ where: { id: row.id } });
      if (vanish === "campaign") expect(await deleteCampaign(row.campaignId, "test")).toBe(true);
      if (vanish === "user") expect(await deleteUser(row.userId)).toBe(true);
      // what the action's response mapping saves on the user, had it stayed
      return { status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify({ id: "crm-1" }) };
    }
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
  // A flush was one transaction whose attempt rows referenced the deliveries: one deleted while it was
  // sent failed the foreign key (SQLITE_CONSTRAINT_FOREIGNKEY, PostgreSQL 23503), and the whole flush,
  // other campaigns' results with it, was retried for 10 minutes, then dropped (those sent again).
  it.each(["delivery", "campaign", "user"] as const)(
    "records the rest of a flush at once when a delivery's %s is deleted while it is sent, dropping that one's result",
    async (what) => {
      const [gone, kept] = await createUsers(2, `dspv${what[0]}`);
      const deps = await testDeliveryDeps();
      const workerId = `w-dispatch-vanish-${what}`;
      // both results in one flush; a write failing is given up quickly rather than hanging the test
      const dispatcher = new Dispatcher(db(), deps, { workerId, concurrency: 10, hostConcurrency: 10, leaseMs: 60_000, flushMs: 400, recordGiveUpMs: 1_000 });
      // reachable for longer than a lease: a failed write would make it wait a lease again before taking over
      dispatcher.leases.reachable(new Date(Date.now() - 120_000));
      const vanishing = await createCampaign({ url: `${receiver.url}/vanish/${what}/{{user.id}}`, status: "active" });
      await db().action.update({ where: { id: vanishing.actions[0].id }, data: { responseMapping: [{ path: "$.id", attribute: "crmId" }] } });
      const other = await createCampaign({ url: `${receiver.url}/ok/{{user.id}}`, status: "active" });
      const batch = [await claimed(vanishing, gone.id, workerId), await claimed(other, kept.id, workerId)];

      await dispatcher.process(batch);

      expect(receiver.received.filter((r) => r.path === `/vanish/${what}/${gone.id}` || r.path === `/ok/${kept.id}`)).toHaveLength(2);
      const row = await db().delivery.findUniqueOrThrow({ where: { id: batch[1].id }, select: { state: true, lockedBy: true } });
      expect(row).toEqual({ state: "delivered", lockedBy: null });
      expect(await db().deliveryAttempt.count({ where: { deliveryId: batch[1].id } })).toBe(1);
      expect(await db().delivery.count({ where: { id: batch[0].id } })).toBe(0);
      expect(await db().deliveryAttempt.count({ where: { deliveryId: batch[0].id } })).toBe(0);
      // one transaction, written the first time: no write failed
      expect(dispatcher.recorder.counters).toMatchObject({ flushes: 1, flushedRows: 2 });
      expect(dispatcher.leases.mayTakeOver(new Date())).toBe(true);
      expect(dispatcher.pending).toBe(0);
    },
  );

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
    expect([...dispatcher.unsettledByCampaign]).toEqual([]);
    expect(rescheduled).toEqual([batch[1].id]);
  });

  it("rejects, leaving no rejection unhandled, when the recorder gives up writing a sent delivery's result", async () => {
    // a deleted delivery no longer makes it give up (its result is dropped, see above); the database
    // going away for good does: a client of its own whose raw connection is closed while it sends
    const [user] = await createUsers(1, "dspcut");
    const deps = await testDeliveryDeps();
    const workerId = "w-dispatch-cut";
    const own = createDb(env().database);
    cutOff = () => rawDb(own).close();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => void unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      const dispatcher = new Dispatcher(own, deps, { workerId, concurrency: 10, hostConcurrency: 10, leaseMs: 60_000, flushMs: 10, recordGiveUpMs: 200 });
      const campaign = await createCampaign({ url: `${receiver.url}/cut/{{user.id}}`, status: "active" });
      const delivery = await claimed(campaign, user.id, workerId);
      await expect(dispatcher.process([delivery])).rejects.toThrow();
      expect(receiver.received.filter((r) => r.path === `/cut/${user.id}`)).toHaveLength(1);
      expect(dispatcher.pending).toBe(0);
      // left to its lease: still held, no attempt written
      expect(await db().delivery.findUniqueOrThrow({ where: { id: delivery.id }, select: { state: true } })).toEqual({ state: "sending" });
      await new Promise((r) => setTimeout(r, 50));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
      cutOff = null;
      closeRawDb(own);
      await own.$disconnect();
    }
  });
});
