// Writing what a response mapping read (lib/webhooks/response-mapping.ts): the user's attributes
// merged, and who set them (User.attributeSources, lib/audience/attribute-sources.ts) merged in the
// same UPDATE, as raw statements the recorder runs in the same transaction as the deliveries' results.
// Each row is guarded like the result itself: it only applies while this worker still holds the
// delivery, so a result written twice or by a worker whose lease was taken over sets nothing. One
// statement per 1,000 users for a whole flush (a statement per delivery cost a quarter of the
// engine's throughput; a second table with a row per attribute cost another 9 us a delivery).
import type { RawStatement } from "../../db/raw";
import type { EncodedMapping, MappedValue, ResponseMapping } from "../../webhooks/response-mapping";
import { parseStoredMapping } from "../../webhooks/response-mapping";
import type { AttemptRow } from "./recorder";
import { tableName } from "../../db/bulk-insert";
import { SqlParams } from "../../db/raw-sql";
import { jsonArrayRowsSql, jsonChangedSql, jsonMergeSql, jsonWithoutKeySql, markedSql, storableJsonText, unindexedSql, type JsonArrayColumn } from "../../db/dialect";
import { mappedPatchBytes, mappedPatchBytesOfText, mergedAttributesOverSql } from "../../audience/attribute-limits";

/**
 * What a delivered result sets on its user ("set by": the delivery; its campaign and step are on its
 * row); `attemptId` (set by the recorder) is the attempt that notes a write the user's limits refused.
 */
export type MappedAttributes = { deliveryId: string; userId: string; set: Record<string, MappedValue>; setAt: Date; attemptId?: string };

/** The engine's: the values as the send gate read and encoded them (send-gate.ts), not decoded on the way. */
export type EncodedAttributes = Omit<MappedAttributes, "set"> & { encoded: EncodedMapping };

export type AttributeWrite = MappedAttributes | EncodedAttributes;

/** The names a write sets. */
const namesOf = (w: AttributeWrite): string[] => ("encoded" in w ? w.encoded.saved : Object.keys(w.set));

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
  mapped: EncodedMapping,
  delivery: { id: string; userId: string },
  attempt: AttemptRow,
  at: Date,
): EncodedAttributes | undefined {
  attempt.error = mapped.note;
  if (mapped.saved.length === 0) return undefined;
  // the excerpt was made for this attempt alone (responseExcerpt): add to it rather than copy it
  if (attempt.response) (attempt.response as { savedToUser?: string[] }).savedToUser = mapped.saved;
  return { deliveryId: delivery.id, userId: delivery.userId, encoded: mapped, setAt: at };
}

// rows per statement (one JSON parameter each): bounds the size of one statement
const USERS_PER_STATEMENT = 1000;

function held(p: SqlParams, deliveryColumn: string, workerId: string) {
  return `EXISTS (SELECT 1 FROM ${tableName("Delivery")} d WHERE d."id" = ${deliveryColumn} AND d."lockedBy" = ${p.add("text", workerId)} AND ${unindexedSql(`d."state"`)} = 'sending')`;
}

/** { attribute: deliveryId } as JSON (a StoredAttributeSource each, lib/audience/attribute-sources.ts) for each attribute a write sets (the reader finds the rest on the Delivery row). */
function sourcesPatch(names: string[], deliveryIdJson: string): string {
  let text = "{";
  for (let i = 0; i < names.length; i++) text += `${i ? "," : ""}${JSON.stringify(names[i])}:${deliveryIdJson}`;
  return `${text}}`;
}

/** A write's values as JSON text and that text's mappedPatchBytes (the engine's came encoded from the send gate). */
function valuesOf(w: AttributeWrite): [json: string, patchBytes: number] {
  if ("encoded" in w) return [w.encoded.values, mappedPatchBytesOfText(w.encoded.utf8Bytes)];
  return [JSON.stringify(w.set), mappedPatchBytes(w.set)];
}

/**
 * A flush chunk's rows as ONE JSON parameter, [userId, deliveryId, {values}, {sources}, patch bytes,
 * attemptId] a row: the values and sources nested as JSON objects, not each as a JSON text inside the
 * JSON (encoded twice, escaped: two thirds of the time it took to build the statement, on the engine's
 * thread), the values as the send gate encoded them (not encoded again here). Both statements of the
 * chunk bind this same text.
 */
function flushRows(writes: AttributeWrite[]): string {
  let text = "[";
  for (let i = 0; i < writes.length; i++) {
    const w = writes[i]!;
    const [values, patchBytes] = valuesOf(w);
    const deliveryIdJson = JSON.stringify(w.deliveryId);
    text += `${i ? "," : ""}[${JSON.stringify(storableJsonText(w.userId))},${deliveryIdJson},${values},${sourcesPatch(namesOf(w), deliveryIdJson)},${patchBytes},${w.attemptId == null ? "null" : JSON.stringify(w.attemptId)}]`;
  }
  return `${text}]`;
}

