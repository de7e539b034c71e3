// Raw SQL for the delivery engine's hot path (claim, batch context, results). Each Prisma model
// call compiles its query (WASM, on the event loop) and maps every row; at thousands of deliveries
// a second that was a third of the engine's CPU. These statements are one round trip per batch,
// written for both databases, with values encoded exactly as Prisma writes them (bulk-insert.ts).
import { env } from "../env";
import { encode, jsonRows, PG_CAST, type ColumnKind } from "./bulk-insert";

/** Collects the parameters of one statement and writes their placeholders. */
export class SqlParams {
  readonly values: unknown[] = [];
  private readonly sqlite = env().database.provider === "sqlite";

  /** a placeholder for `value` ("?" on SQLite, "$n::type" on PostgreSQL) */
  add(kind: ColumnKind, value: unknown): string {
    this.values.push(encode(kind, value, this.sqlite));
    return this.sqlite ? "?" : `$${this.values.length}${PG_CAST[kind]}`;
  }

  /** Rows read back as a table `alias(columns)`, from one JSON parameter (jsonRows). */
  records(columns: readonly (readonly [name: string, kind: ColumnKind])[], rows: readonly unknown[][], alias = "p"): string {
    const { read, json, from } = jsonRows(columns.map(([, kind]) => kind), rows, this.sqlite);
    this.values.push(json);
    const source = from(this.sqlite ? "?" : `$${this.values.length}${PG_CAST.json}`);
    return `(SELECT ${columns.map(([name], i) => `${read[i]} AS "${name}"`).join(", ")} FROM ${source}) AS ${alias}`;
  }

  /** "a, b, c" placeholders for an IN (...) list */
  list(kind: ColumnKind, values: readonly unknown[]): string {
    return values.map((v) => this.add(kind, v)).join(",");
  }
}

/** A DateTime column as raw SQL returns it (a Date, or an ISO string on some drivers). */
export function dateOf(value: unknown): Date {
  if (value instanceof Date) return value;
  const text = String(value);
  // PostgreSQL's timestamp(3) text has no zone: it is UTC, as Prisma writes it
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : text.replace(" ", "T") + "Z");
}

export function nullableDateOf(value: unknown): Date | null {
  return value === null || value === undefined ? null : dateOf(value);
}

/** A Json column as raw SQL returns it (parsed already, or its text). */
export function jsonOf(value: unknown): unknown {
  if (typeof value !== "string") return value ?? null;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** A number column: better-sqlite3 may give a bigint, and node-postgres gives a bigint (COUNT(*)) as its text. */
export function numberOf(value: unknown): number {
  return typeof value === "bigint" || typeof value === "string" ? Number(value) : (value as number);
}
