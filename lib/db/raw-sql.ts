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

  /** a placeholder for `text`, already a JSON document's text (bound as it is, not encoded again) */
  addJsonText(text: string): string {
    this.values.push(text);
    return this.sqlite ? "?" : `$${this.values.length}${PG_CAST.json}`;
  }

  /** Rows read back as a table `alias(columns)`, from one JSON parameter (jsonRows). */
  records(columns: readonly (readonly [name: string, kind: ColumnKind])[], rows: readonly unknown[][], alias = "p"): string {
    const { read, json, from } = jsonRows(columns.map(([, kind]) => kind), rows, this.sqlite);
    this.values.push(json);
    const source = from(this.sqlite ? "?" : `$${this.values.length}${PG_CAST.json}`);
    return `(SELECT ${columns.map(([name], i) => `${read[i]} AS "${name}"`).join(", ")} FROM ${source}) AS ${alias}`;
  }

  /** "a, b, c" placeholders for an IN (...) list: a new statement text for every length (see `among`) */
  list(kind: ColumnKind, values: readonly unknown[]): string {
    return values.map((v) => this.add(kind, v)).join(",");
  }

  /**
   * `column IN (values)` as ONE parameter, so the statement's text is the same whatever the number of
   * values: SQLite reads a JSON array (json_each), PostgreSQL an array (= ANY, the plan an IN list gets:
   * the column's index). A placeholder list made a new text for each length, which SQLite prepared
   * again on every batch (a claim's users, a flush's deliveries: ~0.5-2 ms each, past the raw handle's cache).
   */
  among(column: string, kind: ColumnKind, values: readonly unknown[]): string {
    const encoded = values.map((v) => encode(kind, v, this.sqlite));
    if (this.sqlite) {
      this.values.push(JSON.stringify(encoded));
      return `${column} IN (SELECT value FROM json_each(?))`;
    }
    this.values.push(encoded);
    return `${column} = ANY ($${this.values.length}${PG_CAST[kind]}[])`;
  }

  /** `column NOT IN (values)` as one parameter (see `among`) */
  notAmong(column: string, kind: ColumnKind, values: readonly unknown[]): string {
    return `NOT (${this.among(column, kind, values)})`;
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
