// A header value that renders with a control character (a user attribute holding \x01 or \x7f) is
// a failed delivery after one attempt, never sent and never retried (it used to fail at send time
// as a network error and be retried four times).
import { expect, it } from "vitest";
import { db } from "../../db";
import { activateCampaign } from "../store/lifecycle";
import { waitFor } from "../testing/receiver";
import { createCampaign } from "../testing/fixtures";
import { engineHarness } from "../testing/engine-harness";

const harness = engineHarness();

it("fails once, without sending, a delivery whose rendered header value holds a control character", async () => {
  await db().user.createMany({
    data: [
      { id: "hv-ok", attributes: { flag: "fine" } },
      { id: "hv-soh", attributes: { flag: "a\u0001b" } },
      { id: "hv-del", attributes: { flag: "del\u007f" } },
    ],
  });
  const campaign = await createCampaign({ url: `${harness.receiver.url}/hv/{{user.id}}`, audience: { match: "all", conditions: [{ key: "id", operator: "contains", value: "hv-" }] } });
  await db().action.update({ where: { id: campaign.actions[0]!.id }, data: { headers: [{ name: "X-Flag", value: "{{{userAttribute.flag}}}" }] } });
  expect((await activateCampaign(campaign.id)).ok).toBe(true);
  await harness.startEngine({ retryScheduleMs: [50, 50, 50, 50] }, { concurrency: 5, hostConcurrency: 5 });
  await waitFor(async () => (await db().delivery.count({ where: { campaignId: campaign.id, state: { in: ["delivered", "failed"] } } })) === 3, 30_000, 50);
  const rows = await db().delivery.findMany({ where: { campaignId: campaign.id }, orderBy: { userId: "asc" } });
  expect(rows.map((d) => [d.userId, d.state, d.attempts])).toEqual([
    ["hv-del", "failed", 1],
    ["hv-ok", "delivered", 1],
    ["hv-soh", "failed", 1],
  ]);
  expect(rows[0]!.reason).toMatch(/control characters/);
  expect(harness.receiver.received.map((r) => r.path)).toEqual(["/hv/hv-ok"]);
});
