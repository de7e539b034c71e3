// A webhook's rate limit holds across workers: two scale-out worker engines (each with its own send
// gate) send one campaign to a receiver on 127.0.0.1 whose action allows 10 requests a second, and no
// second holds more than that (counted alone, each worker sent its own 10: the receiver saw 20). A
// worker that stops with sends queued leaves the action to the others within about a second: it books
// no send time further ahead than that (before, each queued send booked its time as it was claimed, so a
// worker stopping with 60 queued at 10 a second left the others idle for the 6 s it had booked).
// Runs in the PostgreSQL pass (skipped on SQLite).
import { describe, expect, it } from "vitest";
import { db } from "../../../db";
import { activateCampaign } from "../../store/lifecycle";
import { createCampaign, createUsers } from "../../testing/fixtures";
import { testDeliveryDeps } from "../../testing/deps";
import { waitFor } from "../../testing/receiver";
import { onPostgres, scaleOutHarness } from "../../testing/scale-out-harness";

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
  const harness = scaleOutHarness();

  it("two workers send one campaign at no more than the webhook's 10 requests a second, each user once", async () => {
    const USERS = 40;
    const sentBy = [0, 0];
    const sends: number[] = [];
    for (let i = 0; i < 2; i++) {
      const deps = await testDeliveryDeps();
      const send = deps.send;
      deps.send = (request, opts) => (sentBy[i]++, sends.push(Date.now()), send(request, opts));
      // small claims, few in hand: the two workers share the campaign rather than one taking it all
      await harness.startWorker({ concurrency: 2, hostConcurrency: 2, leaseMs: 30_000, idlePollMs: 200, claimBatch: 5 }, deps);
    }
    await harness.subscribed(2);
    await createUsers(USERS, "rl");
    const campaign = await createCampaign({ url: `${harness.receiver.url}/rl/{{user.id}}`, audience: { match: "all", conditions: [{ key: "id", operator: "contains", value: "rl" }] } });
    await db().action.update({ where: { id: campaign.actions[0].id }, data: { rateLimitPerSecond: 10 } });
    expect((await activateCampaign(campaign.id)).ok).toBe(true);
    await waitFor(async () => (await db().delivery.count({ where: { campaignId: campaign.id, state: "delivered" } })) === USERS, 30_000, 100);

    const got = harness.receiver.received.filter((r) => r.path.startsWith("/rl/"));
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

  it("a worker that stops with sends queued leaves the webhook's rate to the other within about a second", async () => {
    const USERS = 60;
    const sends: { worker: number; at: number }[] = [];
    const start = async (i: number, claimBatch: number) => {
      const deps = await testDeliveryDeps();
      const send = deps.send;
      deps.send = (request, opts) => (sends.push({ worker: i, at: Date.now() }), send(request, opts));
      return harness.startWorker({ concurrency: 2, hostConcurrency: 2, leaseMs: 30_000, idlePollMs: 100, claimBatch }, deps);
    };
    // the first worker alone claims the whole campaign: 60 sends queued in its gate, 6 s at 10 a second
    const first = await start(0, USERS);
    await harness.subscribed(1);
    await createUsers(USERS, "stop");
    const campaign = await createCampaign({ url: `${harness.receiver.url}/stop/{{user.id}}`, audience: { match: "all", conditions: [{ key: "id", operator: "contains", value: "stop" }] } });
    await db().action.update({ where: { id: campaign.actions[0].id }, data: { rateLimitPerSecond: 10 } });
    expect((await activateCampaign(campaign.id)).ok).toBe(true);
    await waitFor(() => sends.length >= 5, 10_000, 10);
    await start(1, USERS);
    // stopping (SIGTERM): what it had not sent goes back, due now, for the other worker
    const stoppedAt = Date.now();
    await harness.stopWorker(first);
    const stopMs = Date.now() - stoppedAt;
    await waitFor(async () => (await db().delivery.count({ where: { campaignId: campaign.id, state: "delivered" } })) === USERS, 30_000, 100);

    const bySecond = sends.filter((s) => s.worker === 1).map((s) => s.at - stoppedAt);
    const seen = `the first worker took ${stopMs} ms to stop; the second sent at ${bySecond.join(",")} ms after it was told to`;
    console.log(seen);
    // its 10th send within 2.5 s of the stop: sending within ~1.5 s, then at 10 a second
    expect(bySecond.length, seen).toBeGreaterThanOrEqual(10);
    expect(bySecond[0], seen).toBeLessThan(1_500);
    expect(bySecond[9], seen).toBeLessThan(2_500);
    // and the limit held throughout, over both workers' sends
    expect(busiestSecond(sends.map((s) => s.at)), seen).toBeLessThanOrEqual(11);
    const got = harness.receiver.received.filter((r) => r.path.startsWith("/stop/"));
    expect(new Set(got.map((r) => r.path)).size).toBe(USERS);
  }, 60_000);
});
