// The audience: upsert users one at a time or by the thousand (attributes merge, null removes),
// read, list with a cursor, and forget (events and deliveries go with the user).
import { db, type Db } from "../db";
import { rawDb, type RawStatement, type RawTx } from "../db/raw";
import { lockRowsForWrite } from "../db/row-locks";
import { bulkInsert, bulkInsertSql, tableName, type ColumnKind } from "../db/bulk-insert";
import { jsonOf, SqlParams } from "../db/raw-sql";
import type { AttributeValue, UserInput } from "../api/schemas/users";
import { mergedAttributesProblem, utf8Bytes } from "./attribute-limits";
import { searchEnd, userGroups, USER_SEARCH_SCAN_ROWS } from "./user-search";
import { sourcesWithout } from "./attribute-sources";
import { transaction } from "../db/transaction";
import { isUniqueViolation } from "../db/unique-violation";
import { isStorableText } from "../db/storable-text";
import { catalogueTypes, typedInputs, type AttributeTypeProblem } from "./typed-inputs";
import type { AttributeTypes } from "./attribute-value";
import type { Role } from "../auth/roles";
import { attributesAsReadBy, valueHiddenFrom } from "./attribute-secrets";

export type Attributes = Record<string, Exclude<AttributeValue, null>>;
export type UserRecord = { userId: string; email: string | null; timezone: string | null; attributes: Attributes; createdAt: string; updatedAt: string };
export type UpsertResult = { created: number; updated: number };

/** A user the upsert left alone: their attributes, merged with what they hold, would be over a user's limits. */
export type TooLargeUser = { userId: string; problem: string };

/** Refused: these users' merged attributes would be over a user's limits (nothing was written). */
export class UserAttributesTooLargeError extends Error {
  name = "UserAttributesTooLargeError";
  constructor(readonly users: TooLargeUser[]) {
    super(`User ${JSON.stringify(users[0]!.userId)}: ${users[0]!.problem}`);
  }
}

type Row = { id: string; email: string | null; timezone: string | null; attributes: unknown; attributeSources?: unknown; createdAt: Date; updatedAt: Date };

