// Multi-row INSERTs for the two hot tables (Delivery at fan-out, DeliveryAttempt per flush).
// Prisma's createMany spends ~0.4 ms per row in its query compiler here, which caps a 100,000-user
// fan-out at minutes; one raw statement per batch is ~20x cheaper. Values are written exactly as
// Prisma writes them (ISO dates with +00:00 on SQLite, jsonb/timestamp(3) on PostgreSQL).
import { env } from "../env";
import type { DbOrTx } from "./client";
import { orderedId, orderedIds } from "../crypto/random-pool";
import type { RawStatement } from "./raw";
import { storableJsonText } from "./dialect";

export type ColumnKind = "text" | "int" | "json" | "date" | "bool";
export const PG_CAST: Record<ColumnKind, string> = { text: "::text", int: "::integer", json: "::jsonb", date: "::timestamp(3)", bool: "::boolean" };

/** A unique primary key like the cuid() default (the column is a plain string), ordered by time. */
export function newRowId(): string {
  return orderedId("c", 9);
}

/** `count` keys as newRowId makes them, for a batch of thousands: one read of randomness, one encoding. */
export function newRowIds(count: number): string[] {
  return orderedIds("c", count, 9);
}

/** A value as raw SQL takes it, written exactly as Prisma would. */
export function encode(kind: ColumnKind, value: unknown, sqlite: boolean): unknown {
  if (value === null || value === undefined) return null;
  if (kind === "json") return JSON.stringify(value);
  // SQLite keeps a Boolean as 1 or 0, as Prisma writes it
  if (kind === "bool") return sqlite ? (value ? 1 : 0) : !!value;
  if (kind === "date") {
    const iso = (value as Date).toISOString();
    return sqlite ? iso.replace("Z", "+00:00") : iso.slice(0, -1);
  }
  return value;
}

/**
 * Rows passed as ONE JSON parameter (an array per row) and read back as a table: the statement's text
 * depends only on the columns, so it is prepared once whatever the number of rows (a VALUES list of N
 * rows is a new text, parsed and planned again, for every N) and binds one value instead of rows x
 * columns. Each cell holds the column's value as encode() writes it (a JSON value as its text, a time
 * as Prisma writes it), so what is read back is exactly what Prisma would have stored. The caller
 * binds `json` where its placeholder goes and passes the placeholder to `from`.
 */
export function jsonRows(kinds: readonly ColumnKind[], rows: readonly (readonly unknown[])[], sqlite: boolean): { read: string[]; json: string; from: (placeholder: string) => string } {
  // a time or a JSON value shared by many rows (a send time, an event's data) is encoded once
  const encoded = { date: new Map<unknown, unknown>(), json: new Map<unknown, unknown>() };
  const cell = (kind: ColumnKind, value: unknown) => {
    if (value === null || value === undefined) return null;
    // a lone surrogate (an id sent as "\ud800"): as a JSON parameter's text may hold it (storableJsonText)
    if (kind === "text" && typeof value === "string") return storableJsonText(value);
    if (kind === "bool") return encode(kind, value, sqlite);
    if (kind !== "date" && kind !== "json") return value;
    const cache = encoded[kind];
    const key = kind === "date" ? (value as Date).getTime() : value;
    let text = cache.get(key);
    if (text === undefined) cache.set(key, (text = encode(kind, value, sqlite)));
    return text;
  };
  const json = JSON.stringify(rows.map((row) => row.map((v, i) => cell(kinds[i]!, v))));
  // SQLite: json_extract gives a JSON text cell back as that text, which json_patch and JSON columns take as is
  const read = kinds.map((kind, i) => (sqlite ? `json_extract(j.value, '$[${i}]')` : `(j.v ->> ${i})${PG_CAST[kind]}`));
  return { read, json, from: (placeholder) => (sqlite ? `json_each(${placeholder}) AS j` : `jsonb_array_elements(${placeholder}) AS j(v)`) };
}

