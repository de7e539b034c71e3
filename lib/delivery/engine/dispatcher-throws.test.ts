// A step of the dispatcher that throws for one delivery of a batch: every other delivery of it still
// ends once (sent, decided, handed back), and the one that threw ends once too, never left leased.
// Before: a throw while the batch was being decided handed every row back (those already decided
// twice, the counts of claimed rows going negative, the rows after it never sent, the row that threw
// claimed and thrown again for ever); a throw after a send left its row leased and renewed for ever;
// a sender that threw (not a failed request, which the gate turns into a result) handed its row back
// with no limit, so a sender throwing for it every time had it claimed and thrown again for ever.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../db";
import { Dispatcher } from "./dispatcher";
import { EmbeddedEngine } from "./embedded-engine";
import type { GatedSender } from "./send-gate";
import type { ClaimedDelivery } from "../store/claim";
import type { RenderResult } from "../../webhooks/types";
import { createCampaign, createUsers } from "../testing/fixtures";
import { startReceiver, waitFor } from "../testing/receiver";
import { testDeliveryDeps } from "../testing/deps";

let receiver: Awaited<ReturnType<typeof startReceiver>>;
beforeAll(async () => {
  receiver = await startReceiver((req) => ({ status: req.path.startsWith("/busy/") ? 503 : 200 }));
});
afterAll(async () => {
  await receiver.close();
});

async function claimed(campaign: Awaited<ReturnType<typeof createCampaign>>, userId: string, workerId: string): Promise<ClaimedDelivery> {
  const now = new Date();
  const row = await db().delivery.create({
    data: {
      webhookId: `msg_${workerId}_${userId}`, campaignId: campaign.id, actionId: campaign.actions[0].id, userId, triggerKey: "activation",
      plannedAt: now, dueAt: now, state: "sending", lockedBy: workerId, lockedUntil: new Date(now.getTime() + 60_000),
    },
  });
  return { id: row.id, webhookId: row.webhookId, campaignId: row.campaignId, actionId: row.actionId, variantActionId: null, userId, eventData: null, plannedAt: now, attempts: 0 };
}

async function finalRows(batch: ClaimedDelivery[]) {
  const plain = await db().delivery.findMany({ where: { id: { in: batch.map((d) => d.id) } }, select: { id: true, state: true, attempts: true, lockedBy: true, reason: true } });
  const counts = await db().deliveryAttempt.groupBy({ by: ["deliveryId"], where: { deliveryId: { in: batch.map((d) => d.id) } }, _count: true });
  return batch.map((d) => {
    const row = plain.find((r) => r.id === d.id)!;
    return { state: row.state, attempts: row.attempts, attemptRows: counts.find((c) => c.deliveryId === d.id)?._count ?? 0, locked: row.lockedBy !== null, reason: row.reason };
  });
}

