// The frequency cap counts only what would be sent: a row the other rules stop first (campaign ended,
// quiet hours, template, breaker) does not use up the user's cap for the rows after it in the batch.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../db";
import { Dispatcher } from "./dispatcher";
import type { ClaimedDelivery } from "../store/claim";
import { setFrequencyCap } from "../store/frequency-cap-setting";
import { createCampaign, createUsers } from "../testing/fixtures";
import { startReceiver } from "../testing/receiver";
import { testDeliveryDeps } from "../testing/deps";

let receiver: Awaited<ReturnType<typeof startReceiver>>;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(async () => {
  await setFrequencyCap(null, { role: "admin" });
  await receiver.close();
});

type Campaign = Awaited<ReturnType<typeof createCampaign>>;

async function claimed(campaign: Campaign, userId: string, workerId: string): Promise<ClaimedDelivery> {
  const now = new Date();
  const row = await db().delivery.create({
    data: {
      webhookId: `msg_${workerId}_${campaign.id}`, campaignId: campaign.id, actionId: campaign.actions[0]!.id, userId, triggerKey: "activation",
      plannedAt: now, dueAt: now, state: "sending", lockedBy: workerId, lockedUntil: new Date(now.getTime() + 60_000),
    },
  });
  return { id: row.id, webhookId: row.webhookId, campaignId: row.campaignId, actionId: row.actionId, variantActionId: null, userId, eventData: null, plannedAt: now, attempts: 0 };
}

async function states(userId: string) {
  const rows = await db().delivery.findMany({ where: { userId }, select: { campaignId: true, state: true, reason: true } });
  return new Map(rows.map((r) => [r.campaignId, r]));
}

describe("the frequency cap counts only the rows that would be sent", () => {
  it("an ended campaign's row ahead in the batch does not use up the user's cap (1 a day)", async () => {
    await setFrequencyCap({ perDay: 1 }, { role: "admin" });
    const [user] = await createUsers(1, "fco-end");
    const ended = await createCampaign({ url: `${receiver.url}/fco-end/ended/{{user.id}}`, status: "active" });
    await db().campaign.update({ where: { id: ended.id }, data: { endAt: new Date(Date.now() - 60_000) } });
    const live = await createCampaign({ url: `${receiver.url}/fco-end/live/{{user.id}}`, status: "active" });
    const w = new Dispatcher(db(), await testDeliveryDeps(), { concurrency: 10, hostConcurrency: 10, leaseMs: 60_000, workerId: "wfco1" });
    await w.process([await claimed(ended, user!.id, "wfco1"), await claimed(live, user!.id, "wfco1")]);
    const rows = await states(user!.id);
    expect(rows.get(ended.id)).toMatchObject({ state: "suppressed", reason: "The campaign had ended" });
    expect(rows.get(live.id)?.state).toBe("delivered");
    expect(receiver.received.filter((r) => r.path.startsWith("/fco-end/live/"))).toHaveLength(1);
  });

  it("a row whose template fails does not use up the cap either; a second live row is still capped", async () => {
    await setFrequencyCap({ perDay: 1 }, { role: "admin" });
    const [user] = await createUsers(1, "fco-tpl");
    const broken = await createCampaign({ url: `${receiver.url}/fco-tpl/broken/{{ user.id `, status: "active" });
    const live = await createCampaign({ url: `${receiver.url}/fco-tpl/live/{{user.id}}`, status: "active" });
    const again = await createCampaign({ url: `${receiver.url}/fco-tpl/again/{{user.id}}`, status: "active" });
    const w = new Dispatcher(db(), await testDeliveryDeps(), { concurrency: 10, hostConcurrency: 10, leaseMs: 60_000, workerId: "wfco2" });
    await w.process([await claimed(broken, user!.id, "wfco2"), await claimed(live, user!.id, "wfco2"), await claimed(again, user!.id, "wfco2")]);
    const rows = await states(user!.id);
    expect(rows.get(broken.id)?.state).toBe("failed");
    expect(rows.get(live.id)?.state).toBe("delivered");
    expect(rows.get(again.id)).toMatchObject({ state: "suppressed", reason: "Frequency cap: 1 per day reached" });
  });
});