/** "table" for raw SQL; raw SQL does not get the adapter's schema, so it is named on PostgreSQL. */
export function tableName(table: string): string {
  const database = env().database;
  return database.provider === "postgresql" ? `"${database.schema.replace(/"/g, '""')}"."${table}"` : `"${table}"`;
}

/** INSERT INTO "table" (...) VALUES (...), (...): rows of values in the columns' order. */
export async function bulkInsert(prisma: DbOrTx, table: string, columns: [name: string, kind: ColumnKind][], rows: unknown[][]) {
  if (rows.length === 0) return 0;
  const { sql, values } = bulkInsertSql(table, columns, rows);
  return prisma.$executeRawUnsafe(sql, ...values);
}

export type InsertOptions = {
  /** leave rows whose primary key is already there alone (a write retried after its commit was not acknowledged) */
  skipExisting?: boolean;
  /**
   * leave out rows whose `column` names no row of `table` (deleted meanwhile: a delivery whose campaign
   * was deleted while it was sent) instead of failing the foreign key, and with it the whole statement
   */
  onlyReferenced?: { column: string; table: string };
};

/**
 * The condition keeping a row of `rows` (the inserted rows as a table) whose `column` still names a
 * row of `table`. PostgreSQL: that row is locked against deletion (FOR KEY SHARE, as the foreign key
 * check would lock it) before it is counted, so a delete committed while this statement waits for it
 * leaves the row out rather than failing the check after it; SQLite has one writer, nothing deletes between.
 */
function referencedSql(rows: string, reference: { column: string; table: string }, sqlite: boolean): string {
  return `EXISTS (SELECT 1 FROM ${tableName(reference.table)} x WHERE x."id" = ${rows}."${reference.column}"${sqlite ? "" : " FOR KEY SHARE"})`;
}

/**
 * `INSERT INTO target (columns) <select>` with the options: `select` reads the rows in the columns'
 * order (a VALUES list or a SELECT); with onlyReferenced they are read back as the table "r" and filtered.
 */
function insertSelectSql(target: string, columns: [name: string, kind: ColumnKind][], select: string, options: InsertOptions, sqlite: boolean): string {
  const names = columns.map(([n]) => `"${n}"`).join(",");
  const conflict = options.skipExisting ? " ON CONFLICT DO NOTHING" : "";
  if (!options.onlyReferenced) return `INSERT INTO ${target} (${names}) ${select}${conflict}`;
  // a WITH names a VALUES list's columns on both databases
  return `WITH r(${names}) AS (${select}) INSERT INTO ${target} (${names}) SELECT ${names} FROM r WHERE ${referencedSql("r", options.onlyReferenced, sqlite)}${conflict}`;
}

/** The statement's text and values, for a raw handle (lib/db/raw.ts); see InsertOptions. */
export function bulkInsertSql(table: string, columns: [name: string, kind: ColumnKind][], rows: unknown[][], options: InsertOptions = {}) {
  const database = env().database;
  const sqlite = database.provider === "sqlite";
  const target = tableName(table);
  const values: unknown[] = [];
  // rows of one batch mostly share their Date objects (createdAt, updatedAt, a planned time): encode each once
  const dates = new Map<Date, unknown>();
  for (const row of rows) {
    for (let i = 0; i < columns.length; i++) {
      const kind = columns[i]![1];
      const value = row[i];
      if (kind !== "date" || !(value instanceof Date)) values.push(encode(kind, value, sqlite));
      else {
        let encoded = dates.get(value);
        if (encoded === undefined) dates.set(value, (encoded = encode(kind, value, sqlite)));
        values.push(encoded);
      }
    }
  }
  // on SQLite every row's placeholders are the same text
  const sqliteTuple = `(${columns.map(() => "?").join(",")})`;
  const tuples = rows.map((_, r) => (sqlite ? sqliteTuple : `(${columns.map(([, kind], i) => `$${r * columns.length + i + 1}${PG_CAST[kind]}`).join(",")})`));
  const sql = insertSelectSql(target, columns, `VALUES ${tuples.join(",")}`, options, sqlite);
  return { sql, values };
}

