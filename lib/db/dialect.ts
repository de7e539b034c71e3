// What differs between SQLite and PostgreSQL, asked here and nowhere outside lib/db: the SQL pieces
// of statements written once for both (charts, the claim), and what the database allows (several
// processes writing at once, skipping locked rows). Callers say what they need, not which database.
import { env, type DatabaseConfig } from "../env";
import { tableName } from "./bulk-insert";
import type { SqlParams } from "./raw-sql";

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
export function servesManyWorkers(config: DatabaseConfig = env().database): boolean {
  return config.provider !== "sqlite";
}

/** Whether a statement can pass over rows another transaction holds locked (FOR UPDATE SKIP LOCKED). */
export function skipsLockedRows(): boolean {
  return !sqlite();
}

/** The clause that locks a SELECT's rows for this transaction and skips those others hold, where there is one. */
export function skipLockedSql(): string {
  return skipsLockedRows() ? " FOR UPDATE SKIP LOCKED" : "";
}

/** One read of firstInOrderSql: its SELECT, and the most rows it may give when it has a limit of its own. */
export type OrderedArm = string | { sql: string; limit: number | string };

/**
 * The first `limit` rows by `orderBy` of several reads, each `SELECT ... FROM ... WHERE ...` (no
 * ORDER BY) that an index returns in that order, read lazily: about `limit` rows in all however
 * many each read could return. SQLite merges the arms of a compound SELECT ordered as a whole in
 * their indexes' order (an arm ordered and limited on its own is a subquery it sorts in full first:
 * 35 ms for 100 arms of 100 rows). PostgreSQL allows no FOR UPDATE on a UNION: each arm is ordered,
 * limited and, with `lockRows`, locked skipping rows others hold (skipLockedSql), and what the arms
 * return (up to `limit` each: locked arms are not merged lazily) is sorted: keep the arms few.
 * An arm with a limit of its own gives no more than that (no more than `limit` either: the caller's
 * to keep it so); on SQLite it is such a subquery, so keep those limits small.
 */
export function firstInOrderSql(arms: OrderedArm[], orderBy: string, limit: number | string, lockRows: boolean): string {
  // a number, or a placeholder (SQLite: written once, after the arms; PostgreSQL: repeated in each arm)
  const n = typeof limit === "number" ? Math.floor(limit) : limit;
  const sqlOf = (arm: OrderedArm) => (typeof arm === "string" ? arm : arm.sql);
  const limitOf = (arm: OrderedArm) => (typeof arm === "string" ? n : typeof arm.limit === "number" ? Math.floor(arm.limit) : arm.limit);
  if (sqlite()) {
    const reads = arms.map((arm) => (typeof arm === "string" ? arm : `SELECT * FROM (${arm.sql} ORDER BY ${orderBy} LIMIT ${limitOf(arm)})`));
    return `SELECT * FROM (${reads.join(" UNION ALL ")} ORDER BY ${orderBy} LIMIT ${n}) first`;
  }
  const ordered = arms.map((arm, i) => `SELECT * FROM (${sqlOf(arm)} ORDER BY ${orderBy} LIMIT ${limitOf(arm)}${lockRows ? skipLockedSql() : ""}) a${i}`);
  return `SELECT * FROM (${ordered.join(" UNION ALL ")}) first ORDER BY ${orderBy} LIMIT ${n}`;
}

/**
 * A column the planner must not pick an index for: for a guard re-checked on rows already found
 * another way, e.g. a claim's UPDATE ... WHERE "id" IN (candidates) AND "state" = ..., or a
 * condition that must not drive a join. SQLite's unary "+"; on PostgreSQL an expression of the
 * same value (text || '', a time plus nothing), since both planners pick an index by its column.
 * Without it SQLite walked every due row of the (state, dueAt) index testing each against the
 * candidate list (10 ms a claim with 100,000 due); PostgreSQL, on a table its statistics had not
 * caught up with (a fresh activation), read every "sending" row ever written and not yet vacuumed
 * for each result write, and every due row of the campaign, sorted, for each claim.
 */
export function unindexedSql(column: string, kind: "text" | "date" = "text"): string {
  if (sqlite()) return `+${column}`;
  return kind === "text" ? `(${column} || '')` : `(${column} + INTERVAL '0 seconds')`;
}

/**
 * `column IN (subquery)` as a test of each row the statement already found another way, never as
 * what finds them: the subquery is read once (SQLite: its own index; PostgreSQL: one array), and the
 * column is unindexed. For a claim's takeover arm and its named rows, which must walk the (state,
 * dueAt) index in order and stop at their LIMIT, or find rows by id: PostgreSQL, without statistics
 * for a just-activated campaign, otherwise joined the campaign's own index and sorted every due row.
 */