describe("Dispatcher.process when a step throws for one delivery", () => {
  it("ends every row of the batch once when deciding one of them throws partway through", async () => {
    const users = await createUsers(5, "dthrow");
    const [sent, broken, thrown, after, last] = users;
    const base = await testDeliveryDeps();
    const failing = base.renderFailingFor(broken.id);
    // a renderer answering what the dispatcher cannot read (no request) for one user: deciding that row throws
    const render: typeof base.render = (template, ctx, opts) => (ctx.user.id === thrown.id ? ({ ok: true } as unknown as RenderResult) : failing(template, ctx, opts));
    const workerId = "w-throw-decide";
    let settled = 0;
    const dispatcher = new Dispatcher(db(), { ...base, render }, {
      workerId, concurrency: 10, hostConcurrency: 10, leaseMs: 60_000, flushMs: 50, onSettled: () => settled++,
    });
    const campaign = await createCampaign({ url: `${receiver.url}/ok/{{user.id}}`, status: "active" });
    const batch = [];
    for (const u of [sent, broken, thrown, after, last]) batch.push(await claimed(campaign, u.id, workerId));

    await dispatcher.process(batch);

    const rows = await finalRows(batch);
    expect(rows.map((r) => [r.state, r.attempts, r.attemptRows, r.locked])).toEqual([
      ["delivered", 1, 1, false],
      ["failed", 1, 1, false],
      // the row that threw fails once, with a reason, rather than being handed back to throw again at every claim
      ["failed", 1, 1, false],
      ["delivered", 1, 1, false],
      ["delivered", 1, 1, false],
    ]);
    expect(rows[2].reason).toMatch(/could not prepare/i);
    // each sendable row sent once; none of the others
    for (const u of [sent, after, last]) expect(receiver.received.filter((r) => r.path === `/ok/${u.id}`)).toHaveLength(1);
    for (const u of [broken, thrown]) expect(receiver.received.filter((r) => r.path === `/ok/${u.id}`)).toHaveLength(0);
    expect(settled).toBe(5);
    expect(dispatcher.pending).toBe(0);
    expect(dispatcher.unsettled).toBe(0);
    expect([...dispatcher.unsettledByCampaign]).toEqual([]);
  });

  it("records a sent delivery once, and lets its lease go, when working out what follows its send throws", async () => {
    const [busy, ok] = await createUsers(2, "dthrowsent");
    const base = await testDeliveryDeps();
    const workerId = "w-throw-after-send";
    // the retry's jitter source throws: the 503's next attempt cannot be worked out
    const dispatcher = new Dispatcher(db(), { ...base, random: () => { throw new Error("no randomness"); } }, {
      workerId, concurrency: 10, hostConcurrency: 10, leaseMs: 60_000, flushMs: 50,
    });
    const busyCampaign = await createCampaign({ url: `${receiver.url}/busy/{{user.id}}`, status: "active" });
    const okCampaign = await createCampaign({ url: `${receiver.url}/ok/{{user.id}}`, status: "active" });
    const batch = [await claimed(busyCampaign, busy.id, workerId), await claimed(okCampaign, ok.id, workerId)];

    await dispatcher.process(batch);

    const rows = await finalRows(batch);
    // sent once: its attempt is recorded and it is not sent again (failed, with why it was not retried)
    expect(rows.map((r) => [r.state, r.attempts, r.attemptRows, r.locked])).toEqual([
      ["failed", 1, 1, false],
      ["delivered", 1, 1, false],
    ]);
    expect(rows[0].reason).toMatch(/HTTP 503/);
    expect(receiver.received.filter((r) => r.path === `/busy/${busy.id}`)).toHaveLength(1);
    expect(dispatcher.pending).toBe(0);
    expect(dispatcher.unsettled).toBe(0);
    expect([...dispatcher.unsettledByCampaign]).toEqual([]);
  });

  it("counts a send whose sender throws as a failed attempt, retried by the action's policy, never claimed for ever", async () => {
    const [user] = await createUsers(1, "dthrowsender");
    let calls = 0;
    // a sender that throws every time (a crashed sender thread would), rather than answering a result
    const throwing: GatedSender = {
      send: async () => {
        calls++;
        throw new Error("the sender crashed");
      },
      leaseRenewed: () => {},
      inFlight: 0,
      drain: () => {},
    };
    // two retries, 50 ms apart: three attempts in all, then failed
    const engine = new EmbeddedEngine(db(), await testDeliveryDeps({ gatedSender: () => throwing, retryScheduleMs: [50, 50] }), {
      concurrency: 5, hostConcurrency: 5, leaseMs: 30_000, idlePollMs: 50,
    });
    const campaign = await createCampaign({ url: `${receiver.url}/ok/{{user.id}}`, status: "active" });
    const [d] = [await claimed(campaign, user.id, "w-unused")];
    // due now and not leased: the engine claims it
    await db().delivery.update({ where: { id: d.id }, data: { state: "scheduled", lockedBy: null, lockedUntil: null } });
    await engine.start();
    try {
      await waitFor(async () => (await db().delivery.findUniqueOrThrow({ where: { id: d.id } })).state === "failed", 10_000, 25);
    } finally {
      await engine.stop();
    }
    const [row] = await finalRows([d]);
    expect([row.state, row.attempts, row.attemptRows, row.locked]).toEqual(["failed", 3, 3, false]);
    expect(row.reason).toMatch(/Gave up after 3 attempts: Could not send/);
    expect(calls).toBe(3);
  });
});
