// Fault drill: the PostgreSQL cluster (one this test creates with initdb in a temporary folder, on a
// spare port) restarts in the middle of a campaign that two BullMQ workers deliver. The workers
// reconnect by themselves and finish; every user gets the webhook; duplicates share a webhook-id and
// are bounded by what was in flight: results sent during the outage are recorded once the database
// answers again (not dropped), and no worker takes over the others' leases until it has reached the
// database for a whole lease (lib/delivery/core/lease.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { activateCampaign } from "@/lib/delivery/store/lifecycle";
import { createCampaign, createUsers } from "@/lib/delivery/testing/fixtures";
import { waitFor } from "@/lib/delivery/testing/receiver";
import { deliveredCount, failedAttempts, startScaleOut, statesByWorker } from "./scale-out-drill";
import { postgresAvailable, redisAvailable, sparePort, startPostgres, startRedis } from "./services";

const onPostgres = /^postgres/.test(process.env.DATABASE_URL ?? "");
const skipReason = !onPostgres ? "needs DATABASE_URL=postgresql://... (the BullMQ engine runs on PostgreSQL)" : (postgresAvailable() ?? redisAvailable());
const USERS = 1500;
const DOWN_MS = 3000;

describe.skipIf(!!skipReason)(`PostgreSQL restarts while workers deliver${skipReason ? ` (skipped: ${skipReason})` : ""}`, () => {
  let pg: Awaited<ReturnType<typeof startPostgres>>;
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let rig: Awaited<ReturnType<typeof startScaleOut>>;

  beforeAll(async () => {
    pg = await startPostgres(await sparePort());
    redis = await startRedis(await sparePort());
    rig = await startScaleOut({ databaseUrl: `${pg.url}?schema=drill`, redisUrl: redis.url, receiveDelayMs: 5 });
  }, 90_000);

  afterAll(async () => {
    await rig?.stop();
    rig?.restoreConsole();
    await redis?.down();
    pg?.destroy();
  }, 60_000);

  it("workers reconnect and carry on; nothing is lost", async () => {
    await createUsers(USERS, "pr");
    const campaign = await createCampaign({ url: `${rig.receiver.url}/pr/{{user.id}}` });
    expect((await activateCampaign(campaign.id)).ok).toBe(true);
    await waitFor(() => rig.receiver.received.length >= 200, 60_000, 10);
    await pg.stop();
    const atStop = rig.receiver.received.length;
    await new Promise((r) => setTimeout(r, DOWN_MS));
    await pg.start();
    const atRestart = rig.receiver.received.length;
    try {
      await waitFor(async () => (await deliveredCount(campaign.id).catch(() => 0)) === USERS, 90_000, 250);
    } catch (err) {
      console.log("PostgreSQL drill: deliveries by state and worker", await statesByWorker(campaign.id).catch((e) => (e as Error).message));
      throw err;
    }
    const byPath = rig.byPath("/pr/");
    expect(byPath.size).toBe(USERS);
    for (const ids of byPath.values()) expect(ids.size).toBe(1);
    const duplicates = rig.duplicates("/pr/");
    console.log(
      `PostgreSQL drill: ${atStop} received before the restart, ${atRestart - atStop} while it was down, all ${USERS} after; ` +
        `${duplicates} duplicate(s) (at most ${rig.inFlightLimit} may be in flight at once)`,
    );
    if (duplicates > 0) console.log(`failed attempts: ${await failedAttempts(campaign.id)}`);
    expect(duplicates).toBeLessThanOrEqual(rig.inFlightLimit);
  }, 150_000);
});
