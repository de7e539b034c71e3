// "Sent" means the request left: a connection to the receiver was made and the request handed to it.
// Results' "Reached" counted a user whose only attempt the SSRF guard refused before connecting, or whose
// host did not resolve, and the log's Attempts, the API and the CSV counted that attempt as a request
// sent. The sender says whether it left (SendResult.sent); the attempt keeps it (DeliveryAttempt.sent) and
// the delivery's sentAt is written only then, so results, log, API and CSV agree. A real receiver on
// 127.0.0.1, a private address the guard refuses, a name that does not resolve; the embedded engine.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { db } from "../../db";
import { prismaProvider } from "../../db/dialect";
import { tableName } from "../../db/bulk-insert";
import { listDeliveries, requestsSentOf } from "./log-queries";
import { deliveryCsvChunks } from "./log-export";
import { campaignResults } from "../../campaigns/conversion-results";
import { createCampaign, createUsers } from "../testing/fixtures";
import { startReceiver, waitFor } from "../testing/receiver";
import { testDeliveryDeps } from "../testing/deps";
import { EmbeddedEngine } from "../engine/embedded-engine";
import { deliveryQueue, setDeliveryQueue } from "../engine/queue";

let receiver: Awaited<ReturnType<typeof startReceiver>>;
let engine: EmbeddedEngine | null = null;
beforeAll(async () => {
  receiver = await startReceiver(() => ({ status: 200 }));
});
afterAll(async () => receiver.close());

/** One user's delivery to `url`, sent once by the engine (a retry waits a minute): its row, attempts and results. */
async function sentOnce(prefix: string, url: string, until: (state: string) => boolean) {
  // planned as activation plans it (activation itself refuses a destination the guard refuses: a URL
  // that becomes one per user, or a host whose address changed since, reaches the sender all the same)
  const [user] = await createUsers(1, prefix);
  const campaign = await createCampaign({ url, status: "active" });
  const at = new Date();
  await db().delivery.create({ data: { webhookId: `msg_${prefix}`, campaignId: campaign.id, actionId: campaign.actions[0]!.id, userId: user!.id, triggerKey: "activation", plannedAt: at, dueAt: at } });
  await deliveryQueue().notify({ campaignId: campaign.id });
  await waitFor(async () => until((await db().delivery.findFirstOrThrow({ where: { campaignId: campaign.id } })).state), 20_000, 50);
  const row = await db().delivery.findFirstOrThrow({ where: { campaignId: campaign.id } });
  const listed = (await listDeliveries({ campaignId: campaign.id })).items[0]!;
  let csv = "";
  for await (const chunk of deliveryCsvChunks({ campaignId: campaign.id })) csv += chunk;
  const [header, line] = csv.split("\r\n");
  const csvAttempts = line!.split(",")[header!.split(",").indexOf("attempts")];
  const reached = (await campaignResults(campaign.id, new Date()))!.steps[0]!.groups.reduce((n, g) => n + g.reached, 0);
  const attempts = await db().deliveryAttempt.findMany({ where: { deliveryId: row.id } });
  return { row, attempts, sent: (await requestsSentOf([row.id])).get(row.id) ?? 0, listed: listed.attempts, csvAttempts, reached };
}

describe("a request counts as sent only when it left", () => {
  beforeAll(async () => {
    engine = new EmbeddedEngine(db(), await testDeliveryDeps({ retryScheduleMs: [60_000] }), { concurrency: 5, hostConcurrency: 5, leaseMs: 30_000, idlePollMs: 50 });
    setDeliveryQueue(engine);
    await engine.start();
  });
  afterAll(async () => {
    await engine?.stop();
    engine = null;
    setDeliveryQueue(null);
  });

  it("a receiver on 127.0.0.1 that answers: sent, reached", async () => {
    const r = await sentOnce("rsok", `${receiver.url}/ok/{{user.id}}`, (s) => s === "delivered");
    expect(r.row.sentAt).not.toBeNull();
    expect(r.attempts.map((a) => a.sent)).toEqual([true]);
    expect([r.sent, r.listed, r.csvAttempts, r.reached]).toEqual([1, 1, "1", 1]);
  });

  it("a private address the SSRF guard refuses before connecting: failed, nothing sent, not reached", async () => {
    const r = await sentOnce("rsssrf", "http://10.0.0.5:8080/hook/{{user.id}}", (s) => s === "failed");
    expect(r.row.reason).toMatch(/^destination 10\.0\.0\.5 is in a private network/);
    expect(r.row.sentAt).toBeNull();
    expect(r.attempts.map((a) => a.sent)).toEqual([false]);
    expect([r.sent, r.listed, r.csvAttempts, r.reached]).toEqual([0, 0, "0", 0]);
  });

  it("a host name that does not resolve: retrying, nothing sent, not reached", async () => {
    const r = await sentOnce("rsdns", "http://hookline-test.invalid/hook/{{user.id}}", (s) => s === "retrying");
    expect(r.row.reason).toMatch(/DNS lookup failed/);
    expect(r.row.sentAt).toBeNull();
    expect(r.attempts.map((a) => a.sent)).toEqual([false]);
    expect([r.sent, r.listed, r.csvAttempts, r.reached]).toEqual([0, 0, "0", 0]);
  });
});

