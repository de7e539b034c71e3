// Where the frequency cap is checked against the database: at once for a batch's sends, and atomically
// with every other batch's (two workers, or the embedded engine's concurrent batches). Each batch used
// to count the user's delivered sends on its own, before the other's were recorded, so both passed a
// cap of one a day. Now a batch takes its users' locks (keyLocksSql; SQLite's write lock), counts the
// delivered sends and the sends under way that passed before it (rows still "sending" whose worker
// marked them, capHeldBy = lockedBy), decides (core/frequency-cap.ts) and marks the ones it lets go,
// in one short transaction. A campaign without a cap (none set, or cap-exempt) never comes here.
//
// A campaign's steps for one trigger (a chain: same campaign, user and trigger, earlier-steps.ts
// sameUserAndTriggerSql) count once, and the cap decides at whichever of them comes to it first: the counts
// count a user's distinct chains, not rows, and a send of a campaign with more than one step follows the
// other rows of its chain (core/frequency-cap.ts ChainFate). A marketer saw step 1 create a CRM contact and
// the cap stop step 2; then a failed step 1 left its delivered step 2 uncounted.
import type { Db } from "../../db";
import { rawDb, type RawTx } from "../../db/raw";
import type { Tx } from "../../db/transaction";
import { tableName } from "../../db/bulk-insert";
import { numberOf, SqlParams } from "../../db/raw-sql";
import { keyLocksSql, unindexedSql } from "../../db/dialect";
import {
  applyFrequencyCap, DAY_MS, followedChainStep, stoppedByFrequencyCap, WEEK_MS,
  type CapSend as CoreCapSend, type ChainFate, type FrequencyCap, type SentCounts,
} from "../core/frequency-cap";
import { sameUserAndTriggerSql } from "./earlier-steps";

/**
 * A send the cap decides: `actionId` its step; `steps`, set only for a campaign with more than one step:
 * its steps' labels by action id ("Webhook 2 (Follow up)"), the other rows of its chain being looked at.
 */
export type CapSend = { id: string; userId: string; actionId: string; exempt: boolean; steps?: ReadonlyMap<string, string> };

type Query = Pick<RawTx, "query">;

/** Whether the delivery `d` (alias) is being sent past the cap now, by a claim whose lease holds at `now` (a placeholder). */
function passingSql(d: string, now: string): string {
  return `(${d}."state" = 'sending' AND ${d}."capHeldBy" = ${d}."lockedBy" AND ${d}."lockedUntil" > ${now})`;
}

/**
 * The sends of `userIds` (null: every user, Activate's count of the audience at the cap) that count against the cap at `now`, by chain: a user's distinct (campaign, trigger)
 * among their rows delivered in the rolling week, or under way with the cap passed (counted in both),
 * except the rows `exceptIds` (the batch deciding); a chain counts in the day when one of those rows is of
 * the day.
 */
export async function capCounts(db: Query, userIds: string[] | null, now: Date, exceptIds: string[] = []): Promise<Map<string, SentCounts>> {
  const counts = new Map<string, SentCounts>();
  if (userIds?.length === 0) return counts;
  const table = tableName("Delivery");
  // placeholders added in the order of the text (SQLite's "?" are positional)
  const p = new SqlParams();
  const dayAgo = p.add("date", new Date(now.getTime() - DAY_MS));
  const users = userIds ? p.among(`d."userId"`, "text", userIds) : "1 = 1";
  const weekAgo = p.add("date", new Date(now.getTime() - WEEK_MS));
  // a pass counts while its claim's lease holds: a dead worker's rows (in a campaign paused since, which
  // nobody claims again) would otherwise count for ever, and every capped send to the user be suppressed
  const leaseHolds = p.add("date", now);
  const except = exceptIds.length ? ` AND ${p.notAmong(`d."id"`, "text", exceptIds)}` : "";
  // a user's rows through the (userId, sentAt) index, grouped by chain (triggerKey is never null)
  const sql =
    `SELECT c."userId", SUM(c."day") AS "day", COUNT(*) AS "week" FROM (` +
    `SELECT d."userId", MAX(CASE WHEN d."state" = 'delivered' AND d."sentAt" < ${dayAgo} THEN 0 ELSE 1 END) AS "day"` +
    ` FROM ${table} d` +
    ` WHERE ${users}` +
    ` AND ((d."state" = 'delivered' AND d."sentAt" >= ${weekAgo}) OR (${unindexedSql(`d."state"`)} = 'sending' AND d."capHeldBy" = d."lockedBy" AND d."lockedUntil" > ${leaseHolds}${except}))` +
    ` AND d."campaignId" IN (SELECT "id" FROM ${tableName("Campaign")} WHERE NOT "capExempt")` +
    ` GROUP BY d."userId", d."campaignId", d."triggerKey") c` +
    ` GROUP BY c."userId"`;
  for (const row of await db.query<{ userId: string; day: unknown; week: unknown }>(sql, p.values)) {
    counts.set(row.userId, { day: numberOf(row.day), week: numberOf(row.week) });
  }
  return counts;
}

type ChainRow = { deliveryId: string; otherId: string; actionId: string; state: string; reason: string | null; passing: unknown; sent: unknown };

/**
 * What the other rows of each send's chain say (by index; none: judged on its own), for the sends of a
 * campaign with more than one step: one counts (delivered, being sent past the cap, or retrying after
 * its request left), the cap stopped an earlier step's row that decided (a row that only followed
 * another decides nothing, and a later step's stop is never followed: either would let two stops wait
 * for each other's Retry), or one is in `batch` (the sends deciding with it, by id) before it. One
 * statement, only when there are such sends.
 */
