// Which claimed deliveries still have an earlier step to wait for (lib/campaigns/awaited-steps.ts): the
// earlier step's delivery to the same user, of the same trigger, not finished yet; and which found it
// finished without being delivered (its answer never came: core/decide.ts fails the row if the user has
// no value of what it would have saved). One statement per batch, only for a batch holding rows of a
// step that waits for another; and a second (deliveredEarlierSteps) only for rows whose user lacks such
// a value, to tell an earlier step delivered without one from one with no delivery to the user.
import { tableName } from "../../db/bulk-insert";
import type { RawTx } from "../../db/raw";
import { dateOf, jsonOf, SqlParams } from "../../db/raw-sql";
import type { DeliveryState } from "../core/states";

/**
 * An earlier step's delivery not delivered: not finished yet (UNFINISHED: waiting, due at dueAt, or being
 * sent), or finished without an answer (failed for good, suppressed, cancelled).
 */
export type UndeliveredStep = { actionId: string; state: string; dueAt: Date; reason?: string | null };

/** A raw handle to read through: the engine's (rawDb), or an open transaction's (prismaRawTx). */
type Query = Pick<RawTx, "query">;

/** What "not finished" means for the wait: the other states but "delivered" are finished without an answer. */
const UNFINISHED = ["scheduled", "retrying", "sending"] as const satisfies readonly DeliveryState[];
const UNDELIVERED = [...UNFINISHED, "failed", "suppressed", "cancelled"] as const satisfies readonly DeliveryState[];

/** Whether an earlier step's delivery in `state` is still under way (the row waiting for it is held). */
export function isUnfinished(state: string): boolean {
  return (UNFINISHED as readonly string[]).includes(state);
}

/**
 * THE join of the earlier-step wait, for both of its statements (this one, and the wake's in
 * earlier-step-wake.ts): the rows `from` (by id, `ids`) with the rows `to` of the steps `actionIds` to the
 * same user, of the same campaign and trigger, found through the (actionId, userId, triggerKey) unique
 * index. The text after FROM, the WHERE included (its caller may add `AND ...`); it binds its
 * placeholders in the order of the text, so a caller builds it where it stands in the statement.
 */
export function sameUserAndTriggerSql(p: SqlParams, from: { alias: string; ids: string[] }, to: { alias: string; actionIds: string[] }): string {
  const table = tableName("Delivery");
  const [f, t] = [from.alias, to.alias];
  return (
    `${table} ${f} JOIN ${table} ${t} ON ${sameUserAndTriggerOn(f, t)}` +
    ` WHERE ${p.among(`${f}."id"`, "text", from.ids)} AND ${p.among(`${t}."actionId"`, "text", to.actionIds)}`
  );
}

/**
 * The join's condition: the row `to` (alias) is of the same user, campaign and trigger as the row `from`
 * (the same chain, which the frequency cap counts once: frequency-cap-holds.ts).
 */
function sameUserAndTriggerOn(from: string, to: string): string {
  return `${to}."userId" = ${from}."userId" AND ${to}."triggerKey" = ${from}."triggerKey" AND ${to}."campaignId" = ${from}."campaignId"`;
}

/** For each of `deliveryIds` with an undelivered delivery of one of `earlierActionIds` to its user and trigger, those deliveries. */
export async function undeliveredEarlierSteps(db: Query, deliveryIds: string[], earlierActionIds: string[]): Promise<Map<string, UndeliveredStep[]>> {
  const out = new Map<string, UndeliveredStep[]>();
  if (!deliveryIds.length || !earlierActionIds.length) return out;
  const p = new SqlParams();
  const sql =
    `SELECT d."id" AS "deliveryId", e."actionId" AS "actionId", e."state" AS "state", e."dueAt" AS "dueAt", e."reason" AS "reason"` +
    ` FROM ${sameUserAndTriggerSql(p, { alias: "d", ids: deliveryIds }, { alias: "e", actionIds: earlierActionIds })}` +
    ` AND e."state" IN (${UNDELIVERED.map((s) => `'${s}'`).join(", ")})`;
  const rows = await db.query<{ deliveryId: string; actionId: string; state: string; dueAt: unknown; reason: string | null }>(sql, p.values);
  for (const r of rows) {
    const list = out.get(r.deliveryId) ?? [];
    list.push({ actionId: r.actionId, state: r.state, dueAt: dateOf(r.dueAt), reason: r.reason });
    out.set(r.deliveryId, list);
  }
  return out;
}

