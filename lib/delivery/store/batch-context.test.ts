// The batch context reuses a campaign's action and campaign rows between batches only while they are
// unchanged: an edit or a pause shows in the very next batch.
import { describe, expect, it, vi } from "vitest";
import { db } from "../../db";
import { BatchContextLoader } from "./batch-context";
import type { ClaimedDelivery } from "./claim";
import { createCampaign, createUsers } from "../testing/fixtures";
import { testDeliveryDeps } from "../testing/deps";
import { capCounts } from "./frequency-cap-holds";
import { rawDb } from "../../db/raw";
import type { Prisma } from "../../db";
import { mostRowsExamined, postgresPlan, queryPlan } from "../testing/query-plan";
import { tableName } from "../../db/bulk-insert";
import { onPostgres } from "../testing/scale-out-harness";

describe("batch context", () => {
  it("sees an edited action and a paused campaign in the next batch", async () => {
    await createUsers(2, "bc");
    const campaign = await createCampaign({ url: "http://127.0.0.1:9/one/{{user.id}}", status: "active" });
    const action = campaign.actions[0];
    const loader = new BatchContextLoader(db(), await testDeliveryDeps());
    const batch: ClaimedDelivery[] = [
      { id: "d1", webhookId: "msg_1", campaignId: campaign.id, actionId: action.id, userId: "bc000000", eventData: null, plannedAt: new Date(), attempts: 0, variantActionId: null },
    ];
    const first = await loader.load(batch, new Date());
    expect(first.actions.get(action.id)?.template?.url).toBe("http://127.0.0.1:9/one/{{user.id}}");
    expect(first.campaigns.get(campaign.id)?.status).toBe("active");
    // unchanged: the same rows again
    expect((await loader.load(batch, new Date())).actions.get(action.id)?.action).toBe(first.actions.get(action.id)?.action);

    await db().action.update({ where: { id: action.id }, data: { urlTemplate: "http://127.0.0.1:9/two/{{user.id}}" } });
    expect((await loader.load(batch, new Date())).actions.get(action.id)?.template?.url).toBe("http://127.0.0.1:9/two/{{user.id}}");

    await db().campaign.updateMany({ where: { id: campaign.id }, data: { status: "paused" } });
    expect((await loader.load(batch, new Date())).campaigns.get(campaign.id)?.status).toBe("paused");

    await db().campaign.update({ where: { id: campaign.id }, data: { status: "active" } });
    expect((await loader.load(batch, new Date())).campaigns.get(campaign.id)?.status).toBe("active");
  });
});

