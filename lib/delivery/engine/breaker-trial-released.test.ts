// A breaker trial handed back unsent (its lease had run out when its turn came, send-gate.ts) must not
// leave the host paused for the rest of the process: the next claim of the row is sent.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../db";
import { Dispatcher } from "./dispatcher";
import type { ClaimedDelivery } from "../store/claim";
import { createCampaign, createUsers } from "../testing/fixtures";
import { startReceiver } from "../testing/receiver";
import { testDeliveryDeps } from "../testing/deps";

let failing = true;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
beforeAll(async () => {
  receiver = await startReceiver(() => ({ status: failing ? 503 : 200 }));
});
afterAll(async () => {
  await receiver.close();
});

async function claimRow(id: string, workerId: string, at: Date): Promise<ClaimedDelivery> {
  const row = await db().delivery.update({ where: { id }, data: { state: "sending", lockedBy: workerId, lockedUntil: new Date(at.getTime() + 60_000) } });
  return { id: row.id, webhookId: row.webhookId, campaignId: row.campaignId, actionId: row.actionId, variantActionId: null, userId: row.userId, eventData: null, plannedAt: row.plannedAt, attempts: row.attempts };
}

describe("breaker trial handed back", () => {
  it("the next delivery to the host is tried, not paused for ever", async () => {
    const [user] = await createUsers(1, "btr");
    const campaign = await createCampaign({ url: `${receiver.url}/btr/{{user.id}}`, status: "active" });
    const now = new Date();
    const row = await db().delivery.create({
      data: { webhookId: "msg_btr", campaignId: campaign.id, actionId: campaign.actions[0]!.id, userId: user!.id, triggerKey: "activation", plannedAt: now, dueAt: now, state: "scheduled" },
    });
    const w = new Dispatcher(db(), await testDeliveryDeps(), { concurrency: 4, hostConcurrency: 4, leaseMs: 60_000, workerId: "wbtr", breaker: { threshold: 1, openMs: 20 } });
    // one retryable failure opens the host's breaker
    await w.process([await claimRow(row.id, "wbtr", new Date())]);
    expect(receiver.received).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 40));
    // the trial: claimed longer than a lease ago, so the gate hands it back unsent
    await w.process([await claimRow(row.id, "wbtr", new Date(Date.now() - 120_000))], new Date(Date.now() - 120_000));
    expect(receiver.received).toHaveLength(1);
    failing = false;
    await new Promise((r) => setTimeout(r, 40));
    await w.process([await claimRow(row.id, "wbtr", new Date())]);
    const after = await db().delivery.findUniqueOrThrow({ where: { id: row.id } });
    expect(after.state).toBe("delivered");
    expect(receiver.received).toHaveLength(2);
  });
});
