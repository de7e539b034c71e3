// A sender thread that dies (a crash, an out-of-memory) with rate-limited deliveries queued in it: the
// ones it had not started go back unsent (no attempt, nothing for the host's breaker) and are sent by
// the thread that replaces it; the ones under way count as one attempt with an internal error, off the
// breaker, as a sender that throws does (dispatcher.ts). Before, every delivery the thread held was a
// failed request: an attempt used (lost for good under retry policy "none") and a count for the
// breaker, which 20 of them opened for a minute on a healthy host.
import { spawnSync } from "node:child_process";
import type { Worker } from "node:worker_threads";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../db";
import { activateCampaign } from "../store/lifecycle";
import { createCampaign, createUsers } from "../testing/fixtures";
import { testDeliveryDeps } from "../testing/deps";
import { startReceiver, waitFor } from "../testing/receiver";
import { EmbeddedEngine } from "./embedded-engine";
import { setDeliveryQueue } from "./queue";
import { SenderThreads } from "./sender-threads";

const USERS = 30;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let threads: SenderThreads;

beforeAll(async () => {
  const built = spawnSync(process.execPath, ["--import", "tsx", "scripts/build-sender-thread.ts", "--if-stale"], { cwd: process.cwd(), encoding: "utf8" });
  expect(built.status, built.stderr).toBe(0);
  threads = new SenderThreads(1);
  // a reply takes a while: the two sends the host's limit lets go at once are under way when the thread dies
  receiver = await startReceiver(async () => {
    await new Promise((r) => setTimeout(r, 100));
    return { status: 200 };
  });
});
afterAll(async () => {
  await threads.close();
  await receiver.close();
});

/** the thread's worker, as a crash would end it */
const workerOf = (t: SenderThreads, i = 0) => (t as unknown as { threads: { worker: Worker }[] }).threads[i].worker;

async function killMidCampaign(label: string, retryPolicy: string) {
  await createUsers(USERS, label);
  const campaign = await createCampaign({ url: `${receiver.url}/${label}/{{user.id}}`, retryPolicy, audience: { match: "all", conditions: [{ key: "id", operator: "contains", value: label }] } });
  // 20 a second: the deliveries wait in the thread's gate for their turn
  await db().action.update({ where: { id: campaign.actions[0].id }, data: { rateLimitPerSecond: 20 } });
  const engine = new EmbeddedEngine(db(), await testDeliveryDeps({ gatedSender: (limits) => threads.gated(limits), ready: () => threads.ready(), retryScheduleMs: [50] }), {
    concurrency: 50, hostConcurrency: 2, leaseMs: 30_000, idlePollMs: 50,
  });
  setDeliveryQueue(engine);
  const hits = () => receiver.received.filter((r) => r.path.startsWith(`/${label}/`));
  const rows = () => db().delivery.findMany({ where: { campaignId: campaign.id }, select: { state: true, attempts: true, reason: true, userId: true } });
  try {
    await threads.ready();
    await engine.start();
    expect((await activateCampaign(campaign.id)).ok).toBe(true);
    await waitFor(() => hits().length >= 3, 20_000, 5);
    const killed = workerOf(threads);
    await killed.terminate();
    // the rows the dead thread held are recorded before the next claim
    await waitFor(async () => (await rows()).every((r) => r.state !== "sending"), 10_000, 10);
    await waitFor(async () => (await rows()).every((r) => r.state === "delivered" || r.state === "failed"), 20_000, 25);
    // replaced: the thread sending now is not the one that died
    expect(workerOf(threads)).not.toBe(killed);
  } finally {
    await engine.stop();
    setDeliveryQueue(null);
  }
  const final = await rows();
  const attempts = await db().deliveryAttempt.findMany({ where: { delivery: { campaignId: campaign.id } }, select: { outcome: true, error: true } });
  return { final, attempts, hits: hits(), host: new URL(receiver.url).host, engine };
}

describe("a sender thread that dies with rate-limited deliveries queued", () => {
  it("hands back the ones it had not started (no attempt, no breaker) and sends them from the thread that replaces it", async () => {
    const { final, attempts, hits, host, engine } = await killMidCampaign("tdeath", "default");
    expect(final.filter((r) => r.state === "delivered")).toHaveLength(USERS);
    // at most the two under way when it died (the host's limit) were attempted twice; the queued ones once, on the new thread
    const twice = final.filter((r) => r.attempts > 1);
    expect(twice.length).toBeLessThanOrEqual(2);
    const failedAttempts = attempts.filter((a) => a.outcome !== "delivered");
    expect(failedAttempts).toHaveLength(twice.length);
    for (const a of failedAttempts) expect(a.error).toMatch(/internal error/);
    expect(engine.dispatcher.breakers.blockedUntil(host, Date.now())).toBeNull();
    // each user sent to once, or twice when its send was under way as the thread died
    expect(hits.length).toBeLessThanOrEqual(USERS + twice.length);
  });

  it("loses none under retry policy none: only a send under way as it died counts, as one failed attempt", async () => {
    const { final } = await killMidCampaign("tdnone", "none");
    const failed = final.filter((r) => r.state === "failed");
    expect(failed.length).toBeLessThanOrEqual(2);
    for (const r of failed) expect(r.reason).toMatch(/internal error/);
    expect(final.filter((r) => r.state === "delivered")).toHaveLength(USERS - failed.length);
  });
});

describe("a sender thread replaced after its gate was drained", () => {
  it("starts none of that gate's sends (the new thread never heard of the drain)", async () => {
    const own = new SenderThreads(1);
    try {
      const gate = own.gated({ concurrency: 5, hostConcurrency: 5, leaseMs: 60_000 });
      const job = (path: string) => ({ request: { method: "POST" as const, url: `${receiver.url}${path}`, headers: [] as [string, string][], body: "{}" }, timeoutMs: undefined, host: "h", rateKey: "a", rps: null, claimedAt: Date.now() });
      expect(await gate.send(job("/drained/first"))).toMatchObject({ result: { outcome: "delivered" } });
      // the worker stops, then its thread dies before the last claimed sends come through
      gate.drain();
      await workerOf(own).terminate();
      expect(await gate.send(job("/drained/after"))).toEqual({ expired: true });
      expect(receiver.received.some((r) => r.path === "/drained/after")).toBe(false);
    } finally {
      await own.close();
    }
  });
});
