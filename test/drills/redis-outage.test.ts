// Fault drill: Redis (a server of the test's own, without persistence) stops for 10 s in the middle
// of a campaign that two BullMQ workers deliver, and comes back empty. PostgreSQL is the record:
// every user gets the webhook, duplicates carry the same webhook-id, and sends resume by themselves.
// Nothing reports an "Unhandled error event": every Redis client, queue and worker has a listener
// that logs the outage, rate-limited, and connections are closed with the engines.
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { queuePrefix, SIGNALS_QUEUE, TICK_JOB } from "@/lib/delivery/engine/bullmq/connection";
import { activateCampaign } from "@/lib/delivery/store/lifecycle";
import { createCampaign, createUsers } from "@/lib/delivery/testing/fixtures";
import { waitFor } from "@/lib/delivery/testing/receiver";
import { deliveredCount, failedAttempts, startScaleOut } from "./scale-out-drill";
import { redisAvailable, sparePort, startRedis } from "./services";

const onPostgres = /^postgres/.test(process.env.DATABASE_URL ?? "");
const skipReason = !onPostgres ? "needs DATABASE_URL=postgresql://... (the BullMQ engine runs on PostgreSQL)" : redisAvailable();
const USERS = 1500;

describe.skipIf(!!skipReason)(`Redis stops for 10 s while workers deliver${skipReason ? ` (skipped: ${skipReason})` : ""}`, () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let rig: Awaited<ReturnType<typeof startScaleOut>>;

  beforeAll(async () => {
    redis = await startRedis(await sparePort());
    rig = await startScaleOut({ redisUrl: redis.url, receiveDelayMs: 5 });
  }, 60_000);

  afterAll(async () => {
    await rig?.stop();
    rig?.restoreConsole();
    await redis?.down();
  }, 60_000);

  it("loses no delivery and resumes by itself", async () => {
    await createUsers(USERS, "ro");
    const campaign = await createCampaign({ url: `${rig.receiver.url}/ro/{{user.id}}`, audience: { match: "all", conditions: [{ key: "id", operator: "contains", value: "ro" }] } });
    expect((await activateCampaign(campaign.id)).ok).toBe(true);
    await waitFor(() => rig.receiver.received.length >= 200, 60_000, 10);
    await redis.down();
    const atStop = rig.receiver.received.length;
    await new Promise((r) => setTimeout(r, 10_000));
    await redis.up();
    const atRestart = rig.receiver.received.length;
    await waitFor(async () => (await deliveredCount(campaign.id)) === USERS, 60_000, 250);
    const byPath = rig.byPath("/ro/");
    expect(byPath.size).toBe(USERS);
    for (const ids of byPath.values()) expect(ids.size).toBe(1);
    const duplicates = rig.duplicates("/ro/");
    console.log(
      `Redis drill: ${atStop} received before the stop, ${atRestart - atStop} during the 10 s outage, all ${USERS} after; ` +
        `${duplicates} duplicate(s) from in-flight deliveries`,
    );
    if (duplicates > 0) console.log(`failed attempts: ${await failedAttempts(campaign.id)}`);
    // Reported, not bounded: the issue asks that nothing is lost and sends resume. Runs on this shared
    // machine have seen 0-2 and, once, 324 duplicates (all with their delivery's webhook-id, checked above).

    // Redis came back empty: the workers declared the tick's scheduler again, and it finishes the campaign
    const queue = new Queue(SIGNALS_QUEUE, { connection: { url: redis.url }, prefix: queuePrefix() });
    try {
      await waitFor(async () => (await queue.getJobSchedulers()).some((s) => s.key === TICK_JOB), 10_000, 100);
    } finally {
      await queue.close();
    }
    await waitFor(async () => (await db().campaign.findUniqueOrThrow({ where: { id: campaign.id } })).status === "finished", 20_000, 100);

    // Engines stopped, then Redis goes away: no connection of ours is left to complain.
    await rig.stop();
    await redis.down();
    await new Promise((r) => setTimeout(r, 1500));
    const { workers, here } = rig.output();
    for (const lines of [...workers, here]) expect(lines.filter((l) => /Unhandled error event/.test(l))).toEqual([]);
    for (const lines of workers) {
      const outage = lines.filter((l) => /Redis unreachable/.test(l));
      // the outage is logged, with the host and not the URL, a few lines per source rather than one per reconnect
      expect(outage.length).toBeGreaterThan(0);
      expect(outage.length).toBeLessThanOrEqual(12);
      for (const l of outage) expect(l).toContain(`"host":"${new URL(redis.url).host}"`);
      // and its end, once per connection, so that no one has to read it from the silence
      const back = lines.filter((l) => /Redis reachable again \(worker connection\)/.test(l));
      expect(back.length).toBeGreaterThanOrEqual(1);
      expect(back.length).toBeLessThanOrEqual(2 * 2);
    }
  }, 120_000);
});
