import { auditTargets } from "../../auth/audit-targets";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../db";
import { prismaProvider } from "../../db/dialect";
import { trackEvents } from "../triggers";
import { EmbeddedEngine } from "../engine/embedded-engine";
import { finishCampaigns, isDone } from "./finish";
import { newWebhookId } from "../core/ids";
import { activateCampaign, cancelScheduled, pauseCampaign, resumeCampaign, retryAllFailed, retryDelivery } from "./lifecycle";
import { setDeliveryQueue } from "../engine/queue";
import { testDeliveryDeps } from "../testing/deps";
import { createCampaign, createUsers } from "../testing/fixtures";
import { startReceiver, waitFor } from "../testing/receiver";

const NOW = new Date("2026-06-01T12:00:00Z");
const HOUR = 3_600_000;
const recurring = { when: "recurring", frequency: "daily", time: "09:00", timeZone: "UTC", maxOccurrences: 2 };

let receiver: Awaited<ReturnType<typeof startReceiver>>;
let engine: EmbeddedEngine | null = null;
beforeAll(async () => {
  receiver = await startReceiver((req) => ({ status: req.path.startsWith("/bad/") ? 400 : 200 }));
  await createUsers(3, "fin");
});
afterAll(async () => receiver.close());
afterEach(async () => {
  await engine?.stop();
  engine = null;
  setDeliveryQueue(null);
});

/** an active campaign with one delivery per given state, written straight to the database */
async function activeWith(states: string[], options: { rule?: object; endAt?: Date | null; nextRunAt?: Date | null } = {}) {
  const campaign = await createCampaign({ url: `${receiver.url}/x/{{user.id}}`, rule: options.rule, status: "active" });
  await db().campaign.update({ where: { id: campaign.id }, data: { endAt: options.endAt ?? null, nextRunAt: options.nextRunAt ?? null } });
  for (const [i, state] of states.entries()) {
    await db().delivery.create({
      data: {
        webhookId: newWebhookId(), campaignId: campaign.id, actionId: campaign.actions[0]!.id, userId: "fin000000",
        triggerKey: `test:${i}`, plannedAt: NOW, dueAt: NOW, state,
      },
    });
  }
  return campaign;
}

const statusOf = async (id: string) => (await db().campaign.findUniqueOrThrow({ where: { id } })).status;

describe("isDone: nothing more can come of a campaign whose deliveries are all final", () => {
  it("immediate and one-off scheduled: yes; triggered: only past its end date", () => {
    expect(isDone({ deliveryRule: { when: "immediate" }, endAt: null, nextRunAt: null }, NOW)).toBe(true);
    expect(isDone({ deliveryRule: { when: "scheduled", sendAt: "2026-06-01T09:00", timeZone: "UTC" }, endAt: null, nextRunAt: null }, NOW)).toBe(true);
    expect(isDone({ deliveryRule: { when: "triggered", event: "buy" }, endAt: null, nextRunAt: null }, NOW)).toBe(false);
    expect(isDone({ deliveryRule: { when: "triggered", event: "buy" }, endAt: new Date(NOW.getTime() + HOUR), nextRunAt: null }, NOW)).toBe(false);
    expect(isDone({ deliveryRule: { when: "triggered", event: "buy" }, endAt: new Date(NOW.getTime() - HOUR), nextRunAt: null }, NOW)).toBe(true);
  });

  it("recurring: once no occurrence is left, or past its end date", () => {
    expect(isDone({ deliveryRule: recurring, endAt: null, nextRunAt: new Date(NOW.getTime() + HOUR) }, NOW)).toBe(false);
    expect(isDone({ deliveryRule: recurring, endAt: null, nextRunAt: null }, NOW)).toBe(true);
    expect(isDone({ deliveryRule: recurring, endAt: new Date(NOW.getTime() - 1), nextRunAt: new Date(NOW.getTime() + HOUR) }, NOW)).toBe(true);
  });
});