export function memberOfSql(column: string, subquery: string): string {
  return amongSql(unindexedSql(column), subquery);
}

/**
 * `column IN (subquery)` found through the column's own index (a primary key): the subquery's
 * result is read first and looked up, never joined. PostgreSQL otherwise weighed a semi-join
 * against a scan of the whole table once the other conditions were unindexed, and scanned.
 */
export function amongSql(column: string, subquery: string): string {
  return sqlite() ? `${column} IN (${subquery})` : `${column} = ANY (ARRAY(${subquery}))`;
}

/**
 * The statement that makes transactions naming the same keys take turns, each until it ends, or
 * null where none is needed: SQLite's interactive transactions hold the one write lock from their
 * start (BEGIN IMMEDIATE). PostgreSQL's advisory transaction locks, taken in one order (by their
 * hash) so two transactions never wait for each other; `scope` keeps apart what shares a server.
 */
export function keyLocksSql(scope: string, keys: string[]): { sql: string; values: unknown[] } | null {
  if (sqlite() || keys.length === 0) return null;
  const database = env().database;
  const prefix = `hookline:${database.provider === "postgresql" ? database.schema : ""}:${scope}:`;
  return {
    sql: `SELECT COUNT(pg_advisory_xact_lock(k)) AS "n" FROM (SELECT DISTINCT hashtextextended($1::text || u, 0) AS k FROM unnest($2::text[]) AS u ORDER BY k) AS keys`,
    values: [prefix, keys],
  };
}

/**
 * The statement that refreshes the planner's statistics of `table` after a bulk write, or null
 * where none is wanted. PostgreSQL plans the claim (ORDER BY "dueAt" LIMIT n) from its statistics;
 * until autovacuum caught up with a fresh activation it took the 100,000 new rows for a dozen,
 * read them all and sorted them for every claim. Run inside the writing transaction, it samples that
 * transaction's own rows and its figures commit with them. SQLite plans without statistics (none are
 * ever gathered here), and one ANALYZE would change every plan the tests pin.
 */
