// The frequency cap holds across batches sent at the same time (two workers, or the embedded engine's
// concurrent batches): each batch counted the user's sends before the other's were recorded, so both
// passed a cap of one a day.
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

/** a delivery of `campaign` to `userId` claimed by `workerId`, as claimDue leaves it */
async function claimed(campaign: Awaited<ReturnType<typeof createCampaign>>, userId: string, workerId: string): Promise<ClaimedDelivery> {
  const now = new Date();
  const row = await db().delivery.create({
    data: {
      webhookId: `msg_${workerId}_${campaign.id}`, campaignId: campaign.id, actionId: campaign.actions[0].id, userId, triggerKey: "activation",
      plannedAt: now, dueAt: now, state: "sending", lockedBy: workerId, lockedUntil: new Date(now.getTime() + 60_000),
    },
  });
  return { id: row.id, webhookId: row.webhookId, campaignId: row.campaignId, actionId: row.actionId, variantActionId: null, userId, eventData: null, plannedAt: now, attempts: 0 };
}

describe("the frequency cap across concurrent batches", () => {
  it("lets one of two batches sent at once send to a user capped at 1 a day; the other is suppressed", async () => {
    await setFrequencyCap({ perDay: 1 }, { role: "admin" });
    const [user] = await createUsers(1, "fcc");
    const deps = await testDeliveryDeps();
    const options = { concurrency: 10, hostConcurrency: 10, leaseMs: 60_000 };
    for (let round = 0; round < 3; round++) {
      const userId = round === 0 ? user.id : (await createUsers(1, `fcc${round}`))[0].id;
      const first = await createCampaign({ url: `${receiver.url}/fcc/${round}/one/{{user.id}}`, status: "active" });
      const second = await createCampaign({ url: `${receiver.url}/fcc/${round}/two/{{user.id}}`, status: "active" });
      const workers = [new Dispatcher(db(), deps, { ...options, workerId: `w1r${round}` }), new Dispatcher(db(), deps, { ...options, workerId: `w2r${round}` })];
      const batches = [await claimed(first, userId, `w1r${round}`), await claimed(second, userId, `w2r${round}`)];
      // process() resolves once its results are written
      await Promise.all(workers.map((w, i) => w.process([batches[i]])));
      const sent = receiver.received.filter((r) => r.path.startsWith(`/fcc/${round}/`));
      const rows = await db().delivery.findMany({ where: { userId }, select: { state: true, reason: true } });
      expect(sent.map((r) => r.path), `round ${round}`).toHaveLength(1);
      expect(rows.map((r) => r.state).sort()).toEqual(["delivered", "suppressed"]);
      expect(rows.find((r) => r.state === "suppressed")?.reason).toMatch(/Frequency cap: 1 per day/);
    }
  });
});

describe("a cap pass of a send whose worker died", () => {
  it("stops counting once its lease has run out: a crashed worker's row in a campaign paused since does not suppress the user's sends for ever", async () => {
    const { holdFrequencyCap } = await import("../store/frequency-cap-holds");
    const [user] = await createUsers(1, "stale-hold");
    const paused = await createCampaign({ url: `${receiver.url}/stale/{{user.id}}`, status: "paused" });
    const other = await createCampaign({ url: `${receiver.url}/live/{{user.id}}`, status: "active" });
    const now = new Date();
    const passedAt = new Date(now.getTime() - 10 * 60_000);
    // worker "dead" passed the cap ten minutes ago, sent, and was killed; its lease ran out 9 minutes ago
    await db().delivery.create({
      data: {
        webhookId: "msg_stale_hold", campaignId: paused.id, actionId: paused.actions[0].id, userId: user.id, triggerKey: "activation",
        plannedAt: passedAt, dueAt: passedAt, state: "sending", lockedBy: "dead", capHeldBy: "dead", lockedUntil: new Date(passedAt.getTime() + 60_000),
      },
    });
    const live = await claimed(other, user.id, "w-live");
    expect(await holdFrequencyCap(db(), "w-live", { perDay: 1 }, [{ id: live.id, userId: user.id, actionId: live.actionId, exempt: false }], now)).toEqual(new Map());
    // while its lease held, it counted
    const alsoLive = await claimed(await createCampaign({ url: `${receiver.url}/live2/{{user.id}}`, status: "active" }), (await createUsers(1, "held-hold"))[0].id, "w-held");
    await db().delivery.create({
      data: {
        webhookId: "msg_held_hold", campaignId: paused.id, actionId: paused.actions[0].id, userId: alsoLive.userId, triggerKey: "activation",
        plannedAt: now, dueAt: now, state: "sending", lockedBy: "other", capHeldBy: "other", lockedUntil: new Date(now.getTime() + 60_000),
      },
    });
    const stopped = await holdFrequencyCap(db(), "w-held", { perDay: 1 }, [{ id: alsoLive.id, userId: alsoLive.userId, actionId: alsoLive.actionId, exempt: false }], now);
    expect([...stopped.values()]).toEqual([expect.stringMatching(/Frequency cap: 1 per day/)]);
  });
});
