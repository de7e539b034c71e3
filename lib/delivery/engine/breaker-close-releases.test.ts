// A host on hold whose trial send is answered 200: the rows the hold pushed (each to "next try after"
// a minute from when it was claimed during the trial) waited out their pushed times, sent 77 s after the
// marketer's Retry. Now the breaker's close makes them due at once, on the embedded engine.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../db";
import { BREAKER_REASON_PREFIX } from "../core/hold-reason";
import { activateCampaign } from "../store/lifecycle";
import { createCampaign, createUsers } from "../testing/fixtures";
import { testDeliveryDeps } from "../testing/deps";
import { startReceiver, waitFor } from "../testing/receiver";
import { EmbeddedEngine } from "./embedded-engine";
import { setDeliveryQueue } from "./queue";

const OPEN_MS = 4_000;
let failing = true;
let firstSuccessAt = 0;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let engine: EmbeddedEngine | null = null;

beforeAll(async () => {
  receiver = await startReceiver(async () => {
    if (failing) return { status: 500 };
    // the trial answers after a moment: the rows claimed beside it are pushed to their next try first
    await new Promise((r) => setTimeout(r, 300));
    firstSuccessAt ||= Date.now();
    return { status: 200 };
  });
});
afterAll(async () => {
  await engine?.stop();
  setDeliveryQueue(null);
  await receiver.close();
});

describe("a host's breaker closing", () => {
  it("sends the rows its hold pushed at once, not at their pushed next try", async () => {
    await createUsers(6, "bcr");
    const campaign = await createCampaign({ url: `${receiver.url}/bcr/{{user.id}}`, audience: { match: "all", conditions: [{ key: "id", operator: "contains", value: "bcr" }] } });
    expect((await activateCampaign(campaign.id)).ok).toBe(true);
    engine = new EmbeddedEngine(db(), await testDeliveryDeps({ retryScheduleMs: Array(10).fill(100) }), {
      concurrency: 6, hostConcurrency: 6, leaseMs: 30_000, breaker: { threshold: 3, openMs: OPEN_MS },
    });
    setDeliveryQueue(engine);
    await engine.start();
    const held = () => db().delivery.count({ where: { campaignId: campaign.id, state: "retrying", reason: { startsWith: BREAKER_REASON_PREFIX } } });
    // the receiver's 500s put the host on hold: its rows wait with the hold's reason
    await waitFor(async () => (await held()) >= 3);
    failing = false;
    const fixedAt = Date.now();

    await waitFor(async () => (await db().delivery.count({ where: { campaignId: campaign.id, state: "delivered" } })) === 6, 20_000);
    // nothing goes to a host on hold but its trial: every request since the fix is one of the six
    const okAt = receiver.received.filter((r) => r.at >= fixedAt).map((r) => r.at);
    expect(okAt).toHaveLength(6);
    // the trial's 200, then every other row within a couple of seconds (the pushed next try was OPEN_MS later)
    expect(Math.max(...okAt) - firstSuccessAt).toBeLessThan(2_000);
    expect(await held()).toBe(0);
  }, 40_000);
});