export function plannerStatisticsSql(table: string): string | null {
  return sqlite() ? null : `ANALYZE ${tableName(table)}`;
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

/** A DateTime column or expression less one millisecond, comparable with the table's DateTime columns (as plusHoursSql). */
export function lessOneMillisecondSql(expression: string): string {
  return sqlite() ? `strftime('%Y-%m-%dT%H:%M:%f+00:00', ${expression}, '-0.001 seconds')` : `(${expression} - INTERVAL '1 millisecond')`;
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

/** A column of jsonArrayRowsSql's rows: text, a JSON value kept as JSON, or a whole number. */
export type JsonArrayColumn = { name: string; kind: "text" | "json" | "bigint" };

/**
 * A JSON array of arrays bound as one parameter (`records`, its placeholder), read back as the table
 * `alias(columns)`, each column by its position in the inner arrays. SQLite: jsonb_each, so each row is
 * SQLite's binary JSON, read by each json_extract as it is (json_each's rows were JSON texts, each
 * parsed again by every json_extract of it); a json column stays binary JSON (jsonb_extract), which
 * json_patch and the other json functions read as they are. PostgreSQL: jsonb_array_elements.
 * Strings in `records` go through storableJsonText first.
 */
export function jsonArrayRowsSql(records: string, columns: JsonArrayColumn[], alias: string): string {
  if (sqlite()) {
    const read = columns.map((c, i) => `${c.kind === "json" ? "jsonb_extract" : "json_extract"}(j.value, '$[${i}]') AS "${c.name}"`);
    return `(SELECT ${read.join(", ")} FROM jsonb_each(${records}) AS j) AS ${alias}`;
  }
  const read = columns.map((c, i) => (c.kind === "json" ? `j.v -> ${i}` : c.kind === "bigint" ? `(j.v ->> ${i})::bigint` : `j.v ->> ${i}`) + ` AS "${c.name}"`);
  return `(SELECT ${read.join(", ")} FROM jsonb_array_elements(${records}) AS j(v)) AS ${alias}`;
}

/**
 * A string as a JSON parameter's text may hold it: PostgreSQL refuses a lone surrogate's JSON escape,
 * so there it becomes U+FFFD (as node-postgres binds a string); SQLite reads the escape as
 * better-sqlite3 binds it. The one rule for every text cell of a JSON parameter (jsonRows in
 * bulk-insert.ts, the attribute writes).
 */
export function storableJsonText(text: string): string {
  return sqlite() ? text : (text as unknown as { toWellFormed(): string }).toWellFormed();
}

/** The SQLite function markedSql calls; the raw handle defines it on its connection (raw.ts). */
export const MARK_FUNCTION = "hookline_mark";

/**
 * `condition`, which on SQLite also marks the statement when it holds for a row it reaches (a
 * statement marked `onlyIfPreviousMarked` after it runs only then: raw.ts). For a rare case that a
 * later statement deals with (a mapped write the user's limits refuse, noted on its attempt), so
 * that statement need not read every row again to find none. The mark is a function called only when
 * `condition` is true (AND stops at a false one). PostgreSQL has no mark: the condition as it is, and
 * the later statement runs.
 */
export function markedSql(condition: string): string {
  return sqlite() ? `(${condition} AND ${MARK_FUNCTION}())` : condition;
}

/** The bytes of a JSON column as text (what reading it brings into memory), without bringing it into memory. */
export function jsonTextBytesSql(column: string): string {
  return prismaProvider() === "sqlite" ? `octet_length(${column})` : `octet_length(${column}::text)`;
}

/** How many top-level keys a JSON object expression has. */
export function jsonKeyCountSql(object: string): string {
  return prismaProvider() === "sqlite" ? `(SELECT COUNT(*) FROM json_each(${object}))` : `(SELECT COUNT(*) FROM jsonb_object_keys(${object}))`;
}

/** A JSON object expression without its top-level `key` (a constant name); NULL stays NULL. */
export function jsonWithoutKeySql(object: string, key: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new Error(`jsonWithoutKeySql: a plain name, not ${JSON.stringify(key)}`);
  return prismaProvider() === "sqlite" ? `json_remove(${object}, '$.${key}')` : `(${object} - '${key}')`;
}

/** `needle` with its %, _ and \ escaped for a LIKE ... ESCAPE '\' (each stands for itself). */
function likeEscaped(needle: string): string {
  return needle.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * `needle` as a LIKE pattern matching text that contains it, for containsTextSql: its own %, _ and \
 * stand for themselves, and its ASCII capitals are written small (the column is compared so).
 */
export function likeContaining(needle: string): string {
  return `%${asciiLowerCase(likeEscaped(needle))}%`;
}

/**
 * `needle` as a LIKE pattern matching text that starts with it, for startsWithTextSql: its own %, _
 * and \ stand for themselves, and its ASCII capitals are written small (the column is compared so).
 */
export function likeStartingWith(needle: string): string {
  return `${asciiLowerCase(likeEscaped(needle))}%`;
}

const ASCII_CAPITALS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

function asciiLowerCase(text: string): string {
  return text.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/**
 * `column` LIKE the pattern at `placeholder`, ignoring the case of ASCII letters only, alike on both
 * databases: SQLite's LIKE folds A-Z and nothing else; PostgreSQL's ILIKE would also fold É and the
 * like, so there the column's A-Z are written small (translate) and compared with LIKE. "ÉMILE" finds
 * no "émile" on either; "BOB@" finds "bob@…" on both. The pattern's own capitals are written small
 * by likeStartingWith / likeContaining.
 */
function asciiCaseLikeSql(column: string, placeholder: string): string {
  const folded = sqlite() ? column : `translate(${column}, '${ASCII_CAPITALS}', '${ASCII_CAPITALS.toLowerCase()}')`;
  return `${folded} LIKE ${placeholder} ESCAPE '\\'`;
}

/**
 * `column` starts with the pattern at `placeholder` (likeStartingWith), ASCII case ignored
 * (asciiCaseLikeSql). No index serves it: callers bound the rows it reads by id (lib/audience/user-search.ts).
 */
export function startsWithTextSql(column: string, placeholder: string): string {
  return asciiCaseLikeSql(column, placeholder);
}

/**
 * `column` contains the pattern at `placeholder` (likeContaining), ASCII case ignored alike on both
 * databases (asciiCaseLikeSql). Prisma's `contains` escapes neither % nor _, so a search for "50%"
 * also found "500 off".
 */
export function containsTextSql(column: string, placeholder: string): string {
  return asciiCaseLikeSql(column, placeholder);
}

/** Whether jsonKeyPresentSql can name `key`: SQLite's quoted path labels have no escape for `"` or `\`. */
export function canNameJsonKey(key: string): boolean {
  return !sqlite() || !/["\\]/.test(key);
}

/**
 * True when the JSON object `column` holds a value at its top-level `key` (canNameJsonKey first), its
 * placeholder added to `p`: not for a JSON null on SQLite; on PostgreSQL for one too (callers test the
 * value itself afterwards).
 */
export function jsonKeyPresentSql(column: string, key: string, p: SqlParams): string {
  if (sqlite()) return `json_extract(${column}, ${p.add("text", `$."${key}"`)}) IS NOT NULL`;
  return `(${column} -> ${p.add("text", key)}) IS NOT NULL`;
}
