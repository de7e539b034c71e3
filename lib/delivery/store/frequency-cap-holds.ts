// Where the frequency cap is checked against the database: at once for a batch's sends, and atomically
// with every other batch's (two workers, or the embedded engine's concurrent batches). Each batch used
// to count the user's delivered sends on its own, before the other's were recorded, so both passed a
// cap of one a day. Now a batch takes its users' locks (keyLocksSql; SQLite's write lock), counts the
// delivered sends and the sends under way that passed before it (rows still "sending" whose worker
// marked them, capHeldBy = lockedBy), decides (core/frequency-cap.ts) and marks the ones it lets go,
// in one short transaction. A campaign without a cap (none set, or cap-exempt) never comes here.
//
// A campaign's steps for one trigger count once, and the cap decides at the first step: a later step's
// send follows what the cap did to the same user's delivery of the first step for the same trigger
// (found through the earlier-step wait's join, earlier-steps.ts), and its delivered sends count for no
// campaign when that delivery passed. A marketer saw step 1 create a CRM contact and the cap stop step 2.
import type { Db } from "../../db";
import { rawDb, type RawTx } from "../../db/raw";
import type { Tx } from "../../db/transaction";
import { tableName } from "../../db/bulk-insert";
import { numberOf, SqlParams } from "../../db/raw-sql";
import { keyLocksSql, unindexedSql } from "../../db/dialect";
import {
  applyFrequencyCap, countsAgainstCap, DAY_MS, stoppedByFrequencyCap, WEEK_MS,
  type CapSend as CoreCapSend, type FirstStepFate, type FrequencyCap, type SentCounts,
} from "../core/frequency-cap";
import { sameUserAndTriggerOn, sameUserAndTriggerSql } from "./earlier-steps";

/** The first step of a campaign (by its id), for a send of one of its later steps (lib/campaigns/awaited-steps.ts firstStepOf). */
export type FirstStep = { actionId: string; label: string };

/** `firstStep`: set on a send of a later step (not the campaign's first): its campaign's first step. */
export type CapSend = { id: string; userId: string; exempt: boolean; firstStep?: FirstStep };

type Query = Pick<RawTx, "query">;

/**
 * Whether the cap let the delivery `f` (alias) through: it was sent at least once (delivered, failed or
 * retrying after a send), or it is being sent past the cap now. Nothing else passed it: a delivery the
 * cap stopped, or one that never reached it (suppressed for another reason, cancelled, not due yet).
 */
function passedCapSql(f: string): string {
  return `(${f}."sentAt" IS NOT NULL OR (${f}."state" = 'sending' AND ${f}."capHeldBy" = ${f}."lockedBy"))`;
}

/** The first step of the campaign of the delivery `d` (alias), in the order of awaited-steps.ts stepsInOrder. */
function firstStepSql(d: string): string {
  return `(SELECT a."id" FROM ${tableName("Action")} a WHERE a."campaignId" = ${d}."campaignId" AND a."variantOfId" IS NULL ORDER BY a."position", a."id" LIMIT 1)`;
}

/**
 * The sends of `users` that count against the cap at `now`: delivered in the rolling day and week, and
 * under way with the cap passed (counted in both), except the rows `exceptIds` (the batch deciding), and
 * except a later step's whose campaign's first step to the same user and trigger passed the cap (that
 * one counts for the whole chain).
 */
export async function capCounts(db: Query, userIds: string[], now: Date, exceptIds: string[] = []): Promise<Map<string, SentCounts>> {
  const counts = new Map<string, SentCounts>();
  if (userIds.length === 0) return counts;
  const table = tableName("Delivery");
  // placeholders added in the order of the text (SQLite's "?" are positional)
  const p = new SqlParams();
  const dayAgo = p.add("date", new Date(now.getTime() - DAY_MS));
  const users = p.among(`d."userId"`, "text", userIds);
  const weekAgo = p.add("date", new Date(now.getTime() - WEEK_MS));
  // a pass counts while its claim's lease holds: a dead worker's rows (in a campaign paused since, which
  // nobody claims again) would otherwise count for ever, and every capped send to the user be suppressed
  const leaseHolds = p.add("date", now);
  const except = exceptIds.length ? ` AND ${p.notAmong(`d."id"`, "text", exceptIds)}` : "";
  // a user's rows, through the (userId, sentAt) index; each one's first step, through the (actionId,
  // userId, triggerKey) unique index
  const sql =
    `SELECT d."userId", SUM(CASE WHEN d."state" = 'delivered' AND d."sentAt" < ${dayAgo} THEN 0 ELSE 1 END) AS "day", COUNT(*) AS "week"` +
    ` FROM ${table} d` +
    ` WHERE ${users}` +
    ` AND ((d."state" = 'delivered' AND d."sentAt" >= ${weekAgo}) OR (${unindexedSql(`d."state"`)} = 'sending' AND d."capHeldBy" = d."lockedBy" AND d."lockedUntil" > ${leaseHolds}${except}))` +
    ` AND d."campaignId" IN (SELECT "id" FROM ${tableName("Campaign")} WHERE NOT "capExempt")` +
    ` AND NOT EXISTS (SELECT 1 FROM ${tableName("Action")} s JOIN ${table} f ON f."actionId" = s."id" AND ${sameUserAndTriggerOn("d", "f")}` +
    ` WHERE s."campaignId" = d."campaignId" AND s."id" = ${firstStepSql("d")} AND s."id" <> d."actionId" AND ${passedCapSql("f")})` +
    ` GROUP BY d."userId"`;
  for (const row of await db.query<{ userId: string; day: unknown; week: unknown }>(sql, p.values)) {
    counts.set(row.userId, { day: numberOf(row.day), week: numberOf(row.week) });
  }
  return counts;
}