/** flushRows' columns, in their order */
const FLUSH_COLUMNS: JsonArrayColumn[] = [
  { name: "u", kind: "text" },
  { name: "d", kind: "text" },
  { name: "patch", kind: "json" },
  { name: "sources", kind: "json" },
  { name: "pb", kind: "bigint" },
  { name: "a", kind: "text" },
];

/** flushRows read back as the table p("u", "d", "patch", "sources", "pb", "a"), from the placeholder `records`. */
function flushRowsTable(records: string): string {
  return jsonArrayRowsSql(records, FLUSH_COLUMNS, "p");
}

function usersStatement(rows: string, workerId: string, setAt: Date): RawStatement {
  const p = new SqlParams();
  const target = tableName("User");
  // placeholders in the order of the text: SQLite's "?" are positional
  const updatedAt = p.add("date", setAt);
  const from = flushRowsTable(p.addJsonText(rows));
  const guard = held(p, `p."d"`, workerId);
  const merged = jsonMergeSql(`t."attributes"`, `p."patch"`);
  // the users API's limits (lib/audience/attribute-limits.ts): a write past them is not applied (its
  // attempt says so: limitNoteStatement), judged on the row as it is now, like the comparison below.
  // Marked (markedSql): on SQLite the note runs only after a statement that refused a write
  const { over } = mergedAttributesOverSql(merged, `t."attributes"`, `p."pb"`);
  // top-level merges: mapped names replace theirs (value and source), every other attribute stays.
  // A user whose mapped values all equal what the row holds is not written at all (no page dirtied, a
  // smaller commit; "set by" keeps naming whoever set the value). The comparison is in the UPDATE, with
  // the row as it is then, not a read from before the send: the values come out as an unconditional
  // write would leave them, whatever the API wrote in between
  const sql =
    `UPDATE ${target} AS t SET "attributes" = ${merged}, ` +
    `"attributeSources" = ${jsonMergeSql(`COALESCE(t."attributeSources", '{}')`, `p."sources"`)}, "updatedAt" = ${updatedAt} ` +
    `FROM ${from} WHERE t."id" = p."u" AND ${jsonChangedSql(merged, `t."attributes"`)} AND NOT ${markedSql(over)} AND ${guard}`;
  return { sql, values: p.values };
}

/**
 * Run right after usersStatement on the same rows: the attempt of each write the user's limits
 * refused says why ("mapping: not saved: ...", after any other mapping note) and lists nothing as
 * saved. A write that was applied merges to what the row holds now, so it is never "over" here.
 * Skipped when usersStatement changed every one of its `count` users (the common case: new values for
 * users within their limits): nothing was refused then, and the users need not be read again. On
 * SQLite also skipped when usersStatement refused none (its `over` is marked): values the users hold
 * already (a steady state) change no row, yet refuse none either. A refused write's merge differs from
 * the row (it would grow it), so the UPDATE reaches its `over` for every write noted here.
 */
function limitNoteStatement(rows: string, count: number, workerId: string): RawStatement {
  const p = new SqlParams();
  const from = flushRowsTable(p.addJsonText(rows));
  const guard = held(p, `a."deliveryId"`, workerId);
  const { over, message } = mergedAttributesOverSql(jsonMergeSql(`t."attributes"`, `p."patch"`), `t."attributes"`, `p."pb"`);
  const sql =
    `UPDATE ${tableName("DeliveryAttempt")} AS a SET "error" = CASE WHEN a."error" IS NULL THEN 'mapping: ' || ${message} ELSE a."error" || '; ' || ${message} END, ` +
    `"response" = ${jsonWithoutKeySql(`a."response"`, "savedToUser")} ` +
    `FROM ${from}, ${tableName("User")} AS t WHERE a."id" = p."a" AND t."id" = p."u" AND ${over} AND ${guard}`;
  return { sql, values: p.values, skipIfPreviousChanged: count, onlyIfPreviousMarked: true };
}

/**
 * The statements for a flush's delivered results: run BEFORE the deliveries' own updates (which
 * release the lease the guard checks). A user written twice in one flush is written in two rounds,
 * in order, so the later value wins and no statement touches one row twice.
 */
export function attributeWriteStatements(writes: AttributeWrite[], workerId: string): RawStatement[] {
  const rounds: AttributeWrite[][] = [];
  const seen = new Map<string, number>();
  for (const w of writes) {
    if (namesOf(w).length === 0) continue;
    const round = seen.get(w.userId) ?? 0;
    seen.set(w.userId, round + 1);
    (rounds[round] ??= []).push(w);
  }
  const statements: RawStatement[] = [];
  for (const round of rounds) {
    const sorted = [...round].sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
    for (let i = 0; i < sorted.length; i += USERS_PER_STATEMENT) {
      const chunk = sorted.slice(i, i + USERS_PER_STATEMENT);
      // the rows (each patch's size with them) encoded once, for both statements
      const rows = flushRows(chunk);
      statements.push(usersStatement(rows, workerId, chunk[0]!.setAt));
      if (chunk.some((w) => w.attemptId)) statements.push(limitNoteStatement(rows, chunk.length, workerId));
    }
  }
  return statements;
}