describe("the frequency cap's counts", () => {
  it("are rolling: a send 23:59:59 ago counts for the day, one 24:00:01 ago only for the week, none older than 7 days, whatever midnight lies between", async () => {
    const { setFrequencyCap } = await import("./frequency-cap-setting");
    await setFrequencyCap({ perDay: 5, perWeek: 10 }, { role: "admin" });
    try {
      await createUsers(1, "roll");
      const campaign = await createCampaign({ url: "http://127.0.0.1:9/roll/{{user.id}}", status: "active" });
      const action = campaign.actions[0];
      // 00:00:30 UTC: the sends of "yesterday" (by the calendar) 23:59:59 and 24:00:01 ago
      const now = new Date("2026-12-05T00:00:30Z");
      const ago = (ms: number) => new Date(now.getTime() - ms);
      const DAY = 86_400_000;
      const sentAts = [ago(DAY - 1000), ago(DAY + 1000), ago(7 * DAY - 1000), ago(7 * DAY + 1000)];
      for (const [i, sentAt] of sentAts.entries()) {
        await db().delivery.create({
          data: { webhookId: `msg_roll_${i}`, campaignId: campaign.id, actionId: action.id, userId: "roll000000", triggerKey: `t${i}`, plannedAt: sentAt, dueAt: sentAt, sentAt, state: "delivered" },
        });
      }
      expect((await capCounts(rawDb(db()), ["roll000000"], now)).get("roll000000")).toEqual({ day: 1, week: 3 });
    } finally {
      await setFrequencyCap(null, { role: "admin" });
    }
  });

  it("count a user's chains, not rows: a campaign's rows for one trigger count once, in the day when any of them was sent in it", async () => {
    const [user] = await createUsers(1, "chains");
    const two = await db().campaign.create({
      data: {
        name: "Two steps", status: "active", deliveryRule: { when: "immediate" },
        actions: { create: [0, 1].map((position) => ({ position, name: `Step ${position + 1}`, urlTemplate: "http://127.0.0.1:9/s", fields: [], headers: [] })) },
      },
      include: { actions: { orderBy: { position: "asc" } } },
    });
    const one = await createCampaign({ url: "http://127.0.0.1:9/one/{{user.id}}", status: "active" });
    const now = new Date();
    const twoDaysAgo = new Date(now.getTime() - 2 * 86_400_000);
    const row = (campaignId: string, actionId: string, triggerKey: string, state: string, sentAt: Date | null, extra: object = {}) =>
      db().delivery.create({
        data: { webhookId: `msg_chains_${actionId}_${triggerKey}`, campaignId, actionId, userId: user!.id, triggerKey, plannedAt: now, dueAt: now, sentAt, state, ...extra },
      });
    const [s1, s2] = two.actions;
    // t1: both steps today (1); t2: step 1 two days ago, step 2 today (1, in the day); t4: both two days ago (the week only)
    await row(two.id, s1!.id, "t1", "delivered", now);
    await row(two.id, s2!.id, "t1", "delivered", now);
    await row(two.id, s1!.id, "t2", "delivered", twoDaysAgo);
    await row(two.id, s2!.id, "t2", "delivered", now);
    await row(two.id, s1!.id, "t4", "delivered", twoDaysAgo);
    await row(two.id, s2!.id, "t4", "delivered", twoDaysAgo);
    // t5: step 1 failed after a send (a 409), step 2 delivered: the chain counts once, not zero times
    await row(two.id, s1!.id, "t5", "failed", now);
    await row(two.id, s2!.id, "t5", "delivered", now);
    // t6: step 1 being sent past the cap by a live claim, step 2 delivered: once
    await row(two.id, s1!.id, "t6", "sending", null, { lockedBy: "w1", capHeldBy: "w1", lockedUntil: new Date(now.getTime() + 60_000) });
    await row(two.id, s2!.id, "t6", "delivered", now);
    // t7: only a row of the deciding batch (exceptIds): nothing
    const deciding = await row(two.id, s1!.id, "t7", "sending", null, { lockedBy: "w2", capHeldBy: "w2", lockedUntil: new Date(now.getTime() + 60_000) });
    // a single-step campaign's send today: 1
    await row(one.id, one.actions[0]!.id, "t1", "delivered", now);
    expect((await capCounts(rawDb(db()), [user!.id], now, [deciding.id])).get(user!.id)).toEqual({ day: 5, week: 6 });
  });
});

describe.skipIf(onPostgres)("the frequency cap's counts, on SQLite", () => {
  it("find a user's rows through (userId, sentAt) and nothing else of the table (a chain counts once: its rows grouped, no row asked about another)", async () => {
    let statement: { sql: string; values: unknown[] } | undefined;
    const capture = { query: async <T>(sql: string, values: unknown[]): Promise<T[]> => ((statement = { sql, values }), []) };
    await capCounts(capture, ["u1", "u2"], new Date(), ["d1"]);
    const { steps } = await queryPlan(statement!);
    const ofDelivery = steps.filter((s) => /^(SEARCH|SCAN) d\b/.test(s));
    expect(ofDelivery).toHaveLength(1);
    expect(ofDelivery[0]).toMatch(/^SEARCH d USING INDEX Delivery_userId_sentAt_idx \(userId=\?\)/);
  });
});

describe.skipIf(!onPostgres)("the frequency cap's counts, on PostgreSQL", () => {
  it("count a two-step chain once per user, looking at a user's own rows only, not the campaign's (3,000 users)", async () => {
    const users = await createUsers(3000, "cpg");
    const campaign = await db().campaign.create({
      data: {
        name: "Chain at scale", status: "active", deliveryRule: { when: "immediate" },
        actions: { create: [0, 1].map((position) => ({ position, name: `Step ${position + 1}`, urlTemplate: "http://127.0.0.1:9/s", fields: [], headers: [] })) },
      },
      include: { actions: true },
    });
    const now = new Date();
    for (const action of campaign.actions) {
      await db().delivery.createMany({
        data: users.map((u) => ({ webhookId: `msg_cpg_${action.id}_${u.id}`, campaignId: campaign.id, actionId: action.id, userId: u.id, triggerKey: "activation", plannedAt: now, dueAt: now, sentAt: now, state: "delivered" })),
      });
    }
    await rawDb(db()).query(`ANALYZE ${tableName("Delivery")}`, []);
    const ids = [users[10]!.id, users[11]!.id];
    expect(await capCounts(rawDb(db()), ids, now)).toEqual(new Map(ids.map((id) => [id, { day: 1, week: 1 }])));
    let statement: { sql: string; values: unknown[] } | undefined;
    const capture = { query: async <T>(sql: string, values: unknown[]): Promise<T[]> => ((statement = { sql, values }), []) };
    await capCounts(capture, ids, now);
    expect(mostRowsExamined(await postgresPlan(statement!), "Delivery")).toBeLessThanOrEqual(8);
  }, 60_000);
});

