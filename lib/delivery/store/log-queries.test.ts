import { beforeAll, describe, expect, it } from "vitest";
import { db } from "../../db";
import { newWebhookId } from "../core/ids";
import { deliveryCsvChunks } from "./log-export";
import { deliveryDetail, deliveryStats, listDeliveries } from "./log-queries";
import { requestsSentText } from "../core/states";
import { createCampaign, createUsers } from "../testing/fixtures";

const NOW = new Date("2026-06-01T12:00:00Z");

describe("deliveryStats counts deliveries, not attempts", () => {
  let campaignId = "";
  beforeAll(async () => {
    await createUsers(4, "lq");
    const campaign = await createCampaign({ url: "http://127.0.0.1:9/x", status: "active" });
    campaignId = campaign.id;
    // 3 delivered (one after two retryable attempts), 1 failed: 75 %, whatever the attempts say.
    const plan: { state: string; outcomes: string[] }[] = [
      { state: "delivered", outcomes: ["retryable", "retryable", "delivered"] },
      { state: "delivered", outcomes: ["delivered"] },
      { state: "delivered", outcomes: ["delivered"] },
      { state: "failed", outcomes: ["failed"] },
    ];
    for (const [i, p] of plan.entries()) {
      await db().delivery.create({
        data: {
          webhookId: newWebhookId(), campaignId, actionId: campaign.actions[0]!.id, userId: `lq00000${i}`,
          triggerKey: `lq:${i}`, plannedAt: NOW, dueAt: NOW, state: p.state, attempts: p.outcomes.length,
          attemptLog: {
            create: p.outcomes.map((outcome, n) => ({
              number: n + 1, startedAt: new Date(NOW.getTime() - 60_000 + n * 1000), durationMs: 10, outcome, request: {},
            })),
          },
        },
      });
    }
  });

  it("success rate is delivered of finished deliveries; the recent count counts deliveries", async () => {
    const stats = await deliveryStats(campaignId, NOW);
    expect(stats.successRate).toBe(0.75);
    // 4 deliveries (6 attempts) in the last 5 minutes: a count a person reads as is ("0.8 per minute" read oddly after a burst)
    expect(stats.deliveriesLast5Minutes).toBe(4);
  });

  it("response times leave out attempts that never sent a request (a template error: no status, 0 ms)", async () => {
    // "p50 0 ms" for a campaign whose template failed every delivery before a request was built
    const campaign = await createCampaign({ url: "http://127.0.0.1:9/t", status: "active" });
    const attempts = [
      { durationMs: 40, status: 200, outcome: "delivered" },
      { durationMs: 0, status: null, outcome: "failed", error: "Template error" },
      { durationMs: 0, status: null, outcome: "failed", error: "Template error" },
      { durationMs: 0, status: null, outcome: "failed", error: "Template error" },
    ];
    for (const [i, a] of attempts.entries()) {
      await db().delivery.create({
        data: {
          webhookId: newWebhookId(), campaignId: campaign.id, actionId: campaign.actions[0]!.id, userId: `lq00000${i}`,
          triggerKey: `lqt:${i}`, plannedAt: NOW, dueAt: NOW, state: a.outcome, attempts: 1,
          attemptLog: { create: [{ number: 1, startedAt: new Date(NOW.getTime() - 30_000 + i), request: {}, ...a }] },
        },
      });
    }
    const stats = await deliveryStats(campaign.id, NOW);
    expect(stats).toMatchObject({ p50Ms: 40, p95Ms: 40, responseSample: 1 });
  });

  it("no finished delivery: no rate", async () => {
    const empty = await createCampaign({ url: "http://127.0.0.1:9/y" });
    expect((await deliveryStats(empty.id, NOW)).successRate).toBeNull();
  });
});