function toUserRecord(row: Row): UserRecord {
  return {
    userId: row.id,
    email: row.email,
    timezone: row.timezone,
    attributes: asAttributes(row.attributes),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function asAttributes(value: unknown): Attributes {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Attributes) : {};
}

/** `base` with `changes` applied: a value sets, null removes. */
function mergeAttributes(base: Attributes, changes: Record<string, AttributeValue> | undefined): Attributes {
  const merged: Attributes = { ...base };
  for (const [name, value] of Object.entries(changes ?? {})) {
    if (value === null) delete merged[name];
    else merged[name] = value;
  }
  return merged;
}

// Several entries for one userId in a batch are applied in order, as if sent one after another.
function combine(inputs: UserInput[]): Map<string, UserInput> {
  const byId = new Map<string, UserInput>();
  for (const input of inputs) {
    const prev = byId.get(input.userId);
    if (!prev) {
      byId.set(input.userId, { ...input, attributes: input.attributes ? { ...input.attributes } : undefined });
      continue;
    }
    byId.set(input.userId, {
      userId: input.userId,
      email: input.email !== undefined ? input.email : prev.email,
      timezone: input.timezone !== undefined ? input.timezone : prev.timezone,
      attributes: input.attributes || prev.attributes ? { ...prev.attributes, ...input.attributes } : undefined,
    });
  }
  return byId;
}

const USER_COLUMNS: [string, ColumnKind][] = [["id", "text"], ["email", "text"], ["timezone", "text"], ["attributes", "json"], ["createdAt", "date"], ["updatedAt", "date"]];

/**
 * Creates or updates users in one transaction (all of them or none). With `types` (the CSV import's
 * column types), an attribute of a type is stored as that type, a date as its ISO text
 * (attribute-value.ts), and a value that is not of it refuses the whole upsert (AttributeTypeError).
 * Without (the users API), a date attribute of the attribute catalogue written in another form than ISO
 * is stored as the import would store it, and a value that does not read as one is stored as sent and
 * listed in `typeWarnings` (typed-inputs.ts). A user whose merged attributes would be over a user's
 * limits refuses it too (UserAttributesTooLargeError), or, with `skipTooLarge` (the CSV import, which
 * rejects their rows), is left alone and listed in `skipped`.
 */
export async function upsertUsers(
  inputs: UserInput[],
  options: { skipTooLarge?: boolean; types?: AttributeTypes } = {},
): Promise<UpsertResult & { skipped: TooLargeUser[]; typeWarnings: AttributeTypeProblem[] }> {
  const hasAttributes = inputs.some((input) => input.attributes && Object.keys(input.attributes).length);
  const { inputs: typed, warnings: typeWarnings } = !hasAttributes
    ? { inputs, warnings: [] }
    : options.types
      ? typedInputs(inputs, options.types, "strict")
      : typedInputs(inputs, await catalogueTypes(), "catalogue");
  for (let attempt = 1; ; attempt++) {
    try {
      return { ...(await upsertOnce(typed, !!options.skipTooLarge)), typeWarnings };
    } catch (err) {
      // Two requests creating the same new user at once: the second retries and updates it.
      if (isUniqueViolation(err) && attempt < 3) continue;
      throw err;
    }
  }
}

async function upsertOnce(inputs: UserInput[], skipTooLarge: boolean): Promise<UpsertResult & { skipped: TooLargeUser[] }> {
  const byId = combine(inputs);
  const ids = [...byId.keys()];
  return transaction(
    async (tx) => {
      // a response mapping may be writing these users now (lib/delivery/store/attribute-writes.ts)
      await lockRowsForWrite(tx, "User", ids);
      const existing = new Map<string, Row>();
      for (let i = 0; i < ids.length; i += 500) {
        const rows = await tx.user.findMany({ where: { id: { in: ids.slice(i, i + 500) } } });
        for (const row of rows) existing.set(row.id, row);
      }
      // every user's merged attributes judged before anything is written
      const merged = new Map<string, Attributes>();
      const skipped: TooLargeUser[] = [];
      for (const input of byId.values()) {
        if (!input.attributes) continue;
        const row = existing.get(input.userId);
        const before = row ? asAttributes(row.attributes) : null;
        const after = mergeAttributes(before ?? {}, input.attributes);
        const problem = mergedAttributesProblem(after, before);
        if (problem) skipped.push({ userId: input.userId, problem });
        else merged.set(input.userId, after);
      }
      if (skipped.length && !skipTooLarge) throw new UserAttributesTooLargeError(skipped);
      const toCreate = [];
      let updated = 0;
      for (const input of byId.values()) {
        if (input.attributes && !merged.has(input.userId)) continue;
        const row = existing.get(input.userId);
        if (!row) {
          toCreate.push({
            id: input.userId,
            email: input.email ?? null,
            timezone: input.timezone ?? null,
            attributes: merged.get(input.userId) ?? {},
          });
          continue;
        }
        // an attribute set here is no longer "set by campaign X": its source goes in the same UPDATE
        const sources = sourcesWithout(row.attributeSources, input.attributes);
        await tx.user.update({
          where: { id: row.id },
          data: {
            ...(input.email !== undefined ? { email: input.email } : {}),
            ...(input.timezone !== undefined ? { timezone: input.timezone } : {}),
            ...(input.attributes ? { attributes: merged.get(input.userId)! } : {}),
            ...(sources ? { attributeSources: sources } : {}),
          },
        });
        updated++;
      }
      // One multi-row INSERT per thousand: Prisma's createMany costs ~0.4 ms a row in its query compiler.
      const now = new Date();
      // in id order: two imports creating the same new users queue on the unique index instead of deadlocking
      toCreate.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      for (let i = 0; i < toCreate.length; i += 1000) {
        const rows = toCreate.slice(i, i + 1000).map((u) => [u.id, u.email, u.timezone, u.attributes, now, now]);
        await bulkInsert(tx, "User", USER_COLUMNS, rows);
      }
      return { created: toCreate.length, updated, skipped };
    },
    { timeout: 120_000, maxWait: 30_000 },
  );
}

/**
 * The INSERT that creates the users among `ids` that do not exist yet (no attributes); its count of
 * rows changed is how many it created. A user created meanwhile by another request is left alone, so
 * both go through; ids go in sorted so two such transactions on PostgreSQL queue instead of deadlocking.
 */
export function newUsersStatements(ids: string[], now: Date): RawStatement[] {
  const rows = [...new Set(ids)].sort().map((id) => [id, {}, now, now]);
  const statements: RawStatement[] = [];
  for (let i = 0; i < rows.length; i += 1000) statements.push(bulkInsertSql("User", NEW_USER_COLUMNS, rows.slice(i, i + 1000), { skipExisting: true }));
  return statements;
}
const NEW_USER_COLUMNS: [string, ColumnKind][] = [["id", "text"], ["attributes", "json"], ["createdAt", "date"], ["updatedAt", "date"]];

export type UserForPlanning = { id: string; email: string | null; timezone: string | null; attributes: unknown };

/** The users of `ids` that exist, by id, for segments and planning (raw SQL, 1,000 ids a statement). */
export async function usersById(prisma: Db, ids: string[]): Promise<Map<string, UserForPlanning>> {
  return usersByIdThrough(rawDb(prisma), ids);
}

/** usersById read through a given handle: an open raw transaction's (on SQLite another handle would wait for it). */
export async function usersByIdThrough(reader: Pick<RawTx, "query">, ids: string[]): Promise<Map<string, UserForPlanning>> {
  const found = new Map<string, UserForPlanning>();
  for (let i = 0; i < ids.length; i += 1000) {
    const p = new SqlParams();
    const sql = `SELECT "id", "email", "timezone", "attributes" FROM ${tableName("User")} WHERE ${p.among(`"id"`, "text", ids.slice(i, i + 1000))}`;
    for (const r of await reader.query<UserForPlanning>(sql, p.values)) {
      found.set(r.id, { id: r.id, email: r.email ?? null, timezone: r.timezone ?? null, attributes: jsonOf(r.attributes) ?? {} });
    }
  }
  return found;
}

/** The fields of a user a fan-out loads besides the id: what its segment or its plan reads. */
export type AudienceFields = { email: boolean; timezone: boolean; attributes: boolean };
export type AudienceUser = { id: string; email?: string | null; timezone?: string | null; attributes?: unknown };

/**
 * Up to `limit` users after `afterId` (null: from the first), up to `upToId` when given, meeting `filter`'s SQL when given, in id order, with only `fields` besides
 * the id (a field not asked for is absent): a fan-out pages through 100,000 users this way, in its
 * raw transaction (lib/db/raw.ts).
 */
export async function audiencePage(tx: Pick<RawTx, "query">, afterId: string | null, limit: number, fields: AudienceFields, upToId?: string, filter?: (p: SqlParams) => string): Promise<AudienceUser[]> {
  const p = new SqlParams();
  const columns = ["id", ...(["email", "timezone", "attributes"] as const).filter((f) => fields[f])].map((c) => `"${c}"`).join(", ");
  const bounds = [...(afterId === null ? [] : [`"id" > ${p.add("text", afterId)}`]), ...(upToId === undefined ? [] : [`"id" <= ${p.add("text", upToId)}`]), ...(filter ? [filter(p)] : [])];
  const where = bounds.length ? ` WHERE ${bounds.join(" AND ")}` : "";
  const rows = await tx.query<AudienceUser>(`SELECT ${columns} FROM ${tableName("User")}${where} ORDER BY "id" LIMIT ${Math.floor(limit)}`, p.values);
  if (fields.attributes) for (const r of rows) r.attributes = jsonOf(r.attributes) ?? {};
  return rows;
}

/** One user as `reader` may read them (a viewer: secret-looking attributes masked, attribute-secrets.ts); the user's page and the API both read here. */
export async function getUser(userId: string, reader: Role): Promise<UserRecord | null> {
  const row = await db().user.findUnique({ where: { id: userId } });
  return row ? asReadBy(toUserRecord(row), reader) : null;
}

const asReadBy = (user: UserRecord, reader: Role): UserRecord => {
  const attributes = attributesAsReadBy(user.attributes, reader);
  return attributes === user.attributes ? user : { ...user, attributes };
};

/** Forgets a user: their events and deliveries (pending or past) go too. */
export async function deleteUser(userId: string): Promise<boolean> {
  return transaction(async (tx) => {
    const row = await tx.user.findUnique({ where: { id: userId }, select: { id: true } });
    if (!row) return false;
    await tx.delivery.deleteMany({ where: { userId } });
    await tx.event.deleteMany({ where: { userId } });
    await tx.user.delete({ where: { id: userId } });
    return true;
  });
}

export type UserFilter = { search?: string; attribute?: string; value?: string };

/**
 * What one page of users holds of their attributes at most, as JSON: a user may hold 256 KiB, so 1,000
 * of them were a 256 MB answer and about 750 MB of heap for one GET /api/v1/users?limit=1000 (two at
 * once and a server capped at 1 GB died). A page stops before the user that would take it past this
 * (never before its first user); nextCursor then continues from there.
 */
export const MAX_USER_PAGE_BYTES = 8 * 1024 * 1024;
// rows read from the database at a time, matching or not: at most 256 users' worth of attributes in memory
const USER_READ_ROWS = 256;
/**
 * What one request filtered by an attribute reads of users' attributes, matching or not, before it
 * answers with what it found and a nextCursor to go on from: the filter is read from the JSON, so a
 * filter nobody matches read every user (200,000 of them, up to 256 KiB each) for one viewer's page.
 */
export const MAX_USER_SCAN_BYTES = 32 * 1024 * 1024;

/**
 * A page of users by id, after `cursor` (the last id of the previous page): `limit` of them, fewer when
 * their attributes are over MAX_USER_PAGE_BYTES. `search` keeps those whose id or email starts with it
 * (user-search.ts), `attribute` (and `value`) those that hold it; either may answer fewer, even none,
 * with a nextCursor to go on from (filteredUsers). As `reader` may read them (getUser).
 */
export async function listUsers(options: { cursor?: string; limit?: number } & UserFilter, reader: Role): Promise<{ users: UserRecord[]; nextCursor: string | null }> {
  if (reader !== "viewer") return usersPage(options);
  // a viewer reads a secret-looking attribute masked, so may not test guesses of it either (a 4-digit pin
  // in 10,000 requests): its value filter is not applied, only "holds it"
  const secretFilter = !!options.attribute && valueHiddenFrom(options.attribute, reader);
  const page = await usersPage(secretFilter ? { ...options, value: undefined } : options);
  return { ...page, users: page.users.map((u) => asReadBy(u, reader)) };
}

async function usersPage(options: { cursor?: string; limit?: number } & UserFilter): Promise<{ users: UserRecord[]; nextCursor: string | null }> {
  const limit = Math.min(Math.max(options.limit ?? 100, 1), 1000);
  const search = options.search?.trim() || undefined;
  // no user's id or email holds what neither database can store (the Users page passes its URL's q and cursor as typed)
  if ([search, options.cursor].some((text) => text !== undefined && !isStorableText(text))) return { users: [], nextCursor: null };
  if (search !== undefined || options.attribute) return filteredUsers({ search, attribute: options.attribute || undefined, value: options.value }, options.cursor, limit);
  const found: UserRecord[] = [];
  let bytes = 0;
  // a user beyond the page: it has a next one
  let more = false;
  let cursor = options.cursor;
  const chunk = Math.min(limit + 1, USER_READ_ROWS);
  while (!more) {
    const rows = await db().user.findMany({ where: cursor ? { id: { gt: cursor } } : {}, orderBy: { id: "asc" }, take: chunk, omit: { attributeSources: true } });
    for (const row of rows) {
      const size = utf8Bytes(row.attributes);
      if (found.length === limit || (found.length > 0 && bytes + size > MAX_USER_PAGE_BYTES)) {
        more = true;
        break;
      }
      bytes += size;
      found.push(toUserRecord(row));
    }
    if (rows.length < chunk) break;
    cursor = rows[rows.length - 1]!.id;
  }
  return { users: found, nextCursor: more ? found[found.length - 1]!.userId : null };
}

/**
 * listUsers with a search or an attribute filter. The users come a group at a time, their ids and
 * attributes' sizes first (userGroups): with a search, only those that match it among at most
 * USER_SEARCH_SCAN_ROWS users, so a search nobody matches reads no attributes; each group is read by
 * id and its users kept when they hold the attribute (read from the JSON the same way on both
 * databases). One request reads at most MAX_USER_SCAN_BYTES of attributes and USER_SEARCH_SCAN_ROWS
 * users (users of `{}` weigh 2 bytes: bytes alone let one request read millions): past either, or past
 * the search's users, the answer holds what matched so far and its nextCursor is the last user read,
 * so the next request goes on from there.
 */
async function filteredUsers(filter: UserFilter, after: string | undefined, limit: number) {
  const { search, attribute, value } = filter;
  const end = search === undefined ? null : await searchEnd(after);
  // without an attribute every user of a group is kept: one beyond the page is enough to know of a next one
  const rows = attribute ? USER_READ_ROWS : Math.min(limit + 1, USER_READ_ROWS);
  const found: UserRecord[] = [];
  let bytes = 0;
  let scannedBytes = 0;
  let scannedUsers = 0;
  for await (const group of userGroups(search, after, end, { rows, bytes: MAX_USER_PAGE_BYTES })) {
    const users = await db().user.findMany({ where: { id: group.id }, orderBy: { id: "asc" }, omit: { attributeSources: true } });
    for (const row of users) {
      if (attribute && !hasAttribute(asAttributes(row.attributes), attribute, value)) continue;
      const size = utf8Bytes(row.attributes);
      // a matching user beyond the page: the next page starts after the last one kept
      if (found.length === limit || (found.length > 0 && bytes + size > MAX_USER_PAGE_BYTES)) return { users: found, nextCursor: found[found.length - 1]!.userId };
      bytes += size;
      found.push(toUserRecord(row));
    }
    scannedBytes += group.bytes;
    scannedUsers += group.users;
    if (scannedBytes >= MAX_USER_SCAN_BYTES || scannedUsers >= USER_SEARCH_SCAN_ROWS) return { users: found, nextCursor: group.last };
  }
  // the search stopped at its last user to read (null: the last user of all)
  return { users: found, nextCursor: end };
}

function hasAttribute(attributes: Attributes, name: string, value: string | undefined): boolean {
  if (!Object.prototype.hasOwnProperty.call(attributes, name)) return false;
  if (value === undefined || value === "") return true;
  const actual = attributes[name];
  return Array.isArray(actual) ? actual.includes(value) : String(actual) === value;
}