describe("a follow-up whose earlier step saved nothing for its user", () => {
  it("costs a user who has the value nothing more; only a batch with a user lacking it asks which earlier step was delivered (delivered without a value, or none)", async () => {
    const [has, lacks, none] = [(await createUsers(1, "bcm-has"))[0]!, (await createUsers(1, "bcm-lacks"))[0]!, (await createUsers(1, "bcm-none"))[0]!];
    await db().user.update({ where: { id: has.id }, data: { attributes: { ...has.attributes, crmId: "c-1" } } });
    const campaign = await db().campaign.create({
      data: {
        name: "Batch missed",
        status: "active",
        deliveryRule: { when: "immediate" },
        actions: {
          create: [
            { position: 0, name: "Create contact", urlTemplate: "http://127.0.0.1:9/c/{{user.id}}", fields: [], headers: [], responseMapping: [{ path: "$.contact.id", attribute: "crmId" }] as Prisma.InputJsonValue },
            { position: 1, name: "Follow up", urlTemplate: "http://127.0.0.1:9/f/{{user.crmId}}", fields: [], headers: [] },
          ],
        },
      },
      include: { actions: { orderBy: { position: "asc" } } },
    });
    const [first, second] = campaign.actions as [typeof campaign.actions[0], typeof campaign.actions[0]];
    const row = async (actionId: string, userId: string, state: string) =>
      db().delivery.create({ data: { webhookId: `msg_${actionId}_${userId}`, campaignId: campaign.id, actionId, userId, triggerKey: "activation", plannedAt: new Date(), dueAt: new Date(), state } });
    for (const user of [has, lacks]) await row(first.id, user.id, "delivered");
    const claimed = async (userId: string): Promise<ClaimedDelivery> => {
      const d = await row(second.id, userId, "sending");
      return { id: d.id, webhookId: d.webhookId, campaignId: campaign.id, actionId: second.id, userId, eventData: null, plannedAt: d.plannedAt, attempts: 0, variantActionId: null };
    };
    const [hasRow, lacksRow, noneRow] = [await claimed(has.id), await claimed(lacks.id), await claimed(none.id)];
    const loader = new BatchContextLoader(db(), await testDeliveryDeps());
    await loader.load([hasRow], new Date());

    const query = vi.spyOn(rawDb(db()), "query");
    try {
      const statements = async (batch: ClaimedDelivery[]) => {
        query.mockClear();
        const context = await loader.load(batch, new Date());
        return { context, count: query.mock.calls.length, delivered: query.mock.calls.filter(([sql]) => sql.includes(`"state" = 'delivered'`)).length };
      };
      const withValue = await statements([hasRow]);
      expect(withValue.context.missedSteps.size).toBe(0);
      expect(withValue.delivered).toBe(0);
      const without = await statements([hasRow, lacksRow, noneRow]);
      // one statement more for the whole batch, only because of the users lacking the value
      expect(without.delivered).toBe(1);
      expect(without.count).toBe(withValue.count + 1);
      const step = { actionId: first.id, label: "Webhook 1 (Create contact)", attributes: ["crmId"] };
      expect(without.context.missedSteps.get(lacksRow.id)).toEqual([{ step, state: "delivered", paths: new Map([["crmId", "$.contact.id"]]) }]);
      expect(without.context.missedSteps.get(noneRow.id)).toEqual([{ step, state: null }]);
      expect(without.context.missedSteps.has(hasRow.id)).toBe(false);
    } finally {
      query.mockRestore();
    }
  });
});
