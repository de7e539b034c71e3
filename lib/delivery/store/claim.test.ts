import { describe, expect, it } from "vitest";
import { db } from "../../db";
import { CLAIM_CAMPAIGNS, claimDue, claimStatement, earliestDue, renewLeases, waitingCampaigns, waitingCampaignsStatement, type ClaimOptions } from "./claim";
import { prismaProvider } from "../../db/dialect";
import { BY_DELIVERY_ID, mostRowsExamined, mostRowsRead, postgresPlan, queryPlan } from "../testing/query-plan";
import { activateCampaign, pauseCampaign } from "./lifecycle";
import { createCampaign, createUsers } from "../testing/fixtures";
import { Recorder, type Change } from "./recorder";
import { tableName } from "../../db/bulk-insert";

async function dueCampaign(prefix: string, users: number) {
  await createUsers(users, prefix);
  // every user so far: the test file has a database of its own
  const campaign = await createCampaign({ url: "http://127.0.0.1:9999/hook" });
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
    const options = { workerId: "w9", now, leaseMs: 60_000, limit: 100 };
    const claim = await postgresPlan(claimStatement(options, await waitingCampaigns(db(), { dueBy: now, limit: CLAIM_CAMPAIGNS }))!);
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
      const plan = await queryPlan(claimStatement(options, [{ id: "c", sendRate: null, scheduled: now, retrying: now }])!);
      expect(plan.outer).toMatch(BY_DELIVERY_ID);
      if (options.ids) expect(plan.steps.join("\n")).not.toMatch(/Delivery_state_dueAt_idx/);
    }
  });

  describe("a rate-limited campaign", () => {
    // A claim took up to 500 rows of a campaign limited to 2/s; they waited in the send gate for their
    // turn, counted against the worker's room, and every other campaign waited behind them (250 s).
    async function fresh(prefix: string, users: number, rates: (number | null)[]) {
      await createUsers(users, prefix);
      const campaign = await createCampaign({ url: "http://127.0.0.1:9999/hook", audience: { match: "all", conditions: [{ key: "id", operator: "contains", value: prefix }] } });
      await db().action.update({ where: { id: campaign.actions[0]!.id }, data: { rateLimitPerSecond: rates[0] } });
      for (const [i, rate] of rates.slice(1).entries()) {
        await db().action.create({ data: { campaignId: campaign.id, position: i + 1, urlTemplate: "http://127.0.0.1:9999/next", fields: [], headers: [], rateLimitPerSecond: rate } });
      }
      expect((await activateCampaign(campaign.id)).ok).toBe(true);
      return campaign;
    }

    async function nothingElse() {
      await db().campaign.updateMany({ data: { status: "finished" } });
      await db().delivery.updateMany({ where: { state: "sending" }, data: { state: "delivered" } });
    }

    const countBy = (rows: { campaignId: string }[], id: string) => rows.filter((r) => r.campaignId === id).length;

    it("is claimed up to 2 s of its steps' rates (each step counted at the slowest one's), less what this worker holds of it; a step without a limit means no cap", async () => {
      await nothingElse();
      const limited = await fresh("clrla", 12, [2]);
      const twoSteps = await fresh("clrlb", 12, [2, 3]);
      const mixed = await fresh("clrlc", 12, [2, null]);
      // a slow step beside a fast one: counted at the slow one's rate (at their sum, 2,002 rows of the
      // slow step alone could be claimed: ~2,000 s of its sends waiting in the gate, the fault the cap is for)
      const slowFast = await fresh("clrld", 12, [1, 1000]);
      // a variant sends at its step's rate: one without a limit of its own changes nothing
      await db().action.create({ data: { campaignId: twoSteps.id, variantOfId: twoSteps.actions[0]!.id, urlTemplate: "http://127.0.0.1:9999/b", fields: [], headers: [] } });
      const now = new Date(Date.now() + 60_000);
      const waiting = await waitingCampaigns(db(), { dueBy: now, limit: CLAIM_CAMPAIGNS });
      expect(Object.fromEntries(waiting.map((c) => [c.id, c.sendRate]))).toEqual({ [limited.id]: 2, [twoSteps.id]: 4, [mixed.id]: null, [slowFast.id]: 2 });
      const mixedRows = await db().delivery.count({ where: { campaignId: mixed.id } });
      expect(mixedRows).toBeGreaterThanOrEqual(12);
      const options: ClaimOptions = { workerId: "wr", now, leaseMs: 60_000, limit: 100 };
      // two of the 2/s campaign's rows wait for a retry, due before the rest: its room holds for both states
      const retrying = await db().delivery.findMany({ where: { campaignId: limited.id }, take: 2, select: { id: true } });
      await db().delivery.updateMany({ where: { id: { in: retrying.map((r) => r.id) } }, data: { state: "retrying", dueAt: new Date(now.getTime() - 3_600_000) } });
      // 2/s: 4 rows, one held here already; 2 and 3/s: 8; 1 and 1,000/s: 4; no cap: all
      const first = await claimDue(db(), { ...options, heldByCampaign: new Map([[limited.id, 1]]) });
      // (of a capped campaign, its earliest waiting state only: the two retries, not 2 + 3)
      expect([countBy(first, limited.id), countBy(first, twoSteps.id), countBy(first, mixed.id), countBy(first, slowFast.id)]).toEqual([2, 8, mixedRows, 4]);
      expect(first.filter((d) => retrying.some((r) => r.id === d.id))).toHaveLength(2);
      // then its scheduled rows, up to its room
      const next = await claimDue(db(), { ...options, heldByCampaign: new Map([[limited.id, 3], [twoSteps.id, 8], [slowFast.id, 4]]) });
      expect(next.map((d) => d.campaignId)).toEqual([limited.id]);
      // holding its cap, a campaign gets nothing more; with its rows settled, its cap again
      expect(await claimDue(db(), { ...options, heldByCampaign: new Map([[limited.id, 4], [twoSteps.id, 8], [slowFast.id, 4]]) })).toEqual([]);
      const again = await claimDue(db(), { ...options, heldByCampaign: new Map([[twoSteps.id, 5], [slowFast.id, 4]]) });
      expect([countBy(again, limited.id), countBy(again, twoSteps.id)]).toEqual([4, 3]);
      // the overall limit still holds
      expect(await claimDue(db(), { ...options, limit: 2 })).toHaveLength(2);
    });

    it("held to its cap, it leaves its place among the campaigns a claim reads to the next one due", async () => {
      await nothingElse();
      const capped = [];
      for (let i = 0; i < CLAIM_CAMPAIGNS + 1; i++) capped.push(await fresh(`clrlh${i}x`, 3, [1]));
      const open = await fresh("clrlopen", 2, [null]);
      const now = new Date(Date.now() + 60_000);
      // the capped backlogs due an hour before the open campaign's rows
      await db().delivery.updateMany({ where: { campaignId: { in: capped.map((c) => c.id) } }, data: { dueAt: new Date(now.getTime() - 3_600_000) } });
      const held = new Map(capped.map((c) => [c.id, 2]));
      const claimed = await claimDue(db(), { workerId: "wh", now, leaseMs: 60_000, limit: 100, heldByCampaign: held });
      expect(claimed.map((d) => d.campaignId)).toEqual([open.id, open.id]);
    });
  });

  describe("with a paused campaign's backlog due earlier than everything else", () => {
    // A paused campaign keeps its waiting rows (scheduled, retrying). Walking the (state, dueAt)
    // index and testing each row's campaign, every claim and every idle look read the whole paused
    // backlog before reaching an active campaign's rows: 20,000 read for one claim of 3 (and 20,000
    // for earliestDue), on both databases.
    async function pausedBacklog() {
      // nothing else of this file's campaigns in the way (nor its rows in flight, which a takeover reads)
      await db().campaign.updateMany({ data: { status: "finished" } });
      await db().delivery.updateMany({ where: { state: "sending" }, data: { state: "delivered" } });
      await createUsers(3, "clact");
      const active = await createCampaign({ url: "http://127.0.0.1:9999/hook", audience: { match: "all", conditions: [{ key: "id", operator: "contains", value: "clact" }] } });
      expect((await activateCampaign(active.id)).ok).toBe(true);
      await createUsers(20_000, "clpau");
      const paused = await createCampaign({ url: "http://127.0.0.1:9999/hook", audience: { match: "all", conditions: [{ key: "id", operator: "contains", value: "clpau" }] } });
      expect((await activateCampaign(paused.id)).ok).toBe(true);
      expect(await pauseCampaign(paused.id, "editor@example.com")).toBe(true);
      const now = new Date(Date.now() + 60_000);
      // the backlog an hour overdue, half of it waiting for a retry; the active campaign's rows a minute
      await db().delivery.updateMany({ where: { campaignId: paused.id }, data: { dueAt: new Date(now.getTime() - 3_600_000) } });
      const retrying = await db().delivery.findMany({ where: { campaignId: paused.id }, select: { id: true }, take: 10_000 });
      for (let i = 0; i < retrying.length; i += 500) {
        await db().delivery.updateMany({ where: { id: { in: retrying.slice(i, i + 500).map((r) => r.id) } }, data: { state: "retrying" } });
      }
      await db().delivery.updateMany({ where: { campaignId: active.id }, data: { dueAt: new Date(now.getTime() - 60_000) } });
      expect(await db().delivery.count({ where: { campaignId: paused.id } })).toBe(20_000);
      return { active, paused, now };
    }

    it("claims the active campaign's rows and finds when they are due reading a handful of rows, not the backlog", async () => {
      const { active, now } = await pausedBacklog();
      const options: ClaimOptions = { workerId: "wp", now, leaseMs: 60_000, limit: 100 };
      const waiting = await waitingCampaigns(db(), { dueBy: now, limit: CLAIM_CAMPAIGNS });
      expect(waiting.map((c) => c.id)).toEqual([active.id]);
      const lookups = [waitingCampaignsStatement({ dueBy: now, limit: CLAIM_CAMPAIGNS }), waitingCampaignsStatement({ limit: 1, sendRate: false })];
      // the same campaign rate-limited (1/s): its arm has a limit of its own (2 rows)
      const limited = waiting.map((c) => ({ ...c, sendRate: 1 }));
      if (prismaProvider() === "postgresql") {
        for (const takeOver of [true, false]) {
          const claim = await postgresPlan(claimStatement({ ...options, takeOver }, waiting)!);
          expect(mostRowsExamined(claim, "Delivery"), claim).toBeLessThanOrEqual(20);
          const capped = await postgresPlan(claimStatement({ ...options, takeOver }, limited)!);
          expect(mostRowsExamined(capped, "Delivery"), capped).toBeLessThanOrEqual(20);
        }
        // the claim's look-up and earliestDue's: the first row of each waiting state of each active campaign
        for (const lookup of lookups) {
          const plan = await postgresPlan(lookup);
          expect(mostRowsExamined(plan, "Delivery"), plan).toBeLessThanOrEqual(5);
        }
      } else {
        // SQLite: no waiting state is walked through the (state, dueAt) index (only the takeover of
        // "sending" rows whose lease ran out is): each read of a waiting state names its campaign
        for (const takeOver of [true, false]) {
          const plan = await queryPlan(claimStatement({ ...options, takeOver }, waiting)!);
          const steps = plan.steps.join("\n");
          expect(plan.steps.filter((step) => /Delivery_state_dueAt_idx/.test(step)), steps).toHaveLength(takeOver ? 1 : 0);
          expect(steps).toMatch(/SEARCH Delivery USING INDEX Delivery_campaignId_state_dueAt_idx \(campaignId=\? AND state=\? AND dueAt<\?\)/);
          expect(steps).not.toMatch(/TEMP B-TREE/);
          // a rate-limited campaign's arm, a subquery of its own, read through the same index up to its
          // limit; what it returns (2 rows here, a couple of seconds of its rate) sorted for the merge, if at all
          const capped = (await queryPlan(claimStatement({ ...options, takeOver }, limited)!)).steps;
          expect(capped.filter((step) => /Delivery_state_dueAt_idx/.test(step))).toHaveLength(takeOver ? 1 : 0);
          expect(capped.join("\n")).toMatch(/SEARCH Delivery USING INDEX Delivery_campaignId_state_dueAt_idx \(campaignId=\? AND state=\? AND dueAt<\?\)/);
          expect(capped.filter((step) => /TEMP B-TREE/.test(step)).length).toBeLessThanOrEqual(1);
        }
        for (const lookup of lookups) {
          const steps = (await queryPlan(lookup)).steps.join("\n");
          expect(steps).not.toMatch(/Delivery_state_dueAt_idx/);
          expect(steps).toMatch(/SEARCH d USING COVERING INDEX Delivery_campaignId_state_dueAt_idx \(campaignId=\? AND state=\?\)/);
        }
      }
      const started = performance.now();
      const due = await earliestDue(db());
      const claimed = await claimDue(db(), options);
      const ms = performance.now() - started;
      expect(due?.getTime()).toBe(now.getTime() - 60_000);
      expect(claimed.map((d) => d.campaignId)).toEqual([active.id, active.id, active.id]);
      expect(await db().delivery.count({ where: { campaignId: active.id, state: "scheduled" } })).toBe(0);
      console.log(`paused backlog of 20,000: earliestDue + claim of 3 in ${ms.toFixed(1)} ms`);
    });
  });
});

