// Reading users a page at a time, each page bounded by the bytes of its attributes as well as by its
// number of users: a user may hold 256 KiB of attributes, and the audience count and the attribute
// catalogue read 5,000 users at once (1.25 GB of text, several GB of heap, for one viewer's count or
// visit of the Users page), the Users list 1,000. Every loop over users that reads their attributes
// takes its pages from here.
import { db } from "../db";
import { tableName } from "../db/bulk-insert";
import { jsonTextBytesSql } from "../db/dialect";
import type { RawTx } from "../db/raw";
import { SqlParams } from "../db/raw-sql";

/** Users in one page at most. */
const USER_PAGE_ROWS = 5000;
/** Attributes (as JSON text) in one page at most; a page always holds at least one user. */
const USER_PAGE_BYTES = 16 * 1024 * 1024;

/** The ids of one page, as Prisma's `where: { id }`: after the previous page's last id, up to and including this one's. */
export type UserPage = { id: { gt?: string; lte: string }; users: number; /** what its users' attributes weigh as JSON text */ bytes: number };

/**
 * The page of users after `after` (exclusive; undefined: from the first) in id order, or null when
 * none is left: at most `rows` users and `bytes` of attributes. One query reads the ids and the
 * attributes' sizes, never the attributes; the caller reads the page's users with `where: { id: page.id }`
 * (a fan-out: through its own raw transaction, `reader`, between the same bounds).
 */
export async function nextUserPage(after: string | undefined, limits: { rows?: number; bytes?: number } = {}, reader?: Pick<RawTx, "query">): Promise<UserPage | null> {
  const rows = limits.rows ?? USER_PAGE_ROWS;
  const bytes = limits.bytes ?? USER_PAGE_BYTES;
  const params = new SqlParams();
  const where = after === undefined ? "" : `WHERE "id" > ${params.add("text", after)}`;
  const sql = `SELECT "id", ${jsonTextBytesSql('"attributes"')} AS "bytes" FROM ${tableName("User")} ${where} ORDER BY "id" LIMIT ${params.add("int", rows)}`;
  type Size = { id: string; bytes: number | bigint | null };
  const sizes = reader ? await reader.query<Size>(sql, params.values) : await db().$queryRawUnsafe<Size[]>(sql, ...params.values);
  if (!sizes.length) return null;
  const page = pageLength(sizes.map((s) => Number(s.bytes ?? 0)), 0, rows, bytes);
  return { id: { ...(after === undefined ? {} : { gt: after }), lte: sizes[page.users - 1]!.id }, ...page };
}

/**
 * How many of `sizes`, from `start`, make one page, and what they weigh: at most `rows` of them and
 * `bytes` in all, and one at least (a user over `bytes` alone is a page of its own). The one rule for
 * every way of reading users a page at a time (nextUserPage, userIdGroups, a search's matches:
 * user-search.ts).
 */
export function pageLength(sizes: readonly number[], start: number, rows: number, bytes: number): { users: number; bytes: number } {
  let end = start;
  let total = 0;
  while (end < sizes.length && (end === start || (end - start < rows && total + sizes[end]! <= bytes))) total += sizes[end++]!;
  return { users: end - start, bytes: total };
}

/**
 * `ids` (distinct) in groups of at most `rows` users and `bytes` of attributes (one user at least),
 * for whatever loads a set of users at once to plan for them (tracked events, a catch-up): the
 * sizes are read first, through `reader`, without the attributes.
 */
export async function userIdGroups(reader: Pick<RawTx, "query">, ids: string[], limits: { rows?: number; bytes?: number } = {}): Promise<string[][]> {
  const rows = limits.rows ?? 1000;
  const bytes = limits.bytes ?? USER_PAGE_BYTES;
  const sizes = new Map<string, number>();
  for (let i = 0; i < ids.length; i += 1000) {
    const p = new SqlParams();
    const sql = `SELECT "id", ${jsonTextBytesSql('"attributes"')} AS "bytes" FROM ${tableName("User")} WHERE "id" IN (${p.list("text", ids.slice(i, i + 1000))})`;
    for (const r of await reader.query<{ id: string; bytes: number | bigint | null }>(sql, p.values)) sizes.set(r.id, Number(r.bytes ?? 0));
  }
  const idSizes = ids.map((id) => sizes.get(id) ?? 0);
  const groups: string[][] = [];
  for (let start = 0; start < ids.length; ) {
    const end = start + pageLength(idSizes, start, rows, bytes).users;
    groups.push(ids.slice(start, end));
    start = end;
  }
  return groups;
}
