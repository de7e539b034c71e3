import { describe, expect, it } from "vitest";
import { db } from "../../db";
import { rawDb } from "../../db/raw";
import { usersByIdThrough } from "../../audience/users";
import { claimStatement, waitingCampaignsStatement, type WaitingCampaign } from "./claim";
import { Recorder, type Change } from "./recorder";
import { createCampaign, createUsers } from "../testing/fixtures";
import { activateCampaign } from "./lifecycle";

// The delivery engine's statements are prepared once and kept by their text (SQLite's raw handle):
// a text that changes with the batch's size (a placeholder per id, per row, a LIMIT written in) is
// prepared again for nearly every claim and flush, ~0.5-5 ms of the engine thread's CPU each.
const SIZES = [1, 2, 3, 7, 50, 99, 100, 263, 300, 499, 500];

describe("the hot path's statement texts", () => {
  it("a claim's text does not depend on its limit", () => {
    const now = new Date();
    const waiting: WaitingCampaign[] = [{ id: "c1", sendRate: null, scheduled: new Date(now.getTime() - 1000), retrying: null }];
    const texts = new Set(SIZES.map((limit) => claimStatement({ workerId: "w", now, leaseMs: 60_000, limit }, waiting)!.sql));
    expect(texts.size).toBe(1);
    // a rate-limited campaign's own limit is a parameter too, however much of it this worker holds
    const limited: WaitingCampaign[] = [{ ...waiting[0]!, sendRate: 50 }];
    const held = new Set(SIZES.map((n) => claimStatement({ workerId: "w", now, leaseMs: 60_000, limit: 500, heldByCampaign: new Map([["c1", n % 100]]) }, limited)!.sql));
    expect(held.size).toBe(1);
    // and the look-up of the campaigns does not depend on how many it looks at
    expect(new Set(SIZES.map((limit) => waitingCampaignsStatement({ dueBy: now, limit }).sql)).size).toBe(1);
    const named = new Set(SIZES.map((n) => claimStatement({ workerId: "w", now, leaseMs: 60_000, limit: n, ids: Array.from({ length: n }, (_, i) => `d${i}`) }, [])!.sql));
    expect(named.size).toBe(1);
  });

  it("a flush's statements are a few texts whatever its size", () => {
    const recorder = new Recorder(db(), "w-texts", { flushMs: 1, maxBatch: 500 });
    const now = new Date();
    const texts = new Set<string>();
    for (const size of SIZES) {
      const changes: Change[] = Array.from({ length: size }, (_, i) => ({
        id: `d${i}`, state: "delivered", attempts: 1, status: 200, durationMs: 5, host: "example.com", sentAt: now,
        attempt: { deliveryId: `d${i}`, number: 1, startedAt: now, durationMs: 5, outcome: "delivered", status: 200, error: null, request: {}, response: null, timings: null, nextAttemptAt: null },
      }));
      for (const s of recorder.statements(changes)) texts.add(s.sql);
    }
    // the deliveries' UPDATE, and the attempts' INSERT (SQLite: VALUES lists of powers of two up to 256)
    expect(texts.size).toBeLessThanOrEqual(1 + 9);
  });

  it("a flush holding results of steps others wait for adds one statement, of one text; any other flush none", () => {
    const recorder = new Recorder(db(), "w-wake", { flushMs: 1, maxBatch: 500 });
    const now = new Date();
    const results = (size: number, wakes?: string[]): Change[] =>
      Array.from({ length: size }, (_, i) => ({ id: `d${i}`, state: i % 2 ? "failed" : "delivered", attempts: 1, status: 200, durationMs: 5, host: "example.com", sentAt: now, reason: null, wakes }) as Change);
    const wakeTexts = new Set<string>();
    for (const size of SIZES) {
      const plain = recorder.statements(results(size));
      const waking = recorder.statements(results(size, ["a2", "a3"]));
      expect(waking.length).toBe(plain.length + 1);
      wakeTexts.add(waking.at(-1)!.sql);
      // a hold or a retry of such a step wakes nothing: it has not finished
      expect(recorder.statements([{ id: "d0", state: "retrying", reason: "Attempt 1: 503", dueAt: now, wakes: ["a2"] }]).length).toBe(1);
    }
    expect(wakeTexts.size).toBe(1);
  });

  it("a flush cut into fixed-size statements writes every result", async () => {
    await createUsers(263, "flush");
    const campaign = await createCampaign({ url: "http://127.0.0.1:9999/hook" });
    expect((await activateCampaign(campaign.id)).ok).toBe(true);
    const rows = await db().delivery.findMany({ where: { campaignId: campaign.id } });
    expect(rows.length).toBe(263);
    const workerId = "w-flush";
    await db().delivery.updateMany({ where: { campaignId: campaign.id }, data: { state: "sending", lockedBy: workerId, lockedUntil: new Date(Date.now() + 60_000) } });
    const now = new Date();
    const changes: Change[] = rows.map((r) => ({
      id: r.id, state: "delivered", attempts: 1, status: 200, durationMs: 5, host: "example.com", sentAt: now,
      attempt: { deliveryId: r.id, number: 1, startedAt: now, durationMs: 5, outcome: "delivered", status: 200, error: null, request: {}, response: null, timings: null, nextAttemptAt: null },
    }));
    await rawDb(db()).transaction(new Recorder(db(), workerId, { flushMs: 1, maxBatch: 500 }).statements(changes));
    expect(await db().deliveryAttempt.count({ where: { delivery: { campaignId: campaign.id } } })).toBe(263);
    expect(await db().delivery.count({ where: { campaignId: campaign.id, state: "delivered" } })).toBe(263);
  });

  it("a batch's users are read by one text whatever their number, and all found", async () => {
    const users = await createUsers(120, "texts");
    const raw = rawDb(db());
    const texts = new Set<string>();
    const reader = { query: <T>(sql: string, values: unknown[]) => (texts.add(sql), raw.query<T>(sql, values)) };
    for (const n of [1, 7, 120]) {
      const found = await usersByIdThrough(reader, [...users.slice(0, n).map((u) => u.id), "missing"]);
      expect([...found.keys()].sort()).toEqual(users.slice(0, n).map((u) => u.id).sort());
    }
    expect(texts.size).toBe(1);
  });
});
