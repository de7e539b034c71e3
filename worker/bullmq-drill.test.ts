// The scale-out engine on PostgreSQL + Redis with two `npm run worker` processes: retries keep the
// webhook-id, a 400 is final, and killing one worker mid-campaign loses nothing. Runs in the
// PostgreSQL pass (skipped on SQLite).
import { randomBytes } from "node:crypto";
import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { resetEnv } from "@/lib/env";
import { activateCampaign } from "@/lib/delivery/store/lifecycle";
import { setDeliveryQueue } from "@/lib/delivery/engine/queue";
import { startReceiver, waitFor, type Reply } from "@/lib/delivery/testing/receiver";
import { createCampaign, createUsers } from "@/lib/delivery/testing/fixtures";
import { killed, spawnWorker } from "./drill-support";

const onPostgres = /^postgres/.test(process.env.DATABASE_URL ?? "");
const REDIS_URL = process.env.HOOKLINE_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

describe.skipIf(!onPostgres)("BullMQ workers over PostgreSQL and Redis", () => {
  const prefix = `hookline-test-${randomBytes(4).toString("hex")}`;
  const workerEnv = { REDIS_URL, HOOKLINE_QUEUE_PREFIX: prefix, HOOKLINE_DELIVERY_LEASE_MS: "3000", HOOKLINE_RETRY_SCHEDULE_MS: "200,200,200", HOOKLINE_EMBEDDED_WORKER: "0" };
  let workers: ChildProcess[] = [];
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let reply: (path: string, n: number) => Reply = () => ({ status: 200 });
  const counts = new Map<string, number>();
  let producer: { stop(): Promise<void> } | null = null;

  beforeAll(async () => {
    Object.assign(process.env, { REDIS_URL, HOOKLINE_QUEUE_PREFIX: prefix });
    resetEnv();
    receiver = await startReceiver(async (req) => {
      const n = (counts.get(req.path) ?? 0) + 1;
      counts.set(req.path, n);
      await new Promise((r) => setTimeout(r, 1));
      return reply(req.path, n);
    });
    const { BullmqProducer } = await import("@/lib/delivery/engine/bullmq/engine");
    const p = new BullmqProducer(db());
    await p.start();
    setDeliveryQueue(p);
    producer = p;
    workers = [spawnWorker(workerEnv), spawnWorker(workerEnv)];
  });

  afterAll(async () => {
    for (const w of workers) w.kill("SIGTERM");
    await Promise.all(workers.map(killed));
    await producer?.stop();
    // the drill's prefix is its own: leave no scheduler or job behind in a shared Redis
    const { Queue } = await import("bullmq");
    const { SIGNALS_QUEUE } = await import("@/lib/delivery/engine/bullmq/connection");
    const queue = new Queue(SIGNALS_QUEUE, { connection: { url: REDIS_URL }, prefix });
    await queue.obliterate({ force: true }).catch(() => {});
    await queue.close();
    setDeliveryQueue(null);
    await receiver.close();
    delete process.env.REDIS_URL;
    resetEnv();
  }, 60_000);

  const states = async (campaignId: string) =>
    Object.fromEntries((await db().delivery.groupBy({ by: ["state"], where: { campaignId }, _count: { _all: true } })).map((g) => [g.state, g._count._all]));

  it("retries 503 with the same webhook-id, honours Retry-After and never retries a 400", async () => {
    await createUsers(1, "bq");
    reply = (path, n) => {
      if (path.startsWith("/flaky/")) return n <= 2 ? { status: 503 } : { status: 200 };
      if (path.startsWith("/slow/")) return n === 1 ? { status: 429, headers: { "retry-after": "1" } } : { status: 200 };
      if (path.startsWith("/bad/")) return { status: 400 };
      return { status: 200 };
    };
    const audience = { match: "all", conditions: [{ key: "id", operator: "equals", value: "bq000000" }] };
    const flaky = await createCampaign({ url: `${receiver.url}/flaky/{{user.id}}`, audience });
    const slow = await createCampaign({ url: `${receiver.url}/slow/{{user.id}}`, audience });
    const bad = await createCampaign({ url: `${receiver.url}/bad/{{user.id}}`, audience });
    for (const c of [flaky, slow, bad]) expect((await activateCampaign(c.id)).ok).toBe(true);
    await waitFor(async () => (await states(flaky.id)).delivered === 1 && (await states(slow.id)).delivered === 1 && (await states(bad.id)).failed === 1, 60_000, 100);
    const flakyHits = receiver.received.filter((r) => r.path.startsWith("/flaky/"));
    expect(flakyHits).toHaveLength(3);
    expect(new Set(flakyHits.map((r) => r.headers["webhook-id"])).size).toBe(1);
    const slowHits = receiver.received.filter((r) => r.path.startsWith("/slow/"));
    expect(slowHits[1].at - slowHits[0].at).toBeGreaterThanOrEqual(900);
    expect(receiver.received.filter((r) => r.path.startsWith("/bad/"))).toHaveLength(1);
    // every delivery is final: the workers' tick finishes the three campaigns
    const statusOf = async (id: string) => (await db().campaign.findUniqueOrThrow({ where: { id } })).status;
    await waitFor(async () => (await Promise.all([flaky, slow, bad].map((c) => statusOf(c.id)))).every((s) => s === "finished"), 20_000, 100);
    // the audit row follows the status change (two statements): wait for it rather than race it
    await waitFor(async () => (await db().auditLog.count({ where: { action: "campaign.finished", target: { in: [flaky.id, slow.id, bad.id] } } })) === 3, 5_000, 50);
  }, 90_000);

  it("finishes a campaign when one of two workers is SIGKILLed mid-way", async () => {
    const USERS = 3000;
    reply = () => ({ status: 200 });
    await createUsers(USERS, "kb");
    const campaign = await createCampaign({ url: `${receiver.url}/kb/{{user.id}}`, audience: { match: "all", conditions: [{ key: "id", operator: "contains", value: "kb" }] } });
    expect((await activateCampaign(campaign.id)).ok).toBe(true);
    const hits = () => receiver.received.filter((r) => r.path.startsWith("/kb/"));
    await waitFor(() => hits().length >= 500, 60_000, 10);
    workers[0].kill("SIGKILL");
    await killed(workers[0]);
    await waitFor(async () => (await states(campaign.id)).delivered === USERS, 150_000, 250);
    const byPath = new Map<string, Set<string>>();
    for (const r of hits()) byPath.set(r.path, (byPath.get(r.path) ?? new Set()).add(String(r.headers["webhook-id"])));
    expect(byPath.size).toBe(USERS);
    for (const ids of byPath.values()) expect(ids.size).toBe(1);
    console.log(`BullMQ drill: ${hits().length - USERS} duplicate(s) from in-flight deliveries`);
    // the survivor takes over the ticks (a tick job the killed worker held is recovered as stalled)
    await waitFor(async () => (await db().campaign.findUniqueOrThrow({ where: { id: campaign.id } })).status === "finished", 30_000, 100);
  }, 180_000);
});
