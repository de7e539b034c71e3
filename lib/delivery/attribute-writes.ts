// Writing what a response mapping read (lib/webhooks/response-mapping.ts): the user's attributes
// merged and who set them (UserAttributeSource), as raw statements the recorder runs in the same
// transaction as the delivery's result. Each statement is guarded like the result itself: it only
// applies while this worker still holds the delivery, so a result written twice or by a worker whose
// lease was taken over sets nothing.
import type { RawStatement } from "../db/raw";
import type { MappedValue, ResponseMapping } from "../webhooks/response-mapping";
import { parseStoredMapping } from "../webhooks/response-mapping";
import { tableName } from "./bulk-insert";
import { SqlParams } from "./raw-sql";

/** What a delivered result sets on its user. */
export type MappedAttributes = { deliveryId: string; userId: string; campaignId: string; actionId: string; set: Record<string, MappedValue>; setAt: Date };

// one parse per loaded action row (the batch context loads rows once per batch)
const parsed = new WeakMap<object, ResponseMapping | null>();

/** The action's response mapping, or null (most actions: then nothing else is done). */
export function mappingOf(action: { responseMapping?: unknown }): ResponseMapping | null {
  const raw = action.responseMapping;
  if (raw === null || raw === undefined || (Array.isArray(raw) && raw.length === 0)) return null;
  let mapping = parsed.get(action);
  if (mapping === undefined) parsed.set(action, (mapping = parseStoredMapping(action.responseMapping)));
  return mapping;
}

function stillHeld(p: SqlParams, deliveryId: string, workerId: string): string {
  return `EXISTS (SELECT 1 FROM ${tableName("Delivery")} WHERE "id" = ${p.add("text", deliveryId)} AND "lockedBy" = ${p.add("text", workerId)} AND "state" = 'sending')`;
}

/**
 * The statements for some delivered results: run BEFORE the deliveries' own updates (which release
 * the lease the guard checks). Users in id order, so two writers on PostgreSQL queue instead of deadlocking.
 */
export function attributeWriteStatements(writes: MappedAttributes[], workerId: string): RawStatement[] {
  const statements: RawStatement[] = [];
  for (const w of [...writes].sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0))) {
    const names = Object.keys(w.set);
    if (names.length === 0) continue;
    const p = new SqlParams();
    // a top-level merge: mapped names replace theirs, every other attribute stays
    const merged = p.sqlite ? `json_patch("attributes", ${p.add("json", w.set)})` : `"attributes" || ${p.add("json", w.set)}`;
    const updatedAt = p.add("date", w.setAt);
    statements.push({
      sql: `UPDATE ${tableName("User")} SET "attributes" = ${merged}, "updatedAt" = ${updatedAt} WHERE "id" = ${p.add("text", w.userId)} AND ${stillHeld(p, w.deliveryId, workerId)}`,
      values: p.values,
    });
    for (const attribute of names) {
      const s = new SqlParams();
      const columns = [
        s.add("text", w.userId), s.add("text", attribute), s.add("text", w.campaignId), s.add("text", w.actionId), s.add("text", w.deliveryId), s.add("date", w.setAt),
      ];
      const userExists = `EXISTS (SELECT 1 FROM ${tableName("User")} WHERE "id" = ${s.add("text", w.userId)})`;
      statements.push({
        sql:
          `INSERT INTO ${tableName("UserAttributeSource")} ("userId", "attribute", "campaignId", "actionId", "deliveryId", "setAt") ` +
          `SELECT ${columns.join(", ")} WHERE ${userExists} AND ${stillHeld(s, w.deliveryId, workerId)} ` +
          `ON CONFLICT ("userId", "attribute") DO UPDATE SET "campaignId" = excluded."campaignId", "actionId" = excluded."actionId", "deliveryId" = excluded."deliveryId", "setAt" = excluded."setAt"`,
        values: s.values,
      });
    }
  }
  return statements;
}