describe("a paused campaign's waiting deliveries are held by the pause (lib/delivery/core/hold-reason.ts holdOf)", () => {
  it("the log and the detail say hold 'campaign_paused' for scheduled and retrying rows, none for sent ones, and none once it is active", async () => {
    await createUsers(3, "lp");
    const campaign = await createCampaign({ url: "http://127.0.0.1:9/p", status: "paused" });
    const ids: Record<string, string> = {};
    for (const [i, state] of ["scheduled", "retrying", "delivered"].entries()) {
      const d = await db().delivery.create({
        data: { webhookId: newWebhookId(), campaignId: campaign.id, actionId: campaign.actions[0]!.id, userId: `lp00000${i}`, triggerKey: `lp:${i}`, plannedAt: NOW, dueAt: NOW, state },
      });
      ids[state] = d.id;
    }
    const page = await listDeliveries({ campaignId: campaign.id });
    const holds = Object.fromEntries(page.items.map((r) => [r.state, r.hold]));
    expect(holds).toEqual({ scheduled: "campaign_paused", retrying: "campaign_paused", delivered: null });
    expect((await deliveryDetail(ids.retrying!))?.hold).toBe("campaign_paused");
    expect((await deliveryDetail(ids.delivered!))?.hold).toBeNull();

    await db().campaign.update({ where: { id: campaign.id }, data: { status: "active" } });
    expect((await deliveryDetail(ids.scheduled!))?.hold).toBeNull();
  });
});

describe("the log's user filter takes %, _ and \\ as written (lib/db/dialect.ts containsTextSql, as the campaign list's search)", () => {
  const ids = ["user_1", "userX1", "half%off", "back\\slash", "USER_1b"];
  let campaignId = "";
  beforeAll(async () => {
    await db().user.createMany({ data: ids.map((id) => ({ id, timezone: "UTC", attributes: {} })) });
    const campaign = await createCampaign({ url: "http://127.0.0.1:9/f", name: "Filter by user" });
    campaignId = campaign.id;
    for (const [i, userId] of ids.entries()) {
      await db().delivery.create({
        data: { webhookId: newWebhookId(), campaignId, actionId: campaign.actions[0]!.id, userId, triggerKey: `lf:${i}`, plannedAt: NOW, dueAt: NOW, state: "delivered" },
      });
    }
  });
  const users = async (userId: string) => (await listDeliveries({ campaignId, userId })).items.map((r) => r.userId).sort();
  const exported = async (userId: string) => {
    let text = "";
    for await (const chunk of deliveryCsvChunks({ campaignId, userId }, 2)) text += chunk;
    return text.trim().split("\r\n").slice(1).map((line) => line.split(",")[4]).sort();
  };

  it("the page: _ is an underscore, % a percent sign, \\ a backslash; letters in any case", async () => {
    expect(await users("user_1")).toEqual(["USER_1b", "user_1"]);
    expect(await users("%")).toEqual(["half%off"]);
    expect(await users("\\")).toEqual(["back\\slash"]);
    expect(await users("X1")).toEqual(["userX1"]);
    expect((await listDeliveries({ campaignId, userId: "user_1" })).total).toBe(2);
  });

  it("the CSV export filters alike, across its pages", async () => {
    expect(await exported("user_1")).toEqual(["USER_1b", "user_1"]);
    expect(await exported("%")).toEqual(["half%off"]);
    expect(await exported("")).toHaveLength(ids.length);
  });
});

