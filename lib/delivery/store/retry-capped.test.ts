// Retry on a delivery the frequency cap stopped: retried by hand it went straight back to
// "Suppressed · Frequency cap: 1 per day reached", while the editor said "Retrying now." and the audit
// log recorded delivery.retried. retryDelivery (every caller's way: the log's Retry, the API) refuses
// it with the reason while the cap still stops the user, and retries it once the cap no longer does.
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { db } from "../../db";
import { apiKeyHeaders, apiRequest, routeParams } from "../../api/testing";
import { POST as retryRoute } from "@/app/api/v1/deliveries/[id]/retry/route";
import { retryDelivery, RetryRefusedError } from "./lifecycle";
import { setFrequencyCap } from "./frequency-cap-setting";
import { createCampaign, createUsers } from "../testing/fixtures";
import { memberCookies } from "@/test/sessions";
import { transaction } from "../../db/transaction";
import { lockRowForUpdate } from "../../db/row-locks";
import { tableName } from "../../db/bulk-insert";
import { prismaProvider } from "../../db/dialect";

// the log's Retry is a server action: it reads the session from the request's headers
let requestHeaders = new Headers();
vi.mock("next/headers", () => ({ headers: async () => requestHeaders }));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));
const { retryDeliveryAction } = await import("@/app/campaigns/[id]/deliveries/actions");

afterEach(async () => setFrequencyCap(null, { role: "admin" }));
afterAll(async () => setFrequencyCap(null, { role: "admin" }));

const HOUR = 60 * 60 * 1000;

/** A user sent one webhook `sentAgoMs` ago by one campaign, and stopped by the cap in another. */
async function cappedDelivery(prefix: string, sentAgoMs: number) {
  const [user] = await createUsers(1, prefix);
  const sent = await createCampaign({ url: "https://hooks.example.com/sent/{{user.id}}", status: "active" });
  const capped = await createCampaign({ url: "https://hooks.example.com/capped/{{user.id}}", status: "active" });
  const at = new Date(Date.now() - sentAgoMs);
  await db().delivery.create({ data: { webhookId: `msg_${prefix}_sent`, campaignId: sent.id, actionId: sent.actions[0]!.id, userId: user!.id, triggerKey: "activation", plannedAt: at, dueAt: at, sentAt: at, state: "delivered" } });
  const row = await db().delivery.create({
    data: { webhookId: `msg_${prefix}_capped`, campaignId: capped.id, actionId: capped.actions[0]!.id, userId: user!.id, triggerKey: "activation", plannedAt: at, dueAt: at, state: "suppressed", reason: "Frequency cap: 1 per day reached" },
  });
  return { id: row.id, campaignId: capped.id };
}

const stateOf = async (id: string) => (await db().delivery.findUniqueOrThrow({ where: { id } })).state;
const retriedAudits = (id: string) => db().auditLog.count({ where: { action: "delivery.retried", target: id } });

describe("retrying a delivery the frequency cap stopped", () => {
  it("is refused with the reason while the cap still stops the user: nothing changes and nothing is audited", async () => {
    await setFrequencyCap({ perDay: 1 }, { role: "admin" });
    const { id } = await cappedDelivery("rc-still", HOUR);
    const refused = retryDelivery(id, "editor@example.com");
    await expect(refused).rejects.toBeInstanceOf(RetryRefusedError);
    await expect(retryDelivery(id, "editor@example.com")).rejects.toThrow(/^The frequency cap stopped it: 1 per day reached/);
    expect(await stateOf(id)).toBe("suppressed");
    expect(await retriedAudits(id)).toBe(0);
  });

  it("the API answers 409 with the same reason", async () => {
    await setFrequencyCap({ perDay: 1 }, { role: "admin" });
    const { id } = await cappedDelivery("rc-api", HOUR);
    const res = await retryRoute(apiRequest("POST", `/deliveries/${id}/retry`, await apiKeyHeaders("editor")), routeParams(id));
    expect(res.status).toBe(409);
    expect((await res.json()).error.message).toMatch(/^The frequency cap stopped it: 1 per day reached/);
    expect(await stateOf(id)).toBe("suppressed");
  });

  it("the log's Retry (its server action) says why, instead of 'Retrying now.'", async () => {
    requestHeaders = new Headers({ cookie: (await memberCookies()).editor });
    await setFrequencyCap({ perDay: 1 }, { role: "admin" });
    const { id } = await cappedDelivery("rc-action", HOUR);
    const result = await retryDeliveryAction(id);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(/^The frequency cap stopped it: 1 per day reached/);
    expect(await stateOf(id)).toBe("suppressed");
    expect(await retriedAudits(id)).toBe(0);
  });

  it("is retried once the cap no longer applies: the day has passed, the cap was removed, or the campaign is exempt", async () => {
    await setFrequencyCap({ perDay: 1 }, { role: "admin" });
    const dayPassed = await cappedDelivery("rc-day", 25 * HOUR);
    expect(await retryDelivery(dayPassed.id, "editor@example.com")).toBe(true);
    expect(await stateOf(dayPassed.id)).toBe("scheduled");

    const exempt = await cappedDelivery("rc-exempt", HOUR);
    await db().campaign.update({ where: { id: exempt.campaignId }, data: { capExempt: true } });
    expect(await retryDelivery(exempt.id, "editor@example.com")).toBe(true);

    const removed = await cappedDelivery("rc-removed", HOUR);
    await setFrequencyCap(null, { role: "admin" });
    expect(await retryDelivery(removed.id, "editor@example.com")).toBe(true);
    expect(await retriedAudits(removed.id)).toBe(1);
  });

  // PostgreSQL: another writer holds the campaign's row while the retry waits for it (a finisher, a
  // second retry); the delivery meanwhile becomes one the cap stopped. SQLite serialises writers.
  it.runIf(prismaProvider() === "postgresql")("decides in the retry's own transaction: a delivery the cap stopped while the retry waited is refused, not retried", async () => {
    await setFrequencyCap({ perDay: 1 }, { role: "admin" });
    const { id, campaignId } = await cappedDelivery("rc-race", HOUR);
    await db().delivery.update({ where: { id }, data: { state: "failed", reason: "HTTP 500" } });
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let holding!: () => void;
    const held = new Promise<void>((r) => (holding = r));
    const holder = transaction(async (tx) => {
      await lockRowForUpdate(tx, "Campaign", campaignId);
      holding();
      await released;
    }, { timeout: 60_000 });
    await held;
    const retry = retryDelivery(id, "editor@example.com");
    retry.catch(() => undefined);
    try {
      // the retry waits for the campaign's row (whatever it read before is read by now)
      await expect
        .poll(async () => {
          const rows = await db().$queryRawUnsafe<{ n: unknown }[]>(
            `SELECT COUNT(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE $1`,
            `%${tableName("Campaign")}%FOR NO KEY UPDATE%`,
          );
          return Number(rows[0]!.n);
        }, { timeout: 20_000 })
        .toBe(1);
      await db().delivery.update({ where: { id }, data: { state: "suppressed", reason: "Frequency cap: 1 per day reached" } });
    } finally {
      release();
      await holder;
    }
    await expect(retry).rejects.toThrow(/^The frequency cap stopped it: 1 per day reached/);
    expect(await stateOf(id)).toBe("suppressed");
    expect(await retriedAudits(id)).toBe(0);
  });
});
