// What differs between SQLite and PostgreSQL, asked here and nowhere outside lib/db: the SQL pieces
// of statements written once for both (charts, the claim), and what the database allows (several
// processes writing at once, skipping locked rows). Callers say what they need, not which database.
import { env, type DatabaseConfig } from "../env";

function sqlite(): boolean {
  return env().database.provider === "sqlite";
}

/** The provider name Prisma adapters (Better Auth's) ask for. */
export function prismaProvider(): "sqlite" | "postgresql" {
  return env().database.provider;
}

/** "the file /x/hookline.db" or "PostgreSQL schema "s"", for messages. */
export function databaseLabel(config: DatabaseConfig = env().database): string {
  return config.provider === "sqlite" ? config.file : `PostgreSQL schema "${config.schema}"`;
}

/**
 * Whether processes on several machines may claim and write deliveries at once (PostgreSQL's row
 * locks); SQLite is one file with one writer, so its deliveries stay with the embedded engine.
 */
export function servesManyWorkers(): boolean {
  return !sqlite();
}

/** Whether a statement can pass over rows another transaction holds locked (FOR UPDATE SKIP LOCKED). */
export function skipsLockedRows(): boolean {
  return !sqlite();
}

/** The clause that locks a SELECT's rows for this transaction and skips those others hold, where there is one. */
export function skipLockedSql(): string {
  return skipsLockedRows() ? " FOR UPDATE SKIP LOCKED" : "";
}

/**
 * A column the planner must not pick an index for (SQLite's unary "+"): for a guard re-checked on
 * rows already found another way, e.g. a claim's UPDATE ... WHERE "id" IN (candidates) AND "state" =
 * ...: with the guard indexable, SQLite walked every due row of the (state, dueAt) index testing each
 * against the candidate list (10 ms a claim with 100,000 due) instead of looking up the candidates.
 * PostgreSQL's planner costs the two ways itself.
 */
export function unindexedSql(column: string): string {
  return sqlite() ? `+${column}` : column;
}

/**
 * Seconds since the epoch (an integer) of a DateTime column or expression. SQLite keeps Prisma's
 * DateTimes as ISO text with an offset; PostgreSQL as timestamp(3) in UTC without a zone.
 */
export function epochSecondsSql(expression: string): string {
  return sqlite()
    ? `CAST(strftime('%s', ${expression}) AS INTEGER)`
    : `CAST(FLOOR(EXTRACT(EPOCH FROM ${expression})) AS BIGINT)`;
}

/** The start (epoch seconds) of the `seconds`-wide time bucket an instant falls in. */
export function timeBucketSql(expression: string, seconds: number): string {
  const width = Math.max(1, Math.floor(seconds));
  return `((${epochSecondsSql(expression)} / ${width}) * ${width})`;
}

/**
 * A DateTime column or expression plus a whole number of hours, as a value comparable with the
 * table's DateTime columns (so an index on one still serves a range): on SQLite the ISO text Prisma
 * writes (milliseconds, "+00:00"), on PostgreSQL a timestamp(3).
 */
export function plusHoursSql(expression: string, hours: number): string {
  const whole = Math.trunc(hours);
  return sqlite()
    ? `strftime('%Y-%m-%dT%H:%M:%f+00:00', ${expression}, '${whole >= 0 ? "+" : ""}${whole} hours')`
    : `(${expression} + ${whole} * INTERVAL '1 hour')`;
}

/** A top-level JSON object merge (the patch's keys replace the target's, every other key stays). */
export function jsonMergeSql(target: string, patch: string): string {
  return prismaProvider() === "sqlite" ? `json_patch(${target}, ${patch})` : `${target} || ${patch}`;
}

/**
 * True when `next` (a JSON value computed from `current`, e.g. a jsonMergeSql) differs from the column
 * `current`. SQLite compares the texts: json_patch writes a minified object with the keys in their old
 * order, so an equal merge of a row Prisma wrote (minified too) is the same text, and a row written any
 * other way only ever compares as changed (written again, as before). PostgreSQL compares jsonb values.
 */
export function jsonChangedSql(next: string, current: string): string {
  return prismaProvider() === "sqlite" ? `${next} IS NOT ${current}` : `${next} IS DISTINCT FROM ${current}`;
}
