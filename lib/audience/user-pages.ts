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
export const USER_PAGE_ROWS = 5000;
/** Attributes (as JSON text) in one page at most; a page always holds at least one user. */
export const USER_PAGE_BYTES = 16 * 1024 * 1024;

/** The ids of one page, as Prisma's `where: { id }`: after the previous page's last id, up to and including this one's. */
export type UserPage = { id: { gt?: string; lte: string }; users: number };

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
  let total = 0;
  let last = 0;
  for (let i = 0; i < sizes.length; i++) {
    total += Number(sizes[i]!.bytes ?? 0);
    if (i > 0 && total > bytes) break;
    last = i;
  }
  return { id: { ...(after === undefined ? {} : { gt: after }), lte: sizes[last]!.id }, users: last + 1 };
}