describe("Attempts counts the requests sent, not checks that failed before a request existed (attempt-record.ts SENT_A_REQUEST_SQL)", () => {
  let campaignId = "";
  // what the dispatcher writes (failedBeforeSend): no status, 0 ms, no request; a sent attempt has a duration
  const unsent = (number: number) => ({ number, startedAt: new Date(NOW.getTime() + number), durationMs: 0, status: null, outcome: "failed", error: "Not sent: Webhook 1 did not deliver", request: {} });
  const sent = (number: number, status: number | null) => ({ number, startedAt: new Date(NOW.getTime() + number), durationMs: 25, status, outcome: status === 200 ? "delivered" : "retryable", request: { method: "POST", url: "https://example.com/x" } });
  const plan = [
    // a follow-up that waited for an earlier step and failed unsent, three times (retried with it)
    { userId: "la000000", state: "failed", attempts: 3, log: [unsent(1), unsent(2), unsent(3)] },
    // sent twice (a refused connection counts: the request was tried), then failed unsent
    { userId: "la000001", state: "failed", attempts: 3, log: [sent(1, 503), sent(2, null), unsent(3)] },
    { userId: "la000002", state: "delivered", attempts: 1, log: [sent(1, 200)] },
    { userId: "la000003", state: "scheduled", attempts: 0, log: [] },
  ];
  beforeAll(async () => {
    await createUsers(4, "la");
    const campaign = await createCampaign({ url: "http://127.0.0.1:9/a", name: "Attempts sent" });
    campaignId = campaign.id;
    for (const [i, p] of plan.entries()) {
      await db().delivery.create({
        data: {
          webhookId: newWebhookId(), campaignId, actionId: campaign.actions[0]!.id, userId: p.userId, triggerKey: `la:${i}`,
          plannedAt: NOW, dueAt: NOW, state: p.state, attempts: p.attempts, attemptLog: { create: p.log },
        },
      });
    }
  });

  it("the log's rows (and so the API's) say 0, 2, 1, 0; the detail still lists every attempt", async () => {
    const rows = (await listDeliveries({ campaignId })).items;
    expect(Object.fromEntries(rows.map((r) => [r.userId, r.attempts]))).toEqual({ la000000: 0, la000001: 2, la000002: 1, la000003: 0 });
    const first = rows.find((r) => r.userId === "la000000")!;
    expect((await deliveryDetail(first.id))!.attempts).toHaveLength(3);
  });

  it("the CSV's attempts column says the same", async () => {
    let text = "";
    for await (const chunk of deliveryCsvChunks({ campaignId }, 3)) text += chunk;
    const [header, ...lines] = text.trim().split("\r\n");
    const column = header!.split(",").indexOf("attempts");
    expect(Object.fromEntries(lines.map((l) => l.split(",")).map((f) => [f[4], f[column]]))).toEqual({ la000000: "0", la000001: "2", la000002: "1", la000003: "0" });
  });

  it("the table shows – where none was sent, the number otherwise", () => {
    expect([0, 1, 2].map(requestsSentText)).toEqual(["–", "1", "2"]);
  });
});

// A campaign with No retries, retried by hand (Retry all failed), showed "Attempt 1: failed, retried".
describe("the detail says who retried an attempt by hand (the audit log's retry after it)", () => {
  it("an attempt followed by Retry all failed: retriedBy its actor; one the policy retried: none", async () => {
    await createUsers(1, "rh");
    const campaign = await createCampaign({ url: "http://127.0.0.1:9/rh", status: "active", retryPolicy: "none" });
    const now = new Date();
    const at = (s: number) => new Date(now.getTime() - 600_000 + s * 1000);
    const attempt = (number: number, start: number, nextAttemptAt: Date | null) => ({ number, startedAt: at(start), durationMs: 20, status: 500, outcome: "retryable", request: {}, nextAttemptAt });
    const d = await db().delivery.create({
      data: {
        webhookId: newWebhookId(), campaignId: campaign.id, actionId: campaign.actions[0]!.id, userId: "rh000000", triggerKey: "rh:0",
        plannedAt: at(0), dueAt: at(0), state: "failed", attempts: 3, attemptLog: { create: [attempt(1, 0, at(30)), attempt(2, 30, null), attempt(3, 100, null)] },
      },
    });
    // attempt 2 failed with no retry due; an editor pressed Retry all failed at +60 s
    await db().auditLog.create({ data: { actor: "ed@example.com", action: "delivery.retried_all_failed", target: campaign.id, details: { campaignId: campaign.id, count: 1 }, createdAt: at(60) } });
    const detail = await deliveryDetail(d.id);
    expect(detail?.attempts.map((a) => a.retriedBy)).toEqual([null, "ed@example.com", null]);
  });
});