/**
 * What became of the first step's delivery to the same user and trigger, for each send of a later step
 * (by index; none: capped on its own): in `batch` (the sends deciding with it, by id), passed, or stopped
 * by the cap. One statement, only when there are such sends.
 */
async function firstStepFates(db: Query, sends: CapSend[], batch: Map<string, number>): Promise<Map<number, FirstStepFate>> {
  const fates = new Map<number, FirstStepFate>();
  const later = sends.flatMap((s, index) => (s.firstStep && !s.exempt ? [{ s, index, firstStep: s.firstStep }] : []));
  if (!later.length) return fates;
  const p = new SqlParams();
  const sql =
    `SELECT d."id" AS "deliveryId", f."id" AS "firstId", f."state" AS "state", f."reason" AS "reason", CASE WHEN ${passedCapSql("f")} THEN 1 ELSE 0 END AS "passed"` +
    ` FROM ${sameUserAndTriggerSql(p, { alias: "d", ids: later.map((l) => l.s.id) }, { alias: "f", actionIds: [...new Set(later.map((l) => l.firstStep.actionId))] })}`;
  const rows = await db.query<{ deliveryId: string; firstId: string; state: string; reason: string | null; passed: unknown }>(sql, p.values);
  const byId = new Map(rows.map((r) => [r.deliveryId, r]));
  for (const { s, index, firstStep } of later) {
    const row = byId.get(s.id);
    if (!row) continue;
    const label = firstStep.label;
    const inBatch = batch.get(row.firstId);
    if (inBatch !== undefined) fates.set(index, { label, inBatch });
    else if (numberOf(row.passed)) fates.set(index, { label, passed: true });
    else if (row.state === "suppressed" && stoppedByFrequencyCap(row.reason)) fates.set(index, { label, stopped: row.reason! });
  }
  return fates;
}

/** The sends as the cap's core reads them, each later step's with its first step's fate. */
async function withFates(db: Query, sends: CapSend[]): Promise<CoreCapSend[]> {
  // a first step in the batch is decided here too: a later step follows its verdict (not a later step itself)
  const batch = new Map(sends.flatMap((s, index) => (s.exempt || s.firstStep ? [] : [[s.id, index] as const])));
  const fates = await firstStepFates(db, sends, batch);
  return sends.map((s, index) => ({ userId: s.userId, exempt: s.exempt, firstStep: fates.get(index) }));
}

/**
 * Which of a batch's sends (claimed by `workerId`, in order) the cap stops, with the reason per index;
 * the others that count are marked as passed in the same transaction, so a batch deciding after this one
 * counts them (and a later step deciding after it sees its first step passed).
 */
export async function holdFrequencyCap(prisma: Db, workerId: string, cap: FrequencyCap, sends: CapSend[], now: Date): Promise<Map<number, string>> {
  const counted = sends.filter((s) => !s.exempt);
  if (counted.length === 0) return new Map();
  const userIds = [...new Set(counted.map((s) => s.userId))];
  return rawDb(prisma).interactive(async (tx) => {
    const locks = keyLocksSql("frequency-cap", userIds);
    if (locks) await tx.query(locks.sql, locks.values);
    const deciding = await withFates(tx, sends);
    const counts = await capCounts(tx, userIds, now, counted.map((s) => s.id));
    const stopped = applyFrequencyCap(cap, deciding, counts);
    const passed = sends.filter((s, i) => countsAgainstCap(deciding[i]!) && !stopped.has(i)).map((s) => s.id);
    if (passed.length) {
      const p = new SqlParams();
      const held = p.add("text", workerId);
      const ids = p.among(`"id"`, "text", passed);
      await tx.run(`UPDATE ${tableName("Delivery")} SET "capHeldBy" = ${held} WHERE ${ids} AND "lockedBy" = ${p.add("text", workerId)}`, p.values);
    }
    return stopped;
  });
}

/**
 * Why the cap would stop one more send `send` at `now` (its reason, and the label of the first step it
 * follows when that is why), or null: a retry by hand asks it first, in its own transaction (`tx`, read
 * through it: on SQLite another handle would wait for it). A later step follows its first step as the
 * engine has it: passed, it is not stopped; stopped, neither is it.
 */
export async function capStopsSend(tx: Tx, cap: FrequencyCap, send: Omit<CapSend, "exempt">, now: Date): Promise<{ reason: string; byFirstStep: string | null } | null> {
  const db: Query = { query: <T>(sql: string, values: unknown[]) => tx.$queryRawUnsafe<T[]>(sql, ...values) };
  const [deciding] = await withFates(db, [{ ...send, exempt: false }]);
  const counts = deciding!.firstStep ? new Map<string, SentCounts>() : await capCounts(db, [send.userId], now);
  const reason = applyFrequencyCap(cap, [deciding!], counts).get(0);
  return reason ? { reason, byFirstStep: deciding!.firstStep?.label ?? null } : null;
}
