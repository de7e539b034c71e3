// A header value that renders with a control character (a user attribute holding \x01 or \x7f) is
// a failed delivery after one attempt, never sent and never retried (it used to fail at send time
// as a network error and be retried four times).
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { db } from "../../db";
import { activateCampaign } from "../store/lifecycle";
import { EmbeddedEngine } from "./embedded-engine";
import { setDeliveryQueue } from "./queue";
import { startReceiver, waitFor } from "../testing/receiver";
import { createCampaign } from "../testing/fixtures";
import { testDeliveryDeps } from "../testing/deps";

let receiver: Awaited<ReturnType<typeof startReceiver>>;
let engine: EmbeddedEngine | null = null;
beforeAll(async () => {
  receiver = await startReceiver(() => ({ status: 200 }));
});
afterAll(async () => receiver.close());
afterEach(async () => {
  await engine?.stop();
  engine = null;
  setDeliveryQueue(null);
});

it("fails once, without sending, a delivery whose rendered header value holds a control character", async () => {
  await db().user.createMany({
    data: [
      { id: "hv-ok", attributes: { flag: "fine" } },
      { id: "hv-soh", attributes: { flag: "a\u0001b" } },
      { id: "hv-del", attributes: { flag: "del\u007f" } },
    ],
  });
  const campaign = await createCampaign({ url: `${receiver.url}/hv/{{user.id}}`, audience: { match: "all", conditions: [{ key: "id", operator: "contains", value: "hv-" }] } });
  await db().action.update({ where: { id: campaign.actions[0]!.id }, data: { headers: [{ name: "X-Flag", value: "{{{userAttribute.flag}}}" }] } });
  expect((await activateCampaign(campaign.id)).ok).toBe(true);
  engine = new EmbeddedEngine(db(), await testDeliveryDeps({ retryScheduleMs: [50, 50, 50, 50] }), { concurrency: 5, hostConcurrency: 5, leaseMs: 30_000, idlePollMs: 50 });
  setDeliveryQueue(engine);
  await engine.start();
  await waitFor(async () => (await db().delivery.count({ where: { campaignId: campaign.id, state: { in: ["delivered", "failed"] } } })) === 3, 30_000, 50);
  const rows = await db().delivery.findMany({ where: { campaignId: campaign.id }, orderBy: { userId: "asc" } });
  expect(rows.map((d) => [d.userId, d.state, d.attempts])).toEqual([
    ["hv-del", "failed", 1],
    ["hv-ok", "delivered", 1],
    ["hv-soh", "failed", 1],
  ]);
  expect(rows[0]!.reason).toMatch(/control characters/);
  expect(receiver.received.map((r) => r.path)).toEqual(["/hv/hv-ok"]);
});