describe("finishCampaigns", () => {
  it("finishes a campaign whose deliveries are all final, with an audit entry, and leaves the others alone", async () => {
    const done = await activeWith(["delivered", "failed", "suppressed", "cancelled"]);
    const retrying = await activeWith(["delivered", "retrying"]);
    const sending = await activeWith(["sending"]);
    const triggered = await activeWith(["delivered"], { rule: { when: "triggered", event: "buy" } });
    const nextOccurrence = await activeWith(["delivered"], { rule: recurring, nextRunAt: new Date(NOW.getTime() + HOUR) });
    const lastOccurrence = await activeWith(["delivered"], { rule: recurring, nextRunAt: null });

    const finished = await finishCampaigns(db(), NOW);
    expect(finished.sort()).toEqual([done.id, lastOccurrence.id].sort());
    for (const c of [retrying, sending, triggered, nextOccurrence]) expect(await statusOf(c.id)).toBe("active");
    const audit = await db().auditLog.findMany({ where: { action: "campaign.finished" } });
    expect(audit.map((a) => [a.actor, a.target]).sort()).toEqual([["system", done.id], ["system", lastOccurrence.id]].sort());
    // a second tick changes nothing and audits nothing twice
    expect(await finishCampaigns(db(), NOW)).toEqual([]);
    expect(await db().auditLog.count({ where: { action: "campaign.finished" } })).toBe(2);
  });

  it("a triggered campaign finishes at its end date; events for it then schedule nothing", async () => {
    const rule = { when: "triggered", event: "late" };
    const before = new Date(Date.now() + HOUR);
    const campaign = await activeWith([], { rule, endAt: before });
    expect(await finishCampaigns(db(), new Date())).not.toContain(campaign.id);
    await db().campaign.update({ where: { id: campaign.id }, data: { endAt: new Date(Date.now() - 1000) } });
    expect(await finishCampaigns(db(), new Date())).toContain(campaign.id);
    const tracked = await trackEvents([{ userId: "fin000000", event: "late" }]);
    expect(tracked.scheduled).toBe(0);
    expect(await db().delivery.count({ where: { campaignId: campaign.id } })).toBe(0);
  });

  it("deliveries written for a campaign just after it finished are suppressed, not left waiting", async () => {
    const campaign = await activeWith(["delivered"]);
    expect(await finishCampaigns(db(), new Date())).toContain(campaign.id);
    const late = await db().delivery.create({
      data: { webhookId: newWebhookId(), campaignId: campaign.id, actionId: campaign.actions[0]!.id, userId: "fin000001", triggerKey: "event:late", plannedAt: NOW, dueAt: NOW },
    });
    await finishCampaigns(db(), new Date());
    expect(await db().delivery.findUniqueOrThrow({ where: { id: late.id } })).toMatchObject({ state: "suppressed", reason: "The campaign had finished" });
  });

  it("retrying a failed delivery by hand makes a finished campaign active again until it is final", async () => {
    const campaign = await activeWith(["delivered", "failed"]);
    await finishCampaigns(db(), new Date());
    expect(await statusOf(campaign.id)).toBe("finished");
    const failed = await db().delivery.findFirstOrThrow({ where: { campaignId: campaign.id, state: "failed" } });
    expect(await retryDelivery(failed.id, "editor@example.com")).toBe(true);
    expect(await statusOf(campaign.id)).toBe("active");
    expect(await finishCampaigns(db(), new Date())).not.toContain(campaign.id);
    expect((await db().delivery.findUniqueOrThrow({ where: { id: failed.id } })).state).toBe("scheduled");
  });
});

it("the embedded engine finishes an immediate campaign by itself once every delivery is final", async () => {
  const audience = { match: "all", conditions: [{ key: "id", operator: "contains", value: "fin" }] };
  const good = await createCampaign({ url: `${receiver.url}/good/{{user.id}}`, audience });
  const bad = await createCampaign({ url: `${receiver.url}/bad/{{user.id}}`, audience });
  for (const c of [good, bad]) expect((await activateCampaign(c.id)).ok).toBe(true);
  engine = new EmbeddedEngine(db(), await testDeliveryDeps(), { concurrency: 10, hostConcurrency: 10, leaseMs: 30_000, idlePollMs: 100 });
  setDeliveryQueue(engine);
  await engine.start();
  await waitFor(async () => (await statusOf(good.id)) === "finished" && (await statusOf(bad.id)) === "finished", 20_000, 100);
  expect(await db().delivery.count({ where: { campaignId: good.id, state: "delivered" } })).toBe(3);
  expect(await db().delivery.count({ where: { campaignId: bad.id, state: "failed" } })).toBe(3);
}, 30_000);