/**
 * The same INSERT for batches of thousands of rows, the rows passed as ONE JSON parameter (an array
 * per row) and a column whose value is the same in every row (a campaign id, a trigger key, the
 * batch's timestamps) bound once instead. A VALUES list binds rows x columns parameters: through
 * Prisma each costs ~1 us in its query compiler, and on PostgreSQL each length is a new text to
 * parse and plan; this statement's text depends only on which columns vary. Options as for
 * bulkInsertSql (InsertOptions).
 */
export function jsonInsertSql(table: string, columns: [name: string, kind: ColumnKind][], rows: unknown[][], options: InsertOptions = {}): RawStatement {
  const sqlite = env().database.provider === "sqlite";
  const first = rows[0] ?? [];
  // the same value: a time by its value, a JSON value by identity (an event's data is one object)
  const same = (kind: ColumnKind, a: unknown, b: unknown) =>
    a === b || (a ?? null) === (b ?? null) || (kind === "date" && a instanceof Date && b instanceof Date && a.getTime() === b.getTime());
  const varyingAt = columns.flatMap(([, kind], i) => (rows.some((row) => !same(kind, row[i], first[i])) ? [i] : []));
  const values: unknown[] = [];
  const placeholder = (kind: ColumnKind, value: unknown) => {
    values.push(value);
    return sqlite ? "?" : `$${values.length}${PG_CAST[kind]}`;
  };
  const varying = jsonRows(
    varyingAt.map((i) => columns[i]![1]),
    rows.map((row) => varyingAt.map((i) => row[i])),
    sqlite,
  );
  // placeholders in the order of the text (SQLite's "?" are positional): the constant columns, then the rows
  const selected = columns.map(([, kind], i) => {
    const at = varyingAt.indexOf(i);
    return at < 0 ? placeholder(kind, encode(kind, first[i], sqlite)) : varying.read[at]!;
  });
  const from = varying.from(placeholder("json", varying.json));
  // SQLite's upsert after INSERT ... SELECT needs a WHERE to parse
  const where = options.skipExisting && !options.onlyReferenced ? " WHERE true" : "";
  const sql = insertSelectSql(tableName(table), columns, `SELECT ${selected.join(", ")} FROM ${from}${where}`, options, sqlite);
  return { sql, values };
}

// SQLite: the row counts a batch's VALUES lists are cut into, so the raw handle prepares at most
// one text per size (powers of two) instead of one per batch length
const SQLITE_CHUNK_ROWS = [256, 128, 64, 32, 16, 8, 4, 2, 1];

/**
 * A batch of a few hundred rows (a delivery result flush's attempts) as this database takes it
 * cheapest, as statements to run in order in one transaction. PostgreSQL: one JSON parameter
 * (jsonInsertSql); a VALUES list of 300 rows x 12 columns is a new statement text of 3,600
 * parameters to parse and plan for each flush: ~170 µs a row of wall time against ~45. SQLite:
 * VALUES lists (bulkInsertSql) of fixed lengths (SQLITE_CHUNK_ROWS, at most one statement per
 * power of two in the batch's length), whose prepared statements the raw handle keeps: one VALUES
 * list of the batch's own length was prepared again for nearly every flush (~5 ms for 300 rows).
 * Read out of one JSON parameter instead, each row's JSON is parsed once per column (+10 µs a
 * delivery on the engine's thread).
 */
export function batchInsertSql(table: string, columns: [name: string, kind: ColumnKind][], rows: unknown[][], options: InsertOptions = {}): RawStatement[] {
  if (rows.length === 0) return [];
  if (env().database.provider !== "sqlite") return [jsonInsertSql(table, columns, rows, options)];
  const statements: RawStatement[] = [];
  let at = 0;
  for (const size of SQLITE_CHUNK_ROWS) {
    for (; rows.length - at >= size; at += size) statements.push(bulkInsertSql(table, columns, rows.slice(at, at + size), options));
  }
  return statements;
}
