// How many deliveries the delivery log says there are (its counts by state and its "N deliveries"),
// at a cost that does not grow with the campaign: each count reads at most COUNT_CAP + 1 index
// entries and says "10,000+" past COUNT_CAP. An open log refreshes every second in every tab; a
// campaign of a million deliveries counted in full read a million entries per refresh per tab
// (bench/RESULTS.md, "The live delivery log at scale"). The log, the internal route and /api/v1 all
// count through here.
import { db } from "../../db";
import { tableName } from "../../db/bulk-insert";
import type { RawStatement } from "../../db/raw";
import { numberOf, SqlParams } from "../../db/raw-sql";
import { COUNT_CAP } from "../core/count-cap";
import { DELIVERY_STATES, type DeliveryState } from "../core/states";


/** A count read up to a cap: `n` deliveries, or, with `more`, `n` (the cap) and more. */
export type BoundedCount = { n: number; more: boolean };

/**
 * The deliveries of `campaignId` (every campaign's without it) in each state and in all, each read up
 * to `cap`. `capped` names the numbers that are the cap and more ("total" when any state is).
 * Served by (campaignId, state, dueAt) for a campaign and (state, dueAt) for every campaign.
 */
export async function deliveryCounts(campaignId?: string, cap = COUNT_CAP): Promise<DeliveryCounts> {
  const statement = countsStatement(campaignId, cap);
  const rows = await db().$queryRawUnsafe<Record<string, unknown>[]>(statement.sql, ...statement.values);
  const counts = Object.fromEntries(DELIVERY_STATES.map((s) => [s, 0])) as Record<DeliveryState, number>;
  const capped: (DeliveryState | "total")[] = [];
  let total = 0;
  for (const state of DELIVERY_STATES) {
    const { n, more } = bounded(rows[0]?.[state], cap);
    counts[state] = n;
    total += n;
    if (more) capped.push(state);
  }
  if (capped.length) capped.push("total");
  return { ...counts, total, capped };
}

/** deliveryCounts' one statement: a capped count per state. */
export function countsStatement(campaignId: string | undefined, cap: number): RawStatement {
  const params = new SqlParams();
  const columns = DELIVERY_STATES.map((state) => {
    const conditions = [...(campaignId ? [`"campaignId" = ${params.add("text", campaignId)}`] : []), `"state" = ${params.add("text", state)}`];
    return `${cappedCountSql(conditions, cap)} AS "${state}"`;
  });
  return { sql: `SELECT ${columns.join(", ")}`, values: params.values };
}
export type DeliveryCounts = Record<DeliveryState, number> & { total: number; capped: (DeliveryState | "total")[] };

/** The rows of Delivery matching `conditions` (SQL), read up to `cap`. */
export async function countUpTo(conditions: string[], values: unknown[], cap = COUNT_CAP): Promise<BoundedCount> {
  const rows = await db().$queryRawUnsafe<{ n: unknown }[]>(`SELECT ${cappedCountSql(conditions, cap)} AS "n"`, ...values);
  return bounded(rows[0]?.n, cap);
}

// LIMIT inside: the count stops at cap + 1 rows (one more says there are more)
function cappedCountSql(conditions: string[], cap: number): string {
  const where = conditions.length ? `WHERE ${conditions.join(" AND ")}` : "";
  return `(SELECT COUNT(*) FROM (SELECT 1 AS "one" FROM ${tableName("Delivery")} ${where} LIMIT ${Math.floor(cap) + 1}) AS "upTo")`;
}

function bounded(value: unknown, cap: number): BoundedCount {
  const n = numberOf(value ?? 0);
  return n > cap ? { n: cap, more: true } : { n, more: false };
}
