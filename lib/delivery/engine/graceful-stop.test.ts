// A worker told to stop (SIGTERM: npm run worker, a web process's embedded engine) starts no more
// sends: the deliveries it claimed and has not sent go back at once, for another worker, and the ones
// under way finish and are recorded. It kept sending its claimed rows for up to 10 s, then gave back
// the leases of the sends still under way (another worker sent them again) and exited.
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../db";
import { activateCampaign } from "../store/lifecycle";
import { createCampaign, createUsers } from "../testing/fixtures";
import { testDeliveryDeps } from "../testing/deps";
import { startReceiver, waitFor } from "../testing/receiver";
import { EmbeddedEngine } from "./embedded-engine";
import type { DeliveryDeps } from "./deps";
import { setDeliveryQueue } from "./queue";
import { SenderThreads } from "./sender-threads";

const USERS = 30;
const REPLY_MS = 400;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let threads: SenderThreads | null = null;

beforeAll(async () => {
  receiver = await startReceiver(async () => {
    await new Promise((r) => setTimeout(r, REPLY_MS));
    return { status: 200 };
  });
});
afterAll(async () => {
  await threads?.close();
  await receiver.close();
});

async function stopMidCampaign(label: string, deps: DeliveryDeps) {
  await createUsers(USERS, label);
  const campaign = await createCampaign({ url: `${receiver.url}/${label}/{{user.id}}`, audience: { match: "all", conditions: [{ key: "id", operator: "contains", value: label }] } });
  const engine = new EmbeddedEngine(db(), deps, { concurrency: 2, hostConcurrency: 2, idlePollMs: 50 });
  setDeliveryQueue(engine);
  const hits = () => receiver.received.filter((r) => r.path.startsWith(`/${label}/`));
  let stopMs = 0;
  try {
    await engine.start();
    expect((await activateCampaign(campaign.id)).ok).toBe(true);
    await waitFor(() => hits().length >= 2, 20_000, 5);
  } finally {
    const started = Date.now();
    await engine.stop();
    setDeliveryQueue(null);
    stopMs = Date.now() - started;
  }
  const rows = await db().delivery.findMany({ where: { campaignId: campaign.id }, select: { state: true, lockedBy: true, userId: true } });
  const byState = (s: string) => rows.filter((r) => r.state === s);
  // the sends under way finished (two slots, maybe a third begun as the stop came), nothing more
  expect(hits().length).toBeLessThanOrEqual(4);
  expect(stopMs).toBeLessThan(REPLY_MS * 4);
  // each request sent is recorded delivered; the rest wait, unclaimed, for the next worker
  expect(byState("delivered").map((r) => r.userId).sort()).toEqual(hits().map((h) => h.path.split("/")[2]).sort());
  expect(byState("scheduled")).toHaveLength(USERS - hits().length);
  expect(rows.every((r) => r.lockedBy === null)).toBe(true);
}

describe("stopping the engine mid-campaign", () => {
  it("sending on its own loop: gives back what it has not sent, finishes what it has", async () => {
    await stopMidCampaign("gate", await testDeliveryDeps());
  });

  it("sending from a sender thread: the same", async () => {
    const built = spawnSync(process.execPath, ["--import", "tsx", "scripts/build-sender-thread.ts", "--if-stale"], { cwd: process.cwd(), encoding: "utf8" });
    expect(built.status, built.stderr).toBe(0);
    const t = (threads = new SenderThreads(1));
    await stopMidCampaign("thread", await testDeliveryDeps({ gatedSender: (limits) => t.gated(limits), ready: () => t.ready() }));
  });
});
