// Writing what a response mapping read (lib/webhooks/response-mapping.ts): the user's attributes
// merged and who set them (UserAttributeSource), as raw statements the recorder runs in the same
// transaction as the deliveries' results. Each row is guarded like the result itself: it only applies
// while this worker still holds the delivery, so a result written twice or by a worker whose lease
// was taken over sets nothing. One statement per table for a whole flush (a statement per delivery
// cost a quarter of the engine's throughput).
import type { RawStatement } from "../../db/raw";
import type { MappedValue, ResponseMapping } from "../../webhooks/response-mapping";
import { applyResponseMapping, mappingNote, parseStoredMapping } from "../../webhooks/response-mapping";
import type { SendResult } from "../../webhooks/types";
import type { AttemptRow } from "./recorder";
import { tableName } from "../../db/bulk-insert";
import { SqlParams } from "../../db/raw-sql";
import { jsonMergeSql } from "../../db/dialect";

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

/**
 * A delivered result read through the action's mapping: the attempt notes why a path saved nothing
 * ("mapping: ...") and lists what was saved (response.savedToUser); returns what to write, if anything.
 */
export function mapDeliveredResponse(
  mapping: ResponseMapping,
  result: SendResult,
  delivery: { id: string; userId: string; campaignId: string; actionId: string },
  attempt: AttemptRow,
  at: Date,
): MappedAttributes | undefined {
  const contentType = result.headers?.find(([name]) => name.toLowerCase() === "content-type")?.[1];
  const mapped = applyResponseMapping(result.body, contentType, mapping);
  attempt.error = mappingNote(mapped);
  const saved = Object.keys(mapped.set);
  if (saved.length === 0) return undefined;
  if (attempt.response) attempt.response = { ...attempt.response, savedToUser: saved };
  return { deliveryId: delivery.id, userId: delivery.userId, campaignId: delivery.campaignId, actionId: delivery.actionId, set: mapped.set, setAt: at };
}

// rows per statement (one JSON parameter each): bounds the size of one statement
const USERS_PER_STATEMENT = 1000;
const SOURCES_PER_STATEMENT = 2000;

function held(p: SqlParams, deliveryColumn: string, workerId: string) {
  return `EXISTS (SELECT 1 FROM ${tableName("Delivery")} d WHERE d."id" = ${deliveryColumn} AND d."lockedBy" = ${p.add("text", workerId)} AND d."state" = 'sending')`;
}

function usersStatement(writes: MappedAttributes[], workerId: string, setAt: Date): RawStatement {
  const p = new SqlParams();
  const target = tableName("User");
  // placeholders in the order of the text: SQLite's "?" are positional
  const updatedAt = p.add("date", setAt);
  const from = p.records([["u", "text"], ["d", "text"], ["patch", "json"]], writes.map((w) => [w.userId, w.deliveryId, w.set]));
  const guard = held(p, `p."d"`, workerId);
  // a top-level merge: mapped names replace theirs, every other attribute stays
  const sql = `UPDATE ${target} AS t SET "attributes" = ${jsonMergeSql(`t."attributes"`, `p."patch"`)}, "updatedAt" = ${updatedAt} FROM ${from} WHERE t."id" = p."u" AND ${guard}`;
  return { sql, values: p.values };
}

function sourcesStatement(rows: unknown[][], workerId: string): RawStatement {
  const p = new SqlParams();
  const from = p.records([["u", "text"], ["a", "text"], ["c", "text"], ["ac", "text"], ["d", "text"], ["at", "date"]], rows);
  return {
    sql:
      `INSERT INTO ${tableName("UserAttributeSource")} ("userId", "attribute", "campaignId", "actionId", "deliveryId", "setAt") ` +
      `SELECT p."u", p."a", p."c", p."ac", p."d", p."at" FROM ${from} ` +
      // a held delivery implies its user exists (deleting a user deletes their deliveries)
      `WHERE ${held(p, `p."d"`, workerId)} ` +
      `ON CONFLICT ("userId", "attribute") DO UPDATE SET "campaignId" = excluded."campaignId", "actionId" = excluded."actionId", "deliveryId" = excluded."deliveryId", "setAt" = excluded."setAt"`,
    values: p.values,
  };
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
    const sources = sorted.flatMap((w) => Object.keys(w.set).map((attribute) => [w.userId, attribute, w.campaignId, w.actionId, w.deliveryId, w.setAt]));
    for (let i = 0; i < sources.length; i += SOURCES_PER_STATEMENT) statements.push(sourcesStatement(sources.slice(i, i + SOURCES_PER_STATEMENT), workerId));
  }
  return statements;
}
