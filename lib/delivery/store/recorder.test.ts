import { describe, expect, it } from "vitest";
import { db } from "../../db";
import { BY_DELIVERY_ID, queryPlan } from "../testing/query-plan";
import { prismaProvider } from "../../db/dialect";
import { Recorder, type AttemptRow, type Change } from "./recorder";
import { createCampaign, createUsers } from "../testing/fixtures";
import { waitFor } from "../testing/receiver";
import { rawDb } from "../../db/raw";
import { tableName } from "../../db/bulk-insert";
import { numberOf } from "../../db/raw-sql";

describe("Recorder", () => {
  it.runIf(prismaProvider() === "sqlite")("finds the deliveries whose results it writes by id, not by walking every row in sending", async () => {
    // with "state" indexable SQLite chose the (state, dueAt) index: every flush read every row in
    // "sending" (all a busy worker holds) to find the few hundred it writes
    const recorder = new Recorder(db(), "w-plan", { flushMs: 1, maxBatch: 10 });
    const now = new Date();
    const attempt = (deliveryId: string): AttemptRow => ({ deliveryId, number: 1, startedAt: now, durationMs: 5, outcome: "delivered", status: 200, error: null, request: {}, response: null, timings: null, nextAttemptAt: null });
    // a flush's worth of each kind (the planner weighs a long id list against the state's rows)
    const changes: Change[] = [];
    for (let i = 0; i < 100; i++) {
      changes.push(
        { id: `d${i}`, state: "delivered", attempts: 1, status: 200, durationMs: 5, host: "example.com", sentAt: now, attempt: attempt(`d${i}`) },
        { id: `r${i}`, state: "retrying", attempts: 1, status: 503, dueAt: now, reason: "HTTP 503", attempt: { ...attempt(`r${i}`), outcome: "retryable" } },
        { id: `x${i}`, state: "release" },
      );
    }
    const updates = recorder.statements(changes).filter((s) => s.sql.startsWith(`UPDATE "Delivery"`));
    expect(updates.length).toBeGreaterThanOrEqual(2);
    for (const statement of updates) expect((await queryPlan(statement)).outer).toMatch(BY_DELIVERY_ID);
  });

  it.runIf(prismaProvider() === "postgresql")("drops the result of a delivery whose delete commits while the flush waits for its row, and writes the rest", async () => {
    // the flush found the row there, then the foreign key check waited for the deleting transaction
    // and failed (23503) when it committed: the whole flush with it
    const workerId = "w-race";
    const [gone, kept] = await createUsers(2, "rrace");
    const campaign = await createCampaign({ url: "http://127.0.0.1:9/x", status: "active" });
    const now = new Date();
    const row = (userId: string) => db().delivery.create({
      data: {
        webhookId: `msg_race_${userId}`, campaignId: campaign.id, actionId: campaign.actions[0].id, userId, triggerKey: "activation",
        plannedAt: now, dueAt: now, state: "sending", lockedBy: workerId, lockedUntil: new Date(now.getTime() + 60_000),
      },
    });
    const [a, b] = [await row(gone.id), await row(kept.id)];
    const attempt = (deliveryId: string): AttemptRow => ({ deliveryId, number: 1, startedAt: now, durationMs: 5, outcome: "delivered", status: 200, error: null, request: {}, response: null, timings: null, nextAttemptAt: null });
    const change = (id: string): Change => ({ id, state: "delivered", attempts: 1, status: 200, durationMs: 5, host: "127.0.0.1", sentAt: now, attempt: attempt(id) });
    let failedWrites = 0;
    const recorder = new Recorder(db(), workerId, { flushMs: 1, maxBatch: 10, giveUpAfterMs: 1_000, onWriteFailed: () => failedWrites++ });
    let written: Promise<void> | null = null;
    await db().$transaction(async (tx) => {
      await tx.delivery.delete({ where: { id: a.id } });
      // the flush starts while the delete holds the row: the delete commits once the flush waits for it
      written = Promise.all([recorder.add(change(a.id)), recorder.add(change(b.id))]).then(() => {});
      await waitFor(async () => {
        const [row] = await rawDb(db()).query<{ n: unknown }>(
          `SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE $1`,
          [`%${tableName("DeliveryAttempt")}%`],
        );
        return numberOf(row?.n) > 0;
      }, 10_000, 10);
    }, { timeout: 15_000 });
    await written;
    // written the first time, not failed and retried
    expect(failedWrites).toBe(0);
    expect(recorder.counters).toMatchObject({ flushes: 1, flushedRows: 2 });
    expect(await db().delivery.findUniqueOrThrow({ where: { id: b.id }, select: { state: true } })).toEqual({ state: "delivered" });
    expect(await db().deliveryAttempt.count({ where: { deliveryId: { in: [a.id, b.id] } } })).toBe(1);
  });
});
