// A webhook's rate limit holds across workers: two scale-out worker engines (each with its own send
// gate) send one campaign to a receiver on 127.0.0.1 whose action allows 10 requests a second, and no
// second holds more than that (counted alone, each worker sent its own 10: the receiver saw 20).
// Runs in the PostgreSQL pass (skipped on SQLite).
import { randomBytes } from "node:crypto";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../../db";
import { resetEnv } from "../../../env";
import { activateCampaign } from "../../store/lifecycle";
import { setDeliveryQueue } from "../queue";
import { createCampaign, createUsers } from "../../testing/fixtures";
import { testDeliveryDeps } from "../../testing/deps";
import { startReceiver, waitFor } from "../../testing/receiver";
import { dueChannel, queuePrefix, SIGNALS_QUEUE } from "./connection";
import { BullmqProducer, BullmqWorkerEngine } from "./engine";

const onPostgres = /^postgres/.test(process.env.DATABASE_URL ?? "");
const REDIS_URL = process.env.HOOKLINE_TEST_REDIS_URL ?? process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/** the most arrivals in any window of one second (each arrival opens one) */
function busiestSecond(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i] - sorted[j] >= 1000) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

describe.skipIf(!onPostgres)("a webhook's rate limit across scale-out workers", () => {
  const saved = { REDIS_URL: process.env.REDIS_URL, HOOKLINE_QUEUE_PREFIX: process.env.HOOKLINE_QUEUE_PREFIX };
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let producer: BullmqProducer;
  const workers: BullmqWorkerEngine[] = [];
  let probe: Redis;

  beforeAll(async () => {
    Object.assign(process.env, { REDIS_URL, HOOKLINE_QUEUE_PREFIX: `hookline-test-${randomBytes(4).toString("hex")}` });
    resetEnv();
    receiver = await startReceiver(() => ({ status: 200 }));
    producer = new BullmqProducer();
    await producer.start();
    setDeliveryQueue(producer);
    probe = new Redis(REDIS_URL);
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    const queue = new Queue(SIGNALS_QUEUE, { connection: { url: REDIS_URL }, prefix: queuePrefix() });
    await queue.obliterate({ force: true }).catch(() => {});
    await queue.close();
    // the send bookings of this test's prefix
    const keys = await probe.keys(`${queuePrefix()}:*`);
    if (keys.length) await probe.unlink(...keys);
    setDeliveryQueue(null);
    await producer?.stop();
    probe?.disconnect();
    await receiver?.close();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    resetEnv();
  });

  it("two workers send one campaign at no more than the webhook's 10 requests a second, each user once", async () => {
    const USERS = 40;
    const sentBy = [0, 0];
    const sends: number[] = [];
    for (let i = 0; i < 2; i++) {
      const deps = await testDeliveryDeps();
      const send = deps.send;
      deps.send = (request, opts) => (sentBy[i]++, sends.push(Date.now()), send(request, opts));
      // small claims, few in hand: the two workers share the campaign rather than one taking it all
      const w = new BullmqWorkerEngine(db(), deps, { concurrency: 2, hostConcurrency: 2, leaseMs: 30_000, idlePollMs: 200, claimBatch: 5 });
      await w.start();
      workers.push(w);
    }
    await waitFor(async () => ((await probe.pubsub("NUMSUB", dueChannel())) as [string, number])[1] >= 2, 10_000, 20);
    await createUsers(USERS, "rl");
    const campaign = await createCampaign({ url: `${receiver.url}/rl/{{user.id}}`, audience: { match: "all", conditions: [{ key: "id", operator: "contains", value: "rl" }] } });
    await db().action.update({ where: { id: campaign.actions[0].id }, data: { rateLimitPerSecond: 10 } });
    expect((await activateCampaign(campaign.id)).ok).toBe(true);
    await waitFor(async () => (await db().delivery.count({ where: { campaignId: campaign.id, state: "delivered" } })) === USERS, 30_000, 100);

    const got = receiver.received.filter((r) => r.path.startsWith("/rl/"));
    expect(new Set(got.map((r) => r.path)).size).toBe(USERS);
    expect(got.length).toBe(USERS);
    // both workers took part (else the test proves nothing about sharing the limit)
    expect(sentBy.every((n) => n > 0)).toBe(true);
    // 10 a second, +1 for a window that holds both of its boundaries' requests: as the requests left the
    // workers' send gates, and as they arrived (one more: this process runs the receiver beside both
    // workers, so an arrival may be read up to ~100 ms late, next to the following one)
    const shown = (times: number[]) => times.map((t) => t - sends[0]).join(",");
    const seen = `sent at ${shown(sends)}; arrived at ${shown(got.map((r) => r.at))} ms`;
    expect(busiestSecond(sends), seen).toBeLessThanOrEqual(11);
    expect(busiestSecond(got.map((r) => r.at)), seen).toBeLessThanOrEqual(12);
  }, 60_000);
});
