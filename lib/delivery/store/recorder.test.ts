import { describe, expect, it } from "vitest";
import { db } from "../../db";
import { BY_DELIVERY_ID, queryPlan } from "../testing/query-plan";
import { prismaProvider } from "../../db/dialect";
import { Recorder, type AttemptRow, type Change } from "./recorder";

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
});
