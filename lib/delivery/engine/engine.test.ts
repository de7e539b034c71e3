import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../db";
import { activateCampaign } from "../store/lifecycle";
import { deliveryCsvChunks } from "../store/log-export";
import { EmbeddedEngine } from "./embedded-engine";
import { setDeliveryQueue } from "./queue";
import { trackEvents } from "../triggers";
import { startReceiver, waitFor, type Reply } from "../testing/receiver";
import { createCampaign, createUsers } from "../testing/fixtures";
import { testDeliveryDeps } from "../testing/deps";
import type { DeliveryDeps } from "./deps";

let reply: (path: string, count: number) => Reply = () => ({ status: 200 });
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const countByPath = new Map<string, number>();
let engine: EmbeddedEngine | null = null;

beforeAll(async () => {
  receiver = await startReceiver((req) => {
    const n = (countByPath.get(req.path) ?? 0) + 1;
    countByPath.set(req.path, n);
    return reply(req.path, n);
  });
});
afterAll(async () => receiver.close());
afterEach(async () => {
  await engine?.stop();
  engine = null;
  setDeliveryQueue(null);
  reply = () => ({ status: 200 });
});

async function startEngine(deps: Partial<DeliveryDeps> = {}) {
  engine = new EmbeddedEngine(db(), await testDeliveryDeps({ retryScheduleMs: [100, 100, 100], ...deps }), {
    concurrency: 50,
    hostConcurrency: 10,
    // long enough that a loaded CI machine never lets a lease lapse mid-send (no crash here)
    leaseMs: 30_000,
    idlePollMs: 100,
  });
  setDeliveryQueue(engine);
  await engine.start();
  return engine;
}

const states = async (campaignId: string) =>
  Object.fromEntries((await db().delivery.groupBy({ by: ["state"], where: { campaignId }, _count: { _all: true } })).map((g) => [g.state, g._count._all]));

