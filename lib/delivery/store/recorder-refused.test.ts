// A result write the database refuses. Before: the whole flush (up to 500 results) was retried for 10
// minutes holding the recorder, lease renewals waiting behind it on SQLite, then every result of it
// was dropped: their leases ran out, the deliveries were sent again and the results were lost.
// Now a flush refused while the database takes other writes is split until the refused result is
// alone; that one is recorded without its details; the others are written at once. A database that
// refuses every result for a while keeps them, their leases renewed, and writes them when it takes them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../db";
import { prismaProvider } from "../../db/dialect";
import { tableName } from "../../db/bulk-insert";
import { Dispatcher } from "../engine/dispatcher";
import type { ClaimedDelivery } from "./claim";
import { createCampaign, createUsers } from "../testing/fixtures";
import { startReceiver } from "../testing/receiver";
import { testDeliveryDeps } from "../testing/deps";

const sqlite = prismaProvider() === "sqlite";
let receiver: Awaited<ReturnType<typeof startReceiver>>;
beforeAll(async () => {
  receiver = await startReceiver((req) => ({ status: 200, body: req.path.startsWith("/refused/") ? "refuse-me" : "ok" }));
});
afterAll(async () => {
  await receiver.close();
});

async function claimed(campaign: Awaited<ReturnType<typeof createCampaign>>, userId: string, workerId: string, leaseMs: number): Promise<ClaimedDelivery> {
  const now = new Date();
  const row = await db().delivery.create({
    data: {
      webhookId: `msg_${workerId}_${userId}`, campaignId: campaign.id, actionId: campaign.actions[0].id, userId, triggerKey: "activation",
      plannedAt: now, dueAt: now, state: "sending", lockedBy: workerId, lockedUntil: new Date(now.getTime() + leaseMs),
    },
  });
  return { id: row.id, webhookId: row.webhookId, campaignId: row.campaignId, actionId: row.actionId, variantActionId: null, userId, eventData: null, plannedAt: now, attempts: 0 };
}

/** An attempt row the database refuses: those `when` matches (SQL over NEW), as a constraint or an operator's trigger would. */
async function refuseAttempts(name: string, when: string) {
  const table = tableName("DeliveryAttempt");
  if (sqlite) {
    await db().$executeRawUnsafe(`CREATE TRIGGER ${name} BEFORE INSERT ON ${table} WHEN ${when} BEGIN SELECT RAISE(ABORT, 'attempt refused'); END`);
    return () => db().$executeRawUnsafe(`DROP TRIGGER ${name}`);
  }
  await db().$executeRawUnsafe(`CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'attempt refused'; END $$`);
  await db().$executeRawUnsafe(`CREATE TRIGGER ${name} BEFORE INSERT ON ${table} FOR EACH ROW WHEN (${when}) EXECUTE FUNCTION ${name}()`);
  return async () => {
    await db().$executeRawUnsafe(`DROP TRIGGER ${name} ON ${table}`);
    await db().$executeRawUnsafe(`DROP FUNCTION ${name}()`);
  };
}

const settledWithin = (p: Promise<unknown>, ms: number) => Promise.race([p.then(() => "settled", () => "rejected"), new Promise((r) => setTimeout(() => r("pending"), ms))]);

