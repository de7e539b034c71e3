// Multi-row INSERTs for the two hot tables (Delivery at fan-out, DeliveryAttempt per flush).
// Prisma's createMany spends ~0.4 ms per row in its query compiler here, which caps a 100,000-user
// fan-out at minutes; one raw statement per batch is ~20x cheaper. Values are written exactly as
// Prisma writes them (ISO dates with +00:00 on SQLite, jsonb/timestamp(3) on PostgreSQL).
import { env } from "../env";
import type { DbOrTx } from "./client";
import { randomSlice } from "../crypto/random-pool";

export type ColumnKind = "text" | "int" | "json" | "date";
export const PG_CAST: Record<ColumnKind, string> = { text: "::text", int: "::integer", json: "::jsonb", date: "::timestamp(3)" };

/** A unique primary key like the cuid() default (the column is a plain string). */
export function newRowId(): string {
  return `c${Date.now().toString(36)}${randomSlice(9).toString("base64url")}`;
}

/** A value as raw SQL takes it, written exactly as Prisma would. */
export function encode(kind: ColumnKind, value: unknown, sqlite: boolean): unknown {
  if (value === null || value === undefined) return null;
  if (kind === "json") return JSON.stringify(value);
  if (kind === "date") {
    const iso = (value as Date).toISOString();
    return sqlite ? iso.replace("Z", "+00:00") : iso.slice(0, -1);
  }
  return value;
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

/**
 * The statement's text and values, for a raw handle (lib/db/raw.ts); `skipExisting` leaves rows whose
 * primary key is already there alone (a write retried after its commit was not acknowledged).
 */
export function bulkInsertSql(table: string, columns: [name: string, kind: ColumnKind][], rows: unknown[][], options: { skipExisting?: boolean } = {}) {
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
  const sql = `INSERT INTO ${target} (${columns.map(([n]) => `"${n}"`).join(",")}) VALUES ${tuples.join(",")}${options.skipExisting ? " ON CONFLICT DO NOTHING" : ""}`;
  return { sql, values };
}
