// {{required user.crmId}} at delivery: a user without the value is skipped (the row ends suppressed
// with "Skipped: user.crmId is empty": no request, no attempt, no retry), the others are sent; the
// frequency cap does not count a skip. decide() decides it for every engine. Real receiver on 127.0.0.1.
import { afterAll, describe, expect, it } from "vitest";
import { db } from "../../db";
import { activateCampaign } from "../store/lifecycle";
import { deliveryCounts } from "../store/log-counts";
import { setFrequencyCap } from "../store/frequency-cap-setting";
import { createCampaign } from "../testing/fixtures";
import { waitFor } from "../testing/receiver";
import { engineHarness } from "../testing/engine-harness";
import { testDeliveryDeps } from "../testing/deps";
import type { ClaimedDelivery } from "../store/claim";
import { Dispatcher } from "./dispatcher";

const harness = engineHarness();

afterAll(async () => {
  await setFrequencyCap(null, { role: "admin" });
});

describe("a webhook with {{required}} at delivery", () => {
  it("sends to the user who has the value and suppresses the others with the reason, sending them nothing", async () => {
    await db().user.createMany({
      data: [
        { id: "rq-has", attributes: { crmId: "crm 7/1" } },
        { id: "rq-lacks", attributes: {} },
        { id: "rq-blank", attributes: { crmId: "   " } },
      ],
    });
    const campaign = await createCampaign({
      name: "required",
      url: `${harness.receiver.url}/crm/{{required user.crmId}}`,
      fields: [
        { key: "crm", value: "{{required user.crmId}}", type: "text" },
        { key: "plan", value: '{{required user.crmId "no CRM id yet"}}', type: "text" },
      ],
      audience: { match: "any", conditions: ["rq-has", "rq-lacks", "rq-blank"].map((id) => ({ key: "id", operator: "equals", value: id })) },
    });
    // the sample Activate renders with has no crmId: a skip, not a problem of the template
    const activated = await activateCampaign(campaign.id);
    expect(activated.ok, JSON.stringify(activated)).toBe(true);
    await harness.startEngine();
    const settled = async () => (await db().delivery.count({ where: { campaignId: campaign.id, state: { in: ["delivered", "suppressed"] } } })) === 3;
    await waitFor(settled, 20_000);

    const rows = await db().delivery.findMany({ where: { campaignId: campaign.id }, select: { userId: true, state: true, reason: true, attempts: true } });
    const byUser = new Map(rows.map((r) => [r.userId, r]));
    expect(byUser.get("rq-has")?.state).toBe("delivered");
    for (const id of ["rq-lacks", "rq-blank"]) {
      expect(byUser.get(id)).toMatchObject({ state: "suppressed", reason: "Skipped: user.crmId is empty", attempts: 0 });
      expect(await db().deliveryAttempt.count({ where: { delivery: { campaignId: campaign.id, userId: id } } })).toBe(0);
    }
    const received = harness.receiver.received.filter((r) => r.path.startsWith("/crm/"));
    expect(received.map((r) => r.path)).toEqual(["/crm/crm%207%2F1"]);
    expect(JSON.parse(received[0]!.body)).toEqual({ crm: "crm 7/1", plan: "crm 7/1" });
    const counts = await deliveryCounts(campaign.id);
    expect(counts).toMatchObject({ delivered: 1, suppressed: 2, total: 3 });
  });

  it("a skip does not use up the user's frequency cap (1 a day): the next campaign's row is sent", async () => {
    await setFrequencyCap({ perDay: 1 }, { role: "admin" });
    await db().user.create({ data: { id: "rq-cap", attributes: {} } });
    const skips = await createCampaign({ url: `${harness.receiver.url}/rq-cap/skip/{{required user.crmId}}`, status: "active" });
    const live = await createCampaign({ url: `${harness.receiver.url}/rq-cap/live/{{user.id}}`, status: "active" });
    const claimed = async (campaign: typeof skips): Promise<ClaimedDelivery> => {
      const now = new Date();
      const row = await db().delivery.create({
        data: {
          webhookId: `msg_rq_${campaign.id}`, campaignId: campaign.id, actionId: campaign.actions[0]!.id, userId: "rq-cap", triggerKey: "activation",
          plannedAt: now, dueAt: now, state: "sending", lockedBy: "wrq", lockedUntil: new Date(now.getTime() + 60_000),
        },
      });
      return { id: row.id, webhookId: row.webhookId, campaignId: row.campaignId, actionId: row.actionId, variantActionId: null, userId: "rq-cap", eventData: null, plannedAt: now, attempts: 0 };
    };
    const w = new Dispatcher(db(), await testDeliveryDeps(), { concurrency: 10, hostConcurrency: 10, leaseMs: 60_000, workerId: "wrq" });
    await w.process([await claimed(skips), await claimed(live)]);
    const rows = new Map((await db().delivery.findMany({ where: { userId: "rq-cap" } })).map((r) => [r.campaignId, r]));
    expect(rows.get(skips.id)).toMatchObject({ state: "suppressed", reason: "Skipped: user.crmId is empty" });
    expect(rows.get(live.id)?.state).toBe("delivered");
    expect(harness.receiver.received.filter((r) => r.path.startsWith("/rq-cap/")).map((r) => r.path)).toEqual(["/rq-cap/live/rq-cap"]);
  });
});
