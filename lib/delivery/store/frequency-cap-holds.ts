// Where the frequency cap is checked against the database: at once for a batch's sends, and atomically
// with every other batch's (two workers, or the embedded engine's concurrent batches). Each batch used
// to count the user's delivered sends on its own, before the other's were recorded, so both passed a
// cap of one a day. Now a batch takes its users' locks (keyLocksSql; SQLite's write lock), counts the
// delivered sends and the sends under way that passed before it (rows still "sending" whose worker
// marked them, capHeldBy = lockedBy), decides (core/frequency-cap.ts) and marks the ones it lets go,
// in one short transaction. A campaign without a cap (none set, or cap-exempt) never comes here.
import type { Db } from "../../db";
import { rawDb, type RawTx } from "../../db/raw";
import type { Tx } from "../../db/transaction";
import { tableName } from "../../db/bulk-insert";
import { numberOf, SqlParams } from "../../db/raw-sql";
import { keyLocksSql, unindexedSql } from "../../db/dialect";
import { applyFrequencyCap, DAY_MS, WEEK_MS, type FrequencyCap, type SentCounts } from "../core/frequency-cap";

export type CapSend = { id: string; userId: string; exempt: boolean };

/**
 * The sends of `users` that count against the cap at `now`: delivered in the rolling day and week, and
 * under way with the cap passed (counted in both), except the rows `exceptIds` (the batch deciding).
 */
export async function capCounts(db: Pick<RawTx, "query">, userIds: string[], now: Date, exceptIds: string[] = []): Promise<Map<string, SentCounts>> {
  const counts = new Map<string, SentCounts>();
  if (userIds.length === 0) return counts;
  // placeholders added in the order of the text (SQLite's "?" are positional)
  const p = new SqlParams();
  const dayAgo = p.add("date", new Date(now.getTime() - DAY_MS));
  const users = p.among(`"userId"`, "text", userIds);
  const weekAgo = p.add("date", new Date(now.getTime() - WEEK_MS));
  // a pass counts while its claim's lease holds: a dead worker's rows (in a campaign paused since, which
  // nobody claims again) would otherwise count for ever, and every capped send to the user be suppressed
  const leaseHolds = p.add("date", now);
  const except = exceptIds.length ? ` AND ${p.notAmong(`"id"`, "text", exceptIds)}` : "";
  // a user's rows, through the (userId, sentAt) index
  const sql =
    `SELECT "userId", SUM(CASE WHEN "state" = 'delivered' AND "sentAt" < ${dayAgo} THEN 0 ELSE 1 END) AS "day", COUNT(*) AS "week"` +
    ` FROM ${tableName("Delivery")}` +
    ` WHERE ${users}` +
    ` AND (("state" = 'delivered' AND "sentAt" >= ${weekAgo}) OR (${unindexedSql(`"state"`)} = 'sending' AND "capHeldBy" = "lockedBy" AND "lockedUntil" > ${leaseHolds}${except}))` +
    ` AND "campaignId" IN (SELECT "id" FROM ${tableName("Campaign")} WHERE NOT "capExempt")` +
    ` GROUP BY "userId"`;
  for (const row of await db.query<{ userId: string; day: unknown; week: unknown }>(sql, p.values)) {
    counts.set(row.userId, { day: numberOf(row.day), week: numberOf(row.week) });
  }
  return counts;
}

/**
 * Which of a batch's sends (claimed by `workerId`, in order) the cap stops, with the reason per index;
 * the others are marked as passed in the same transaction, so a batch deciding after this one counts them.
 */
export async function holdFrequencyCap(prisma: Db, workerId: string, cap: FrequencyCap, sends: CapSend[], now: Date): Promise<Map<number, string>> {
  const counted = sends.filter((s) => !s.exempt);
  if (counted.length === 0) return new Map();
  const userIds = [...new Set(counted.map((s) => s.userId))];
  return rawDb(prisma).interactive(async (tx) => {
    const locks = keyLocksSql("frequency-cap", userIds);
    if (locks) await tx.query(locks.sql, locks.values);
    const counts = await capCounts(tx, userIds, now, counted.map((s) => s.id));
    const stopped = applyFrequencyCap(cap, sends, counts);
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
 * Why the cap would stop one more send to `userId` at `now` (its reason), or null: a retry by hand asks
 * it first, in its own transaction (`tx`, read through it: on SQLite another handle would wait for it).
 */
export async function capStopsUser(tx: Tx, cap: FrequencyCap, userId: string, now: Date): Promise<string | null> {
  const counts = await capCounts({ query: <T>(sql: string, values: unknown[]) => tx.$queryRawUnsafe<T[]>(sql, ...values) }, [userId], now);
  return applyFrequencyCap(cap, [{ userId, exempt: false }], counts).get(0) ?? null;
}