describe("attempts stored before `sent` was kept", () => {
  it("read by the rule they were read by: an attempt with no status and no duration sent nothing, any other did", async () => {
    const [user] = await createUsers(1, "rslegacy");
    const campaign = await createCampaign({ url: `${receiver.url}/legacy` });
    const at = new Date();
    const row = await db().delivery.create({ data: { webhookId: "msg_rslegacy", campaignId: campaign.id, actionId: campaign.actions[0]!.id, userId: user!.id, triggerKey: "activation", plannedAt: at, dueAt: at, sentAt: at, state: "failed" } });
    const attempt = (number: number, status: number | null, durationMs: number) =>
      db().deliveryAttempt.create({ data: { deliveryId: row.id, number, startedAt: at, durationMs, outcome: "retryable", status, request: {} } });
    await attempt(1, 500, 40);
    await attempt(2, null, 0);
    await attempt(3, null, 1200);
    expect((await requestsSentOf([row.id])).get(row.id)).toBe(2);
  });

  it("the migration that added `sent` marks those whose error says they stopped before connecting, and takes their delivery's sentAt back", async () => {
    const [user, other] = await createUsers(2, "rsmigr");
    const campaign = await createCampaign({ url: `${receiver.url}/legacy` });
    const at = new Date(Date.now() - 60_000);
    const later = new Date(at.getTime() + 30_000);
    const delivery = (userId: string) => db().delivery.create({ data: { webhookId: `msg_rsmigr_${userId}`, campaignId: campaign.id, actionId: campaign.actions[0]!.id, userId, triggerKey: "activation", plannedAt: at, dueAt: at, sentAt: later, state: "retrying" } });
    const attempt = (deliveryId: string, number: number, startedAt: Date, status: number | null, error: string | null) =>
      db().deliveryAttempt.create({ data: { deliveryId, number, startedAt, durationMs: 900, outcome: "retryable", status, error, request: {} } });
    // only refused: nothing left
    const refused = await delivery(user!.id);
    await attempt(refused.id, 1, later, null, "destination 10.0.0.5 is in a private network; allow it in HOOKLINE_ALLOWED_HOSTS");
    // answered 503, then a failed DNS lookup: sent once, at its first attempt
    const mixed = await delivery(other!.id);
    await attempt(mixed.id, 1, at, 503, null);
    await attempt(mixed.id, 2, later, null, "DNS lookup failed for hooks.example.com (ENOTFOUND)");
    const file = readdirSync(`prisma/migrations/${prismaProvider()}`).find((d) => d.endsWith("_attempt_sent"))!;
    const sql = readFileSync(`prisma/migrations/${prismaProvider()}/${file}/migration.sql`, "utf8");
    for (const statement of sql.split(/;\s*\n/).map((t) => t.replace(/^--.*$/gm, "").trim()).filter((t) => t.startsWith("UPDATE"))) {
      await db().$executeRawUnsafe(statement.replaceAll(`"DeliveryAttempt"`, tableName("DeliveryAttempt")).replaceAll(`"Delivery"`, tableName("Delivery")));
    }
    expect((await db().deliveryAttempt.findMany({ where: { deliveryId: { in: [refused.id, mixed.id] } }, orderBy: [{ deliveryId: "asc" }, { number: "asc" }] })).map((a) => [a.deliveryId, a.sent]))
      .toEqual([[refused.id, false], [mixed.id, null], [mixed.id, false]].sort((x, y) => String(x[0]).localeCompare(String(y[0]))));
    expect((await requestsSentOf([refused.id, mixed.id]))).toEqual(new Map([[mixed.id, 1]]));
    expect((await db().delivery.findUniqueOrThrow({ where: { id: refused.id } })).sentAt).toBeNull();
    expect((await db().delivery.findUniqueOrThrow({ where: { id: mixed.id } })).sentAt).toEqual(at);
  });
});