describe("Recorder, when the database refuses a result", () => {
  it("writes the rest of a flush at once and the refused result without its details, sending nothing twice", async () => {
    // a rule the database holds that one result breaks (the sender already keeps out what PostgreSQL's
    // jsonb refuses by itself, U+0000 and lone surrogates: a rule of the operator's stands in for what else may come)
    const drop = await refuseAttempts("refuse_marked_response", sqlite ? `NEW."response" LIKE '%refuse-me%'` : `NEW."response"::text LIKE '%refuse-me%'`);
    try {
      const users = await createUsers(4, "rrefuse");
      const deps = await testDeliveryDeps();
      const workerId = "w-refused-one";
      // every result in one flush; giving up (and dropping them) only long after the test has looked
      const dispatcher = new Dispatcher(db(), deps, { workerId, concurrency: 10, hostConcurrency: 10, leaseMs: 60_000, flushMs: 300, recordGiveUpMs: 60_000 });
      const refusing = await createCampaign({ url: `${receiver.url}/refused/{{user.id}}`, status: "active" });
      const ok = await createCampaign({ url: `${receiver.url}/ok/{{user.id}}`, status: "active" });
      const batch = [await claimed(refusing, users[0].id, workerId, 60_000)];
      for (const u of users.slice(1)) batch.push(await claimed(ok, u.id, workerId, 60_000));

      expect(await settledWithin(dispatcher.process(batch), 10_000)).toBe("settled");

      const rows = await db().delivery.findMany({ where: { id: { in: batch.map((d) => d.id) } }, select: { id: true, state: true, attempts: true, lockedBy: true } });
      const attempts = await db().deliveryAttempt.findMany({ where: { deliveryId: { in: batch.map((d) => d.id) } } });
      for (const d of batch) {
        expect(rows.find((r) => r.id === d.id)).toMatchObject({ state: "delivered", attempts: 1, lockedBy: null });
        expect(attempts.filter((a) => a.deliveryId === d.id)).toHaveLength(1);
      }
      const refused = attempts.find((a) => a.deliveryId === batch[0].id)!;
      expect(refused).toMatchObject({ outcome: "delivered", status: 200, response: null });
      expect(refused.error).toMatch(/refused this attempt's details/);
      for (const d of batch.slice(1)) expect(attempts.find((a) => a.deliveryId === d.id)?.response).toMatchObject({ body: "ok" });
      for (const u of users) expect(receiver.received.filter((r) => r.path.endsWith(`/${u.id}`))).toHaveLength(1);
      expect(dispatcher.pending).toBe(0);
    } finally {
      await drop();
    }
  });

  it("keeps the results of a database refusing them for a while, their leases renewed, and writes them in full after", async () => {
    const leaseMs = 1_500;
    const allow = await refuseAttempts("refuse_all_attempts", "true");
    let allowed = false;
    try {
      const users = await createUsers(3, "rwhile");
      const deps = await testDeliveryDeps();
      const workerId = "w-refused-while";
      const dispatcher = new Dispatcher(db(), deps, { workerId, concurrency: 10, hostConcurrency: 10, leaseMs, flushMs: 50, recordGiveUpMs: 60_000 });
      // as the engine does (engine-tick.ts): renewing the leases of what it holds, a few times a lease
      const renewing = setInterval(() => void dispatcher.renewLeases().catch(() => {}), leaseMs / 5);
      try {
        const ok = await createCampaign({ url: `${receiver.url}/while/{{user.id}}`, status: "active" });
        const batch: ClaimedDelivery[] = [];
        for (const u of users) batch.push(await claimed(ok, u.id, workerId, leaseMs));
        const done = dispatcher.process(batch);

        // refused for three leases: every row stays held by this worker, its lease never lapsing
        const until = Date.now() + 3 * leaseMs;
        while (Date.now() < until) {
          const rows = await db().delivery.findMany({ where: { id: { in: batch.map((d) => d.id) } }, select: { state: true, lockedBy: true, lockedUntil: true } });
          const now = Date.now();
          for (const r of rows) {
            expect(r).toMatchObject({ state: "sending", lockedBy: workerId });
            expect(r.lockedUntil!.getTime()).toBeGreaterThan(now);
          }
          await new Promise((r) => setTimeout(r, 200));
        }
        await allow();
        allowed = true;

        expect(await settledWithin(done, 10_000)).toBe("settled");
        const attempts = await db().deliveryAttempt.findMany({ where: { deliveryId: { in: batch.map((d) => d.id) } } });
        expect(attempts).toHaveLength(3);
        // in full: nothing was given up for lost meanwhile
        for (const a of attempts) expect(a.response).toMatchObject({ body: "ok" });
        expect(await db().delivery.count({ where: { id: { in: batch.map((d) => d.id) }, state: "delivered", lockedBy: null } })).toBe(3);
        for (const u of users) expect(receiver.received.filter((r) => r.path === `/while/${u.id}`)).toHaveLength(1);
      } finally {
        clearInterval(renewing);
      }
    } finally {
      if (!allowed) await allow();
    }
  });
});
