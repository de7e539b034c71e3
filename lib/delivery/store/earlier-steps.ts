// Which claimed deliveries still have an earlier step to wait for (lib/campaigns/awaited-steps.ts): the
// earlier step's delivery to the same user, of the same trigger, not finished yet. One statement per
// batch, only for a batch holding rows of a step that waits for another; found through the
// (actionId, userId, triggerKey) unique index.
import type { Db } from "../../db";
import { tableName } from "../../db/bulk-insert";
import { rawDb } from "../../db/raw";
import { dateOf, SqlParams } from "../../db/raw-sql";

/** An earlier step's delivery not finished yet: waiting (scheduled, retrying: due at dueAt) or being sent. */
export type UnfinishedStep = { actionId: string; state: string; dueAt: Date };

const UNFINISHED = ["scheduled", "retrying", "sending"];

/** For each of `deliveryIds` with an unfinished delivery of one of `earlierActionIds` to its user and trigger, those deliveries. */
export async function unfinishedEarlierSteps(prisma: Db, deliveryIds: string[], earlierActionIds: string[]): Promise<Map<string, UnfinishedStep[]>> {
  const out = new Map<string, UnfinishedStep[]>();
  if (!deliveryIds.length || !earlierActionIds.length) return out;
  const p = new SqlParams();
  const table = tableName("Delivery");
  const sql =
    `SELECT d."id" AS "deliveryId", e."actionId" AS "actionId", e."state" AS "state", e."dueAt" AS "dueAt" FROM ${table} d` +
    ` JOIN ${table} e ON e."userId" = d."userId" AND e."triggerKey" = d."triggerKey" AND e."campaignId" = d."campaignId"` +
    ` WHERE ${p.among(`d."id"`, "text", deliveryIds)} AND ${p.among(`e."actionId"`, "text", earlierActionIds)}` +
    ` AND e."state" IN (${UNFINISHED.map((s) => `'${s}'`).join(", ")})`;
  const rows = await rawDb(prisma).query<{ deliveryId: string; actionId: string; state: string; dueAt: unknown }>(sql, p.values);
  for (const r of rows) {
    const list = out.get(r.deliveryId) ?? [];
    list.push({ actionId: r.actionId, state: r.state, dueAt: dateOf(r.dueAt) });
    out.set(r.deliveryId, list);
  }
  return out;
}
