// Fault drill: Redis (a server of the test's own, without persistence) stops for 10 s in the middle
// of a campaign that two BullMQ workers deliver, and comes back empty. PostgreSQL is the record:
// every user gets the webhook, duplicates carry the same webhook-id, and sends resume by themselves.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { activateCampaign } from "@/lib/delivery/lifecycle";
import { createCampaign, createUsers } from "@/lib/delivery/testing/fixtures";
import { waitFor } from "@/lib/delivery/testing/receiver";
import { deliveredCount, startScaleOut } from "./scale-out-drill";
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
    console.log(
      `Redis drill: ${atStop} received before the stop, ${atRestart - atStop} during the 10 s outage, all ${USERS} after; ` +
        `${rig.receiver.received.length - USERS} duplicate(s) from in-flight deliveries`,
    );
  }, 120_000);
});