async function chainFates(db: Query, sends: CapSend[], batch: Map<string, number>, now: Date): Promise<Map<number, ChainFate>> {
  const fates = new Map<number, ChainFate>();
  const chained = sends.flatMap((s, index) => (s.steps && !s.exempt ? [{ s, index, steps: s.steps }] : []));
  if (!chained.length) return fates;
  const p = new SqlParams();
  const passing = passingSql("o", p.add("date", now));
  const sql =
    `SELECT d."id" AS "deliveryId", o."id" AS "otherId", o."actionId" AS "actionId", o."state" AS "state", o."reason" AS "reason", CASE WHEN ${passing} THEN 1 ELSE 0 END AS "passing",` +
    ` CASE WHEN o."sentAt" IS NULL THEN 0 ELSE 1 END AS "sent"` +
    ` FROM ${sameUserAndTriggerSql(p, { alias: "d", ids: chained.map((c) => c.s.id) }, { alias: "o", actionIds: [...new Set(chained.flatMap((c) => [...c.steps.keys()]))] })}` +
    ` AND o."id" <> d."id" AND o."state" IN ('delivered', 'sending', 'suppressed', 'retrying')`;
  const rows = new Map<string, ChainRow[]>();
  for (const r of await db.query<ChainRow>(sql, p.values)) rows.set(r.deliveryId, [...(rows.get(r.deliveryId) ?? []), r]);
  for (const { s, index, steps } of chained) {
    // the rows deciding with this one are judged here, not by what the table has of them
    const others = rows.get(s.id) ?? [];
    const outside = others.filter((o) => !batch.has(o.otherId));
    // one that went: delivered, being sent past the cap, or retrying after a request that left (the CRM
    // may have the contact: review 2); capCounts counts the chain by whichever of them is delivered
    if (outside.some((o) => o.state === "delivered" || numberOf(o.passing) || (o.state === "retrying" && numberOf(o.sent)))) {
      fates.set(index, { counted: true });
      continue;
    }
    // Only an earlier step's stop is followed (steps in their order): two batches deciding two steps of a
    // chain at once may both stop theirs as deciders, and each Retry would then wait for the other's for
    // ever (review 2). The earliest stopped step is judged on its own; the later ones follow it.
    const order = [...steps.keys()];
    const before = (actionId: string) => order.indexOf(actionId) < order.indexOf(s.actionId);
    const decider = outside.find((o) => o.state === "suppressed" && stoppedByFrequencyCap(o.reason) && !followedChainStep(o.reason) && before(o.actionId));
    if (decider) {
      fates.set(index, { stopped: { label: steps.get(decider.actionId) ?? "Another step", reason: decider.reason! } });
      continue;
    }
    const first = Math.min(...others.map((o) => batch.get(o.otherId) ?? Infinity));
    if (first < index) fates.set(index, { inBatch: first, label: steps.get(sends[first]!.actionId) ?? "Another step" });
  }
  return fates;
}

/** The sends as the cap's core reads them, each chained one's with what its chain says. */
async function withFates(db: Query, sends: CapSend[], now: Date): Promise<CoreCapSend[]> {
  const batch = new Map(sends.flatMap((s, index) => (s.exempt ? [] : [[s.id, index] as const])));
  const fates = await chainFates(db, sends, batch, now);
  return sends.map((s, index) => ({ userId: s.userId, exempt: s.exempt, chain: fates.get(index) }));
}

/**
 * Which of a batch's sends (claimed by `workerId`, in order) the cap stops, with the reason per index;
 * the others are marked as passed in the same transaction, so a batch deciding after this one counts them
 * (and a step of the same chain deciding after it follows them).
 */
export async function holdFrequencyCap(prisma: Db, workerId: string, cap: FrequencyCap, sends: CapSend[], now: Date): Promise<Map<number, string>> {
  const counted = sends.filter((s) => !s.exempt);
  if (counted.length === 0) return new Map();
  const userIds = [...new Set(counted.map((s) => s.userId))];
  return rawDb(prisma).interactive(async (tx) => {
    const locks = keyLocksSql("frequency-cap", userIds);
    if (locks) await tx.query(locks.sql, locks.values);
    const deciding = await withFates(tx, sends, now);
    const counts = await capCounts(tx, userIds, now, counted.map((s) => s.id));
    const stopped = applyFrequencyCap(cap, deciding, counts);
    // a send that follows its chain is marked too: the counts count its chain once
    const passed = sends.filter((s, i) => !s.exempt && !stopped.has(i)).map((s) => s.id);
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
 * Why the cap would stop one more send `send` at `now` (its reason, and the label of the step of its chain
 * it follows when that is why), or null: a retry by hand asks it first, in its own transaction (`tx`, read
 * through it: on SQLite another handle would wait for it). As the engine has it (chainFates): another row of
 * its chain counts, it is not stopped; the cap stopped an earlier step that decided, it is; else it is judged on its own.
 */
export async function capStopsSend(tx: Tx, cap: FrequencyCap, send: Omit<CapSend, "exempt">, now: Date): Promise<{ reason: string; byStep: string | null } | null> {
  const db: Query = { query: <T>(sql: string, values: unknown[]) => tx.$queryRawUnsafe<T[]>(sql, ...values) };
  const [deciding] = await withFates(db, [{ ...send, exempt: false }], now);
  const chain = deciding!.chain;
  const counts = chain ? new Map<string, SentCounts>() : await capCounts(db, [send.userId], now);
  const reason = applyFrequencyCap(cap, [deciding!], counts).get(0);
  return reason ? { reason, byStep: chain && "stopped" in chain ? chain.stopped.label : null } : null;
}
