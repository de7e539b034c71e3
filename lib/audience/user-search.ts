// The Users page's search: users whose id or email starts with what was typed, every character as
// typed (lib/db/dialect.ts startsWithTextSql: an escaped LIKE, ASCII case ignored). No index serves a
// prefix that ignores case, so one request reads at most USER_SEARCH_SCAN_ROWS users in id order
// (their ids and emails; the attributes of the users that match only, and a page at a time), and
// answers what it found with a nextCursor to go on from: a search of "_" that nobody matches read
// every user (up to 200,000, with their attributes) for one page view.
import { db } from "../db";
import { tableName } from "../db/bulk-insert";
import { jsonTextBytesSql, likeStartingWith, startsWithTextSql } from "../db/dialect";
import { SqlParams } from "../db/raw-sql";
import { nextUserPage, pageLength } from "./user-pages";

/** Users (id order) one search request reads at most, matching or not. */
export const USER_SEARCH_SCAN_ROWS = 20_000;

/**
 * The last user one search request after `after` may read: the USER_SEARCH_SCAN_ROWS-th after it in id
 * order, or null when fewer are left (the request may read to the last user).
 */
export async function searchEnd(after: string | undefined): Promise<string | null> {
  const p = new SqlParams();
  const where = after === undefined ? "" : `WHERE "id" > ${p.add("text", after)} `;
  const sql = `SELECT "id" FROM ${tableName("User")} ${where}ORDER BY "id" LIMIT 1 OFFSET ${USER_SEARCH_SCAN_ROWS - 1}`;
  const rows = await db().$queryRawUnsafe<{ id: string }[]>(sql, ...p.values);
  return rows[0]?.id ?? null;
}

/**
 * The users after `after` and up to `end` (null: the last) whose id or email starts with `search`, in
 * id order, `rows` of them at most: their ids and what their attributes weigh as JSON text, read only
 * for the users that match.
 */
export async function usersStartingWith(search: string, after: string | undefined, end: string | null, rows: number): Promise<{ id: string; bytes: number }[]> {
  const p = new SqlParams();
  const bounds = [...(after === undefined ? [] : [`"id" > ${p.add("text", after)}`]), ...(end === null ? [] : [`"id" <= ${p.add("text", end)}`])];
  const pattern = likeStartingWith(search);
  const matches = `(${startsWithTextSql('"id"', p.add("text", pattern))} OR ${startsWithTextSql('"email"', p.add("text", pattern))})`;
  const sql = `SELECT "id", ${jsonTextBytesSql('"attributes"')} AS "bytes" FROM ${tableName("User")} WHERE ${[...bounds, matches].join(" AND ")} ORDER BY "id" LIMIT ${Math.floor(rows)}`;
  const found = await db().$queryRawUnsafe<{ id: string; bytes: number | bigint | null }[]>(sql, ...p.values);
  return found.map((r) => ({ id: r.id, bytes: Number(r.bytes ?? 0) }));
}

/** Users to read together, as Prisma's `where: { id }`; `last` is the last of them in id order, `users` how many, `bytes` what their attributes weigh. */
export type UserGroup = { id: { in: string[] } | { gt?: string; lte: string }; last: string; users: number; bytes: number };

/**
 * The users a filtered list reads, after `after` in id order, a group at a time of at most `rows` users
 * and `bytes` of attributes (one at least): with a search, those that match it up to `end`
 * (searchEnd); without, every user.
 */
export async function* userGroups(search: string | undefined, after: string | undefined, end: string | null, limits: { rows: number; bytes: number }): AsyncGenerator<UserGroup> {
  for (let cursor = after; ; ) {
    if (search === undefined) {
      const page = await nextUserPage(cursor, limits);
      if (!page) return;
      yield { id: page.id, last: page.id.lte, users: page.users, bytes: page.bytes };
      cursor = page.id.lte;
      continue;
    }
    const matches = await usersStartingWith(search, cursor, end, limits.rows);
    const sizes = matches.map((m) => m.bytes);
    for (let start = 0; start < matches.length; ) {
      const page = pageLength(sizes, start, limits.rows, limits.bytes);
      const ids = matches.slice(start, start + page.users).map((m) => m.id);
      yield { id: { in: ids }, last: ids[ids.length - 1]!, users: ids.length, bytes: page.bytes };
      start += page.users;
    }
    if (matches.length < limits.rows) return;
    cursor = matches[matches.length - 1]!.id;
  }
}