it("a retry by hand racing the finisher never leaves a finished campaign with a delivery to send", async () => {
  // Each round, "Retry all failed" (or "Retry" of the one delivery) and several ticks of the engine's finisher, started a moment
  // apart, run on a campaign whose deliveries are all final. Whichever wins, the retried delivery
  // must still be sent: its campaign active, and the next tick neither finishes the campaign nor
  // suppresses the delivery.
  const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
  for (let round = 0; round < 15; round++) {
    const campaign = await activeWith(["delivered", "failed"]);
    const ticks = Array.from({ length: 6 }, (_, k) => pause(k).then(() => finishCampaigns(db(), new Date())));
    const failed = await db().delivery.findFirstOrThrow({ where: { campaignId: campaign.id, state: "failed" } });
    const retry = async () => void (round % 2 ? await retryAllFailed(campaign.id, "editor@example.com") : await retryDelivery(failed.id, "editor@example.com"));
    await Promise.all([pause(round % 3).then(retry), ...ticks]);
    await finishCampaigns(db(), new Date());
    const states = (await db().delivery.findMany({ where: { campaignId: campaign.id }, select: { state: true } })).map((d) => d.state).sort();
    expect({ round, states, status: await statusOf(campaign.id) }).toEqual({ round, states: ["delivered", "scheduled"], status: "active" });
  }
}, 60_000);

it("every manual action on a campaign's deliveries is audited as whoever did it, whichever door it came through", async () => {
  const actor = "marketer@example.com";
  const campaign = await activeWith(["failed", "failed", "scheduled"]);
  const [one] = await db().delivery.findMany({ where: { campaignId: campaign.id, state: "failed" } });
  expect(await pauseCampaign(campaign.id, actor)).toBe(true);
  expect(await resumeCampaign(campaign.id, actor)).toMatchObject({ ok: true });
  expect(await retryDelivery(one!.id, actor)).toBe(true);
  expect((await retryAllFailed(campaign.id, actor)).retried).toBe(1);
  expect(await cancelScheduled(campaign.id, actor)).toBe(3);
  expect(await pauseCampaign(campaign.id, actor)).toBe(true);
  expect(await pauseCampaign(campaign.id, actor)).toBe(false); // nothing done, nothing recorded
  const entries = await db().auditLog.findMany({ where: { actor } });
  expect(entries.map((e) => [e.action, e.target]).sort()).toEqual([
    ["campaign.paused", campaign.id],
    ["campaign.resumed", campaign.id],
    ["delivery.retried", one!.id],
    ["delivery.retried_all_failed", campaign.id],
    ["delivery.cancelled", campaign.id],
    ["campaign.paused", campaign.id],
  ].sort());
  // the log's "On" column: each names the campaign (or the delivery in it), none "A deleted delivery"
  const targets = await auditTargets(entries);
  expect(targets.map((t) => t.href)).toEqual(entries.map(() => `/campaigns/${campaign.id}`));
  expect(targets.filter((t, i) => entries[i]!.action !== "delivery.retried").map((t) => t.label)).toEqual(entries.filter((e) => e.action !== "delivery.retried").map(() => campaign.name));
});

it.runIf(prismaProvider() === "postgresql")("a fan-out still writing deliveries for a done campaign holds up no tick: the finisher neither waits for it nor stops", async () => {
  // another connection inserts a delivery for A and keeps its transaction open (its foreign key takes
  // FOR KEY SHARE on A's row); the tick must not wait for it, and B must finish meanwhile
  const a = await activeWith(["failed"]);
  const b = await activeWith(["failed"]);
  let released = false;
  const holder = db().$transaction(
    async (tx) => {
      await tx.delivery.create({
        data: { webhookId: newWebhookId(), campaignId: a.id, actionId: a.actions[0]!.id, userId: "fin000001", triggerKey: "event:late", plannedAt: NOW, dueAt: NOW, state: "delivered" },
      });
      await new Promise((r) => setTimeout(r, 6_000));
    },
    { timeout: 20_000 },
  ).then(() => (released = true));
  await new Promise((r) => setTimeout(r, 300));
  const finished = await finishCampaigns(db(), new Date());
  expect(released).toBe(false); // done while the insert was still open
  expect(finished).toContain(b.id);
  await holder;
}, 30_000);