/** An earlier step's delivery delivered: when (sentAt), and the attributes its answer saved on the user (its attempt's response.savedToUser). */
export type DeliveredStep = { sentAt: Date | null; saved: string[] };

/**
 * For each of `deliveryIds`, the steps of `earlierActionIds` delivered to its user and trigger (by action
 * id). Asked only for the rows whose user lacks a value such a step saves and whose delivery of it is not
 * undelivered (undeliveredEarlierSteps): delivered (its answer had no value at the mapped path), or none
 * at all; and for the rows of a step timed from what such a step saves (batch-context.ts): what that
 * chain's answer saved, and when.
 */
export async function deliveredEarlierSteps(db: Query, deliveryIds: string[], earlierActionIds: string[]): Promise<Map<string, Map<string, DeliveredStep>>> {
  const out = new Map<string, Map<string, DeliveredStep>>();
  if (!deliveryIds.length || !earlierActionIds.length) return out;
  const p = new SqlParams();
  const attempts = tableName("DeliveryAttempt");
  const sql =
    `SELECT d."id" AS "deliveryId", e."actionId" AS "actionId", e."sentAt" AS "sentAt",` +
    ` (SELECT a."response" FROM ${attempts} a WHERE a."deliveryId" = e."id" AND a."outcome" = 'delivered' ORDER BY a."number" DESC LIMIT 1) AS "response"` +
    ` FROM ${sameUserAndTriggerSql(p, { alias: "d", ids: deliveryIds }, { alias: "e", actionIds: earlierActionIds })}` +
    ` AND e."state" = 'delivered'`;
  for (const r of await db.query<{ deliveryId: string; actionId: string; sentAt: unknown; response: unknown }>(sql, p.values)) {
    const steps = out.get(r.deliveryId) ?? new Map<string, DeliveredStep>();
    const saved = (jsonOf(r.response) as { savedToUser?: unknown } | null)?.savedToUser;
    steps.set(r.actionId, { sentAt: r.sentAt === null || r.sentAt === undefined ? null : dateOf(r.sentAt), saved: Array.isArray(saved) ? saved.filter((a): a is string => typeof a === "string") : [] });
    out.set(r.deliveryId, steps);
  }
  return out;
}

/**
 * The campaign's failed rows of the steps `waitingActionIds` (Retry all failed reopens them) whose user and
 * trigger have a row of one of `earlierActionIds` that Retry all failed leaves as it is (suppressed or
 * cancelled: finished without an answer), with those rows, through the wait's one join.
 */
export async function failedBehindFinishedSteps(db: Query, campaignId: string, waitingActionIds: string[], earlierActionIds: string[]) {
  if (!waitingActionIds.length || !earlierActionIds.length) return [];
  const p = new SqlParams();
  const table = tableName("Delivery");
  const sql =
    `SELECT d."id" AS "deliveryId", d."userId" AS "userId", d."actionId" AS "waitingId", d."variantActionId" AS "variantActionId", e."actionId" AS "actionId", e."state" AS "state", e."reason" AS "reason"` +
    ` FROM ${table} d JOIN ${table} e ON ${sameUserAndTriggerOn("d", "e")}` +
    ` WHERE d."campaignId" = ${p.add("text", campaignId)} AND d."state" = 'failed' AND ${p.among(`d."actionId"`, "text", waitingActionIds)}` +
    ` AND ${p.among(`e."actionId"`, "text", earlierActionIds)} AND e."state" IN ('suppressed', 'cancelled')`;
  return db.query<{ deliveryId: string; userId: string; waitingId: string; variantActionId: string | null; actionId: string; state: string; reason: string | null }>(sql, p.values);
}
