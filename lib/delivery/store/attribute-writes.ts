// Writing what a response mapping read (lib/webhooks/response-mapping.ts): the user's attributes
// merged, and who set them (User.attributeSources, lib/audience/attribute-sources.ts) merged in the
// same UPDATE, as raw statements the recorder runs in the same transaction as the deliveries' results.
// Each row is guarded like the result itself: it only applies while this worker still holds the
// delivery, so a result written twice or by a worker whose lease was taken over sets nothing. One
// statement per 1,000 users for a whole flush (a statement per delivery cost a quarter of the
// engine's throughput; a second table with a row per attribute cost another 9 us a delivery).
import type { RawStatement } from "../../db/raw";
import type { MappedValue, MappingResult, ResponseMapping } from "../../webhooks/response-mapping";
import { mappingNote, parseStoredMapping } from "../../webhooks/response-mapping";
import type { AttemptRow } from "./recorder";
import type { StoredAttributeSource } from "../../audience/attribute-sources";
import { tableName } from "../../db/bulk-insert";
import { SqlParams } from "../../db/raw-sql";
import { jsonChangedSql, jsonMergeSql, unindexedSql } from "../../db/dialect";

/** What a delivered result sets on its user ("set by": the delivery; its campaign and step are on its row). */
export type MappedAttributes = { deliveryId: string; userId: string; set: Record<string, MappedValue>; setAt: Date };

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

/**
 * A delivered result read through the action's mapping (by the send gate, next to the socket:
 * lib/webhooks/response-mapping.ts mapSendResult): the attempt notes why a path saved nothing
 * ("mapping: ...") and lists what was saved (response.savedToUser); returns what to write, if anything.
 */
export function mapDeliveredResponse(
  mapped: MappingResult,
  delivery: { id: string; userId: string },
  attempt: AttemptRow,
  at: Date,
): MappedAttributes | undefined {
  attempt.error = mappingNote(mapped);
  const saved = Object.keys(mapped.set);
  if (saved.length === 0) return undefined;
  // the excerpt was made for this attempt alone (responseExcerpt): add to it rather than copy it
  if (attempt.response) (attempt.response as { savedToUser?: string[] }).savedToUser = saved;
  return { deliveryId: delivery.id, userId: delivery.userId, set: mapped.set, setAt: at };
}

// rows per statement (one JSON parameter each): bounds the size of one statement
const USERS_PER_STATEMENT = 1000;

function held(p: SqlParams, deliveryColumn: string, workerId: string) {
  return `EXISTS (SELECT 1 FROM ${tableName("Delivery")} d WHERE d."id" = ${deliveryColumn} AND d."lockedBy" = ${p.add("text", workerId)} AND ${unindexedSql(`d."state"`)} = 'sending')`;
}

/** { attribute: deliveryId } for each attribute a write sets (the reader finds the rest on the Delivery row). */
function sourcesPatch(w: MappedAttributes): Record<string, StoredAttributeSource> {
  const patch: Record<string, StoredAttributeSource> = {};
  for (const name in w.set) patch[name] = w.deliveryId;
  return patch;
}

function usersStatement(writes: MappedAttributes[], workerId: string, setAt: Date): RawStatement {
  const p = new SqlParams();
  const target = tableName("User");
  // placeholders in the order of the text: SQLite's "?" are positional
  const updatedAt = p.add("date", setAt);
  const from = p.records(
    [["u", "text"], ["d", "text"], ["patch", "json"], ["sources", "json"]],
    writes.map((w) => [w.userId, w.deliveryId, w.set, sourcesPatch(w)]),
  );
  const guard = held(p, `p."d"`, workerId);
  const merged = jsonMergeSql(`t."attributes"`, `p."patch"`);
  // top-level merges: mapped names replace theirs (value and source), every other attribute stays.
  // A user whose mapped values all equal what the row holds is not written at all (no page dirtied, a
  // smaller commit; "set by" keeps naming whoever set the value). The comparison is in the UPDATE, with
  // the row as it is then, not a read from before the send: the values come out as an unconditional
  // write would leave them, whatever the API wrote in between
  const sql =
    `UPDATE ${target} AS t SET "attributes" = ${merged}, ` +
    `"attributeSources" = ${jsonMergeSql(`COALESCE(t."attributeSources", '{}')`, `p."sources"`)}, "updatedAt" = ${updatedAt} ` +
    `FROM ${from} WHERE t."id" = p."u" AND ${jsonChangedSql(merged, `t."attributes"`)} AND ${guard}`;
  return { sql, values: p.values };
}

/**
 * The statements for a flush's delivered results: run BEFORE the deliveries' own updates (which
 * release the lease the guard checks). A user written twice in one flush is written in two rounds,
 * in order, so the later value wins and no statement touches one row twice.
 */
export function attributeWriteStatements(writes: MappedAttributes[], workerId: string): RawStatement[] {
  const rounds: MappedAttributes[][] = [];
  const seen = new Map<string, number>();
  for (const w of writes) {
    if (Object.keys(w.set).length === 0) continue;
    const round = seen.get(w.userId) ?? 0;
    seen.set(w.userId, round + 1);
    (rounds[round] ??= []).push(w);
  }
  const statements: RawStatement[] = [];
  for (const round of rounds) {
    const sorted = [...round].sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
    for (let i = 0; i < sorted.length; i += USERS_PER_STATEMENT) {
      const chunk = sorted.slice(i, i + USERS_PER_STATEMENT);
      statements.push(usersStatement(chunk, workerId, chunk[0]!.setAt));
    }
  }
  return statements;
}