describe("embedded engine", () => {
  it("delivers an immediate campaign to 1,000 users exactly once each, personalised", async () => {
    await createUsers(1000, "imm");
    const campaign = await createCampaign({ url: `${receiver.url}/imm/{{user.id}}`, audience: { match: "all", conditions: [{ key: "id", operator: "contains", value: "imm" }] } });
    const result = await activateCampaign(campaign.id);
    expect(result).toMatchObject({ ok: true, counts: { scheduled: 1000 } });
    await startEngine();
    await waitFor(async () => (await states(campaign.id)).delivered === 1000, 60_000, 100);
    const got = receiver.received.filter((r) => r.path.startsWith("/imm/"));
    expect(got).toHaveLength(1000);
    expect(new Set(got.map((r) => r.path)).size).toBe(1000);
    const one = got.find((r) => r.path === "/imm/imm000042")!;
    expect(JSON.parse(one.body)).toEqual({ name: "Name42" });
    expect(new Set(got.map((r) => r.headers["webhook-id"])).size).toBe(1000);
    expect(await db().deliveryAttempt.count({ where: { delivery: { campaignId: campaign.id } } })).toBe(1000);
  }, 90_000);

  it("retries 503 twice then 200 with the same webhook-id, honours Retry-After, never retries a 400", async () => {
    await createUsers(3, "rt");
    reply = (path, n) => {
      if (path.startsWith("/flaky/")) return n <= 2 ? { status: 503 } : { status: 200 };
      if (path.startsWith("/slow/")) return n === 1 ? { status: 429, headers: { "retry-after": "1" } } : { status: 200 };
      if (path.startsWith("/bad/")) return { status: 400, body: "no" };
      return { status: 200 };
    };
    const audience = { match: "all", conditions: [{ key: "id", operator: "equals", value: "rt000000" }] };
    const flaky = await createCampaign({ url: `${receiver.url}/flaky/{{user.id}}`, audience });
    const slow = await createCampaign({ url: `${receiver.url}/slow/{{user.id}}`, audience });
    const bad = await createCampaign({ url: `${receiver.url}/bad/{{user.id}}`, audience });
    const fine = await createCampaign({ url: `${receiver.url}/fine/{{user.id}}`, audience });
    await startEngine();
    for (const c of [flaky, slow, bad, fine]) expect((await activateCampaign(c.id)).ok).toBe(true);
    await waitFor(
      async () => (await states(flaky.id)).delivered === 1 && (await states(slow.id)).delivered === 1 && (await states(bad.id)).failed === 1 && (await states(fine.id)).delivered === 1,
      20_000,
    );

    const flakyHits = receiver.received.filter((r) => r.path === "/flaky/rt000000");
    expect(flakyHits).toHaveLength(3);
    expect(new Set(flakyHits.map((r) => r.headers["webhook-id"])).size).toBe(1);
    const flakyDelivery = await db().delivery.findFirstOrThrow({ where: { campaignId: flaky.id }, include: { attemptLog: { orderBy: { number: "asc" } } } });
    expect(flakyDelivery.attemptLog.map((a) => [a.number, a.status, a.outcome])).toEqual([[1, 503, "retryable"], [2, 503, "retryable"], [3, 200, "delivered"]]);
    expect(flakyDelivery.webhookId).toBe(flakyHits[0].headers["webhook-id"]);

    const slowHits = receiver.received.filter((r) => r.path === "/slow/rt000000");
    expect(slowHits).toHaveLength(2);
    expect(slowHits[1].at - slowHits[0].at).toBeGreaterThanOrEqual(900);

    expect(receiver.received.filter((r) => r.path === "/bad/rt000000")).toHaveLength(1);
    const badDelivery = await db().delivery.findFirstOrThrow({ where: { campaignId: bad.id } });
    expect(badDelivery).toMatchObject({ state: "failed", attempts: 1, lastStatus: 400 });

    // the export's duration is the last attempt's, as the log shows it: for a first try too, and never a failed try's
    for (const c of [flaky, fine, bad]) {
      let csv = "";
      for await (const chunk of deliveryCsvChunks({ campaignId: c.id })) csv += chunk;
      const [header, row] = csv.trim().split("\r\n").map((l) => l.split(","));
      const last = await db().deliveryAttempt.findFirstOrThrow({ where: { delivery: { campaignId: c.id } }, orderBy: { number: "desc" } });
      expect(row![header!.indexOf("lastDurationMs")]).toBe(String(last.durationMs));
    }
    expect((await db().delivery.findFirstOrThrow({ where: { campaignId: flaky.id } })).lastDurationMs).toBeNull(); // not the 503's
  }, 30_000);

  it("records a user whose template cannot render as failed and goes on with the others", async () => {
    await createUsers(3, "tpl");
    const campaign = await createCampaign({
      url: `${receiver.url}/tpl/{{user.id}}`,
      audience: { match: "all", conditions: [{ key: "id", operator: "contains", value: "tpl" }] },
    });
    await startEngine({ render: (await testDeliveryDeps()).renderFailingFor("tpl000001") });
    expect((await activateCampaign(campaign.id)).ok).toBe(true);
    await waitFor(async () => {
      const s = await states(campaign.id);
      return s.delivered === 2 && s.failed === 1;
    });
    const failed = await db().delivery.findFirstOrThrow({ where: { campaignId: campaign.id, state: "failed" }, include: { attemptLog: true } });
    expect(failed.userId).toBe("tpl000001");
    expect(failed.reason).toMatch(/Template error/);
    expect(failed.attemptLog[0].error).toMatch(/Template error/);
  });

  it("sends a triggered campaign about 2 s after the event", async () => {
    const campaign = await createCampaign({ url: `${receiver.url}/trig/{{user.id}}/{{event.params.sku}}`, rule: { when: "triggered", event: "purchase", conditions: [{ key: "amount", operator: "greater", value: 10 }] }, subDelivery: { kind: "delay", seconds: 2 } });
    expect((await activateCampaign(campaign.id)).ok).toBe(true);
    await startEngine();
    const sentAt = Date.now();
    const result = await trackEvents([
      { userId: "new-user-1", event: "purchase", params: { sku: "A1", amount: 20 } },
      { userId: "new-user-2", event: "purchase", params: { sku: "B2", amount: 5 } },
      { userId: "new-user-3", event: "viewed", params: { sku: "C3", amount: 50 } },
    ]);
    expect(result).toMatchObject({ accepted: 3, usersCreated: 3, scheduled: 1 });
    await waitFor(() => receiver.received.some((r) => r.path.startsWith("/trig/")), 10_000);
    const hit = receiver.received.find((r) => r.path.startsWith("/trig/"))!;
    expect(hit.path).toBe("/trig/new-user-1/A1");
    expect(hit.at - sentAt).toBeGreaterThanOrEqual(1900);
    expect(hit.at - sentAt).toBeLessThan(4000);
  });

  it("sends a scheduled campaign at the right instant in each user's time zone (injected clock)", async () => {
    await db().user.createMany({ data: [
      { id: "tz-paris", timezone: "Europe/Paris", attributes: {} },
      { id: "tz-ny", timezone: "America/New_York", attributes: {} },
    ] });
    let clock = new Date("2026-06-01T00:00:00Z");
    const campaign = await createCampaign({
      url: `${receiver.url}/tz/{{user.id}}`,
      rule: { when: "scheduled", sendAt: "2026-06-01T09:00", timeZone: "UTC", inUserTimeZone: true },
      audience: { match: "all", conditions: [{ key: "id", operator: "contains", value: "tz-" }] },
    });
    expect((await activateCampaign(campaign.id, { now: clock })).ok).toBe(true);
    await startEngine({ now: () => clock });
    const hits = () => receiver.received.filter((r) => r.path.startsWith("/tz/")).map((r) => r.path);
    clock = new Date("2026-06-01T06:59:00Z");
    await new Promise((r) => setTimeout(r, 400));
    expect(hits()).toEqual([]);
    clock = new Date("2026-06-01T07:00:00Z"); // 09:00 in Paris (CEST)
    await waitFor(() => hits().length === 1);
    expect(hits()).toEqual(["/tz/tz-paris"]);
    // recorded before the clock jumps again (a jump past the lease would count as a crash)
    await waitFor(async () => (await states(campaign.id)).delivered === 1);
    clock = new Date("2026-06-01T12:59:00Z");
    await new Promise((r) => setTimeout(r, 400));
    expect(hits()).toHaveLength(1);
    clock = new Date("2026-06-01T13:00:00Z"); // 09:00 in New York (EDT)
    await waitFor(() => hits().length === 2);
    expect(hits()[1]).toBe("/tz/tz-ny");
  });

  it("does not send a paused campaign until it is resumed", async () => {
    const { pauseCampaign, resumeCampaign } = await import("../store/lifecycle");
    await createUsers(5, "pz");
    const campaign = await createCampaign({ url: `${receiver.url}/pz/{{user.id}}`, audience: { match: "all", conditions: [{ key: "id", operator: "contains", value: "pz" }] } });
    expect((await activateCampaign(campaign.id)).ok).toBe(true);
    expect(await pauseCampaign(campaign.id, "editor@example.com")).toBe(true);
    await startEngine();
    await new Promise((r) => setTimeout(r, 400));
    expect(receiver.received.filter((r) => r.path.startsWith("/pz/"))).toHaveLength(0);
    expect(await resumeCampaign(campaign.id, "editor@example.com")).toMatchObject({ ok: true });
    await waitFor(async () => (await states(campaign.id)).delivered === 5);
  });

  it("fans out each occurrence of a recurring campaign and stops after the last (injected clock)", async () => {
    await createUsers(2, "rec");
    let clock = new Date("2026-07-01T08:59:30Z");
    const campaign = await createCampaign({
      url: `${receiver.url}/rec/{{user.id}}`,
      rule: { when: "recurring", frequency: "daily", time: "09:00", timeZone: "UTC", maxOccurrences: 2 },
      audience: { match: "all", conditions: [{ key: "id", operator: "contains", value: "rec" }] },
    });
    expect((await activateCampaign(campaign.id, { now: clock })).ok).toBe(true);
    expect((await db().campaign.findUniqueOrThrow({ where: { id: campaign.id } })).nextRunAt?.toISOString()).toBe("2026-07-01T09:00:00.000Z");
    await startEngine({ now: () => clock });
    const hits = () => receiver.received.filter((r) => r.path.startsWith("/rec/")).length;
    clock = new Date("2026-07-01T09:00:01Z");
    // wait until recorded, not only received: a clock jump would otherwise expire the leases
    await waitFor(async () => (await states(campaign.id)).delivered === 2, 10_000);
    clock = new Date("2026-07-02T09:00:01Z");
    await waitFor(async () => (await states(campaign.id)).delivered === 4, 10_000);
    expect(hits()).toBe(4);
    const after = await db().campaign.findUniqueOrThrow({ where: { id: campaign.id } });
    expect(after).toMatchObject({ occurrences: 2, nextRunAt: null });
    clock = new Date("2026-07-03T09:00:01Z");
    await new Promise((r) => setTimeout(r, 1500));
    expect(hits()).toBe(4);
    const keys = await db().delivery.findMany({ where: { campaignId: campaign.id }, select: { triggerKey: true }, distinct: ["triggerKey"] });
    expect(keys.map((k) => k.triggerKey).sort()).toEqual(["occurrence:2026-07-01T09:00:00.000Z", "occurrence:2026-07-02T09:00:00.000Z"]);
  });

  it("suppresses sends beyond the per-user frequency cap, with the reason, except for exempt campaigns", async () => {
    const { setFrequencyCap } = await import("../store/frequency-cap-setting");
    await setFrequencyCap({ perDay: 1 }, { role: "admin" });
    try {
      await createUsers(2, "cap");
      const audience = { match: "all", conditions: [{ key: "id", operator: "contains", value: "cap" }] };
      const first = await createCampaign({ url: `${receiver.url}/cap1/{{user.id}}`, audience });
      await startEngine();
      expect((await activateCampaign(first.id)).ok).toBe(true);
      await waitFor(async () => (await states(first.id)).delivered === 2);
      const second = await createCampaign({ url: `${receiver.url}/cap2/{{user.id}}`, audience });
      const exempt = await createCampaign({ url: `${receiver.url}/cap3/{{user.id}}`, audience });
      await db().campaign.update({ where: { id: exempt.id }, data: { capExempt: true } });
      expect((await activateCampaign(second.id)).ok).toBe(true);
      expect((await activateCampaign(exempt.id)).ok).toBe(true);
      await waitFor(async () => (await states(second.id)).suppressed === 2 && (await states(exempt.id)).delivered === 2);
      const suppressed = await db().delivery.findFirstOrThrow({ where: { campaignId: second.id } });
      expect(suppressed.reason).toMatch(/Frequency cap: 1 per day/);
      expect(receiver.received.filter((r) => r.path.startsWith("/cap2/"))).toHaveLength(0);
    } finally {
      await setFrequencyCap(null, { role: "admin" });
    }
  });
});
