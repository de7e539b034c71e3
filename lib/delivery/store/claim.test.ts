import { describe, expect, it } from "vitest";
import { db } from "../../db";
import { claimDue, claimStatement, earliestDue, renewLeases } from "./claim";
import { prismaProvider } from "../../db/dialect";
import { BY_DELIVERY_ID, mostRowsRead, postgresPlan, queryPlan } from "../testing/query-plan";
import { activateCampaign } from "./lifecycle";
import { createCampaign, createUsers } from "../testing/fixtures";
import { Recorder, type Change } from "./recorder";
import { tableName } from "../../db/bulk-insert";

async function dueCampaign(prefix: string, users: number) {
  await createUsers(users, prefix);
  // every user so far: the test file has a database of its own
  const campaign = await createCampaign({ url: "http://127.0.0.1:9/hook" });
  expect((await activateCampaign(campaign.id)).ok).toBe(true);
  return db().delivery.findMany({ where: { campaignId: campaign.id }, orderBy: { userId: "asc" } });
}

describe("claimDue", () => {
  it("claims the earliest due first, each row once, and only from active campaigns", async () => {
    const rows = await dueCampaign("clo", 6);
    const now = new Date(Date.now() + 60_000);
    // give the rows distinct due times, the last user earliest
    for (const [i, r] of rows.entries()) await db().delivery.update({ where: { id: r.id }, data: { dueAt: new Date(now.getTime() - 1000 * (i + 1)) } });
    expect((await earliestDue(db()))?.getTime()).toBeLessThanOrEqual(now.getTime() - 6000);
    const first = await claimDue(db(), { workerId: "w1", now, leaseMs: 60_000, limit: 2 });
    expect(first.map((d) => d.userId).sort()).toEqual(rows.slice(-2).map((r) => r.userId).sort());
    // read back as the instants Prisma wrote (PostgreSQL's zone-less timestamps as UTC)
    expect(first[0].plannedAt.getTime()).toBe(rows.find((r) => r.id === first[0].id)!.plannedAt.getTime());
    expect(typeof first[0].attempts).toBe("number");
    // another worker gets the rest, never the same rows
    const second = await claimDue(db(), { workerId: "w2", now, leaseMs: 60_000, limit: 100 });
    expect(second.map((d) => d.id).filter((id) => first.some((f) => f.id === id))).toEqual([]);
    const held = await db().delivery.findMany({ where: { id: { in: rows.map((r) => r.id) } } });
    expect(held.every((d) => d.state === "sending")).toBe(true);
  });

  it("claims a job's rows named by id and by webhook id together", async () => {
    const rows = await dueCampaign("cln", 4);
    const now = new Date(Date.now() + 60_000);
    const claimed = await claimDue(db(), { workerId: "w3", now, leaseMs: 60_000, limit: 10, ids: [rows[0].id], webhookIds: [rows[1].webhookId] });
    expect(claimed.map((d) => d.id).sort()).toEqual([rows[0].id, rows[1].id].sort());
    expect(await claimDue(db(), { workerId: "w3", now, leaseMs: 60_000, limit: 10, ids: [], webhookIds: [] })).toEqual([]);
  });

  it("renews the leases of more rows than one SQLite statement may name", async () => {
    // 999 bound parameters at most: a worker holding 1,200 rows renewed none of them
    const rows = await dueCampaign("clr", 1200);
    const now = new Date(Date.now() + 60_000);
    const claimed = await claimDue(db(), { workerId: "w4", now, leaseMs: 60_000, limit: 5000 });
    expect(claimed.length).toBeGreaterThanOrEqual(rows.length);
    const later = new Date(now.getTime() + 30_000);
    await renewLeases(db(), "w4", claimed.map((d) => d.id), later, 60_000);
    const renewed = await db().delivery.count({ where: { lockedBy: "w4", lockedUntil: new Date(later.getTime() + 60_000) } });
    expect(renewed).toBe(claimed.length);
    // only this worker's rows, and only while they are sending
    await db().delivery.update({ where: { id: claimed[0]!.id }, data: { state: "delivered" } });
    await renewLeases(db(), "w5", claimed.map((d) => d.id), new Date(later.getTime() + 1000), 60_000);
    await renewLeases(db(), "w4", [claimed[0]!.id], new Date(later.getTime() + 2000), 60_000);
    expect(await db().delivery.count({ where: { lockedBy: "w4", lockedUntil: new Date(later.getTime() + 60_000) } })).toBe(claimed.length);
  });

  it.runIf(prismaProvider() === "postgresql")("reads about as many rows as it claims right after a big activation, then writes its results by id", async () => {
    // Before: with no statistics yet for the new rows, PostgreSQL joined the campaign's (campaignId,
    // state) index and sorted every due row for each claim (11,000 rows read to claim 300, mid-run),
    // then each result write read every "sending" row not yet vacuumed through the (state, dueAt) index.
    // big enough that reading it all costs more than reading it in order (on 3,000 rows a scan and a sort is right)
    const rows = await dueCampaign("clpg", 20_000);
    const now = new Date(Date.now() + 60_000);
    const claim = await postgresPlan(claimStatement({ workerId: "w9", now, leaseMs: 60_000, limit: 100 })!);
    expect(mostRowsRead(claim, "Delivery")).toBeLessThanOrEqual(200);
    expect(claim).toMatch(/Scan on "Delivery_pkey"|Index Scan using "Delivery_pkey"/);
    // half of them sending, then a flush's worth of results
    const claimed = await claimDue(db(), { workerId: "w9", now, leaseMs: 60_000, limit: 1500 });
    expect(claimed).toHaveLength(1500);
    const recorder = new Recorder(db(), "w9");
    const results: Change[] = claimed.slice(0, 100).map((d) => ({ id: d.id, state: "delivered", attempts: 1, status: 200, durationMs: 5, host: "127.0.0.1:9", sentAt: now, attempt: { deliveryId: d.id, number: 1, startedAt: now, durationMs: 5, outcome: "delivered", status: 200, error: null, request: {}, response: null, timings: null, nextAttemptAt: null } }));
    const update = recorder.statements(results).find((s) => s.sql.startsWith(`UPDATE ${tableName("Delivery")}`))!;
    const write = await postgresPlan(update);
    expect(write).toMatch(/Scan on "Delivery_pkey"|Index Scan using "Delivery_pkey"/);
    expect(write).not.toMatch(/Delivery_state_dueAt_idx/);
    expect(mostRowsRead(write, "Delivery")).toBeLessThanOrEqual(100);
    expect(rows.length).toBeGreaterThanOrEqual(20_000);
  });

  it.runIf(prismaProvider() === "sqlite")("finds the rows it claims by id, not by walking every due row", async () => {
    // with the guard's columns indexable, SQLite's UPDATE walked the (state, dueAt) index over every
    // due row testing each against the candidates: 10 ms a claim with 100,000 due (77 µs a delivery)
    const now = new Date();
    for (const options of [
      { workerId: "w5", now, leaseMs: 60_000, limit: 100 },
      { workerId: "w5", now, leaseMs: 60_000, limit: 100, takeOver: false },
      { workerId: "w5", now, leaseMs: 60_000, limit: 100, ids: ["a"], webhookIds: ["b"] },
    ]) {
      // the UPDATE's own step; the candidates' subqueries come after it
      const plan = await queryPlan(claimStatement(options)!);
      expect(plan.outer).toMatch(BY_DELIVERY_ID);
      if (options.ids) expect(plan.steps.join("\n")).not.toMatch(/Delivery_state_dueAt_idx/);
    }
  });
});
