// The embedded engine learns of new due rows from the write that made them (the queue port's
// notify, raised by event intake and activation), not from its poll: with a poll of a minute, an
// event's webhook still leaves at once, and a delayed one at its due time.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../db";
import { trackEvents } from "../triggers";
import { activateCampaign } from "../store/lifecycle";
import { EmbeddedEngine } from "./embedded-engine";
import { setDeliveryQueue } from "./queue";
import { startReceiver, waitFor } from "../testing/receiver";
import { createCampaign } from "../testing/fixtures";
import { embeddedDeliveryDeps } from "./default-deps";

let receiver: Awaited<ReturnType<typeof startReceiver>>;
let engine: EmbeddedEngine;

beforeAll(async () => {
  receiver = await startReceiver();
  // as `npm start` builds it: sending from a sender thread given two cores
  const deps = await embeddedDeliveryDeps();
  await deps.ready?.();
  engine = new EmbeddedEngine(db(), deps, { concurrency: 20, hostConcurrency: 20, leaseMs: 30_000, idlePollMs: 60_000 });
  setDeliveryQueue(engine);
  await engine.start();
  // let the first pass find nothing and fall asleep for its minute
  await new Promise((r) => setTimeout(r, 300));
});
afterAll(async () => {
  await engine.stop();
  setDeliveryQueue(null);
  await receiver.close();
});

describe("due-soon signal", () => {
  it("sends a triggered webhook without delay at once, though the engine polls once a minute", async () => {
    const campaign = await createCampaign({ url: `${receiver.url}/now/{{user.id}}`, rule: { when: "triggered", event: "signup", conditions: [] } });
    expect((await activateCampaign(campaign.id)).ok).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    for (let round = 0; round < 3; round++) {
      const at = Date.now();
      await trackEvents([{ userId: `now-${round}`, event: "signup", params: {} }]);
      await waitFor(() => receiver.received.some((r) => r.path === `/now/now-${round}`), 10_000, 5);
      expect(receiver.received.find((r) => r.path === `/now/now-${round}`)!.at - at).toBeLessThan(1000);
      await new Promise((r) => setTimeout(r, 200));
    }
  });

  it("wakes for a delayed webhook at its due time, not at the next poll", async () => {
    const campaign = await createCampaign({ url: `${receiver.url}/later/{{user.id}}`, rule: { when: "triggered", event: "order", conditions: [] }, subDelivery: { kind: "delay", seconds: 1 } });
    expect((await activateCampaign(campaign.id)).ok).toBe(true);
    const at = Date.now();
    await trackEvents([{ userId: "later-1", event: "order", params: {} }]);
    await waitFor(() => receiver.received.some((r) => r.path === "/later/later-1"), 10_000, 5);
    const took = receiver.received.find((r) => r.path === "/later/later-1")!.at - at;
    expect(took).toBeGreaterThanOrEqual(950);
    expect(took).toBeLessThan(3000);
  });
});
