// The SQL that differs between SQLite and PostgreSQL, for read models that aggregate in the
// database (charts, reports). Callers write one statement and ask here for the dialect's pieces.
import { env } from "../env";

function sqlite(): boolean {
  return env().database.provider === "sqlite";
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
