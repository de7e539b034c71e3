// Fault drill: SIGKILL the worker process in the middle of a 5,000-user campaign, start another:
// every user gets the webhook; duplicates only for deliveries that were in flight, with the same
// webhook-id.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { db } from "@/lib/db";
import { activateCampaign } from "@/lib/delivery/store/lifecycle";
import { startReceiver, waitFor } from "@/lib/delivery/testing/receiver";
import { createCampaign, createUsers } from "@/lib/delivery/testing/fixtures";
import { killed, spawnWorker } from "./drill-support";

const USERS = 5000;
// with REDIS_URL and PostgreSQL the worker is a scale-out worker: its own prefix keeps it off any other install's queue
const prefix = `hookline-test-${randomBytes(4).toString("hex")}`;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  // A little latency so the campaign is still going when the worker dies.
  receiver = await startReceiver(async () => {
    await new Promise((r) => setTimeout(r, 2));
    return { status: 200 };
  });
});
afterAll(async () => {
  await receiver.close();
  if (!process.env.REDIS_URL) return;
  const { Queue } = await import("bullmq");
  const { SIGNALS_QUEUE } = await import("@/lib/delivery/engine/bullmq/connection");
  const queue = new Queue(SIGNALS_QUEUE, { connection: { url: process.env.REDIS_URL }, prefix });
  await queue.obliterate({ force: true }).catch(() => {});
  await queue.close();
});

it("loses nothing when the worker is SIGKILLed mid-campaign and restarted", async () => {
  await createUsers(USERS, "k");
  const campaign = await createCampaign({ url: `${receiver.url}/k/{{user.id}}` });
  expect((await activateCampaign(campaign.id)).ok).toBe(true);
  const env = { HOOKLINE_DELIVERY_LEASE_MS: "1500", HOOKLINE_EMBEDDED_WORKER: "1", HOOKLINE_QUEUE_PREFIX: prefix };

  const first = spawnWorker(env);
  await waitFor(() => receiver.received.length >= 800, 60_000, 10);
  first.kill("SIGKILL");
  await killed(first);
  const atKill = receiver.received.length;
  expect(atKill).toBeLessThan(USERS);

  const second = spawnWorker(env);
  try {
    await waitFor(async () => (await db().delivery.count({ where: { campaignId: campaign.id, state: "delivered" } })) === USERS, 120_000, 200);
  } finally {
    second.kill("SIGTERM");
    await killed(second);
  }

  const byPath = new Map<string, Set<string>>();
  let hits = 0;
  for (const r of receiver.received) {
    hits++;
    const ids = byPath.get(r.path) ?? new Set();
    ids.add(String(r.headers["webhook-id"]));
    byPath.set(r.path, ids);
  }
  expect(byPath.size).toBe(USERS);
  // a duplicate is the same message again (one webhook-id per user), never a different one
  for (const ids of byPath.values()) expect(ids.size).toBe(1);
  const duplicates = hits - USERS;
  console.log(`SIGKILL drill: ${atKill} received before the kill, ${duplicates} duplicate(s) from in-flight deliveries`);
  expect(duplicates).toBeLessThanOrEqual(300);
}, 200_000);
