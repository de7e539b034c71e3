// A row held for an earlier step (core/decide.ts, hold earlier_step) is woken by that step's result:
// in the transaction that records the earlier step's delivery as finished (delivered, failed for good,
// suppressed), the same user's held rows of the steps waiting for it, of the same campaign and trigger,
// become due just before that delivery was. The claim takes rows earliest due first: left due later
// than the earlier step's unsent rows (due now, or a second from now), a held row stayed behind all of
// them (a rate-limited first step of 100,000 users: hours). One statement per flush, only for a flush
// holding results of steps others wait for.
import type { RawStatement } from "../../db/raw";
import { tableName } from "../../db/bulk-insert";
import { SqlParams } from "../../db/raw-sql";
import { lessOneMillisecondSql, unindexedSql } from "../../db/dialect";
import { EARLIER_STEP_PREFIX } from "../core/hold-reason";
import { sameUserAndTriggerSql } from "./earlier-steps";

/**
 * The statement waking the rows of `waitingActionIds` held for an earlier step, of the users and
 * triggers of `finishedIds` (the earlier steps' deliveries just finished), through the wait's one join
 * (earlier-steps.ts). The text does not depend on the lists' lengths.
 */
export function earlierStepWakeStatement(finishedIds: string[], waitingActionIds: string[], now: Date): RawStatement {
  const p = new SqlParams();
  const table = tableName("Delivery");
  // placeholders are bound in the order of the text (SQLite's "?"): written in that order
  const set = `"dueAt" = woken."at", "updatedAt" = ${p.add("date", now)}`;
  // due 1 ms before its earlier step's delivery was (its place in the claim's order, ahead of that
  // step's rows due with it), not now: due now, it queued behind every unsent row of the earlier step
  const woken =
    `SELECT w."id" AS "id", ${lessOneMillisecondSql(`e."dueAt"`)} AS "at"` +
    ` FROM ${sameUserAndTriggerSql(p, { alias: "e", ids: finishedIds }, { alias: "w", actionIds: waitingActionIds })}`;
  const sql =
    `UPDATE ${table} SET ${set} FROM (${woken}) woken` +
    ` WHERE ${table}."id" = woken."id" AND ${unindexedSql(`${table}."state"`)} = 'scheduled' AND ${table}."reason" LIKE ${p.add("text", `${EARLIER_STEP_PREFIX}%`)}`;
  return { sql, values: p.values };
}
