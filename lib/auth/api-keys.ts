// API keys: `hk_live_<random>` shown once at creation, stored as a sha256 hash with a name, a role
// and a last-used time. A revoked key stays listed (greyed out) but never authenticates again.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { db } from "../db";
import { rawDb } from "../db/raw";
import { tableName } from "../db/bulk-insert";
import { nullableDateOf, SqlParams } from "../db/raw-sql";
import { isUniqueViolation } from "../db/unique-violation";
import { log } from "../log";
import { requireRole } from "./access";
import { recordAudit } from "./audit";
import type { Member } from "./members";
import { effectiveRole, isMemberRole, isRole, roleAllows, type Role } from "./roles";

export const API_KEY_PREFIX = "hk_live_";
// lastUsedAt is written at most this often per key, so a busy key does not write on every request.
const LAST_USED_RESOLUTION_MS = 60_000;

/** createdBy: the member's email; null for the bootstrap key and keys made before it was recorded */
export type ApiKeySummary = { id: string; name: string; role: Role; prefix: string; lastUsedAt: Date | null; revokedAt: Date | null; createdAt: Date; createdBy: string | null };
export type AuthenticatedKey = { id: string; name: string; role: Role };

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

function newKeyValue(): string {
  return API_KEY_PREFIX + randomBytes(24).toString("base64url");
}

/** The part of a key safe to show again: its prefix and first characters. */
function displayPrefix(key: string): string {
  return key.slice(0, API_KEY_PREFIX.length + 4);
}

/** Creates a key for an admin (the owner too), its creator; the returned `key` is the only time its value exists outside the caller. */
export async function createApiKey(input: { name: string; role: Role }, actor: Member): Promise<{ key: string; apiKey: ApiKeySummary }> {
  requireRole(actor, "admin");
  // createdBy: removing that member, or lowering their role, revokes the key (lib/auth/members.ts)
  return insertApiKey({ name: input.name, role: input.role, value: newKeyValue() }, actor.email);
}

/**
 * A key Hookline makes by itself, with no member behind it: the bootstrap key (bootstrapApiKey), and
 * tests' keys (lib/api/testing.ts). It stands on its own (no creator) and is audited as "system".
 * Not for app/ or components/ (eslint.config.mjs refuses the import there): a member's key goes
 * through createApiKey and its admin check.
 */
export async function createSystemApiKey(input: { name: string; role: Role; value?: string }): Promise<{ key: string; apiKey: ApiKeySummary }> {
  return insertApiKey({ name: input.name, role: input.role, value: input.value ?? newKeyValue() }, null);
}

async function insertApiKey(input: { name: string; role: Role; value: string }, createdBy: string | null): Promise<{ key: string; apiKey: ApiKeySummary }> {
  const key = input.value;
  const row = await db().apiKey.create({ data: { name: input.name.trim() || "API key", role: input.role, hash: hashApiKey(key), prefix: displayPrefix(key), createdBy } });
  await recordAudit({ actor: createdBy ?? "system", action: "api_key.created", target: row.id, details: { name: row.name, role: row.role } });
  return { key, apiKey: summary(row) };
}

/** Every key, revoked ones too, newest first: for admins. */
export async function listApiKeys(actor: Member): Promise<ApiKeySummary[]> {
  requireRole(actor, "admin");
  const rows = await db().apiKey.findMany({ orderBy: { createdAt: "desc" } });
  return rows.map(summary);
}

/** Revokes a live key for an admin (the owner too); false when it was revoked already or is unknown. */
export async function revokeApiKey(id: string, actor: Member): Promise<boolean> {
  requireRole(actor, "admin");
  const res = await db().apiKey.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
  if (res.count) await recordAudit({ actor: actor.email, action: "api_key.revoked", target: id });
  return res.count > 0;
}

/**
 * Whether the member who created a key still holds its role: they are a member, at the key's role or
 * above. Removing or demoting them revokes such keys (members.ts); this also refuses a key created
 * in the moment of their removal or demotion. Keys with no recorded creator (the bootstrap key, keys
 * made before 2026-12-05) stand on their own.
 */
function creatorStillAllows(key: { role: string; createdBy: string | null; creatorRole: string | null }): boolean {
  if (key.createdBy === null) return true;
  return isMemberRole(key.creatorRole) && isRole(key.role) && roleAllows(effectiveRole(key.creatorRole), key.role);
}

/** The key a bearer value belongs to, or null when unknown, revoked, or its creator may no longer make it. */
export async function verifyApiKey(value: string, now = new Date()): Promise<AuthenticatedKey | null> {
  if (!value.startsWith(API_KEY_PREFIX) || value.length > 200) return null;
  const hash = hashApiKey(value);
  // raw SQL: every API request comes through here, and a Prisma query compiles on the event loop
  const p = new SqlParams();
  // with its creator's role now: a key speaks for a member only while they may still make it
  const sql =
    `SELECT k."id", k."name", k."role", k."hash", k."lastUsedAt", k."revokedAt", k."createdBy", m."role" AS "creatorRole" FROM ${tableName("ApiKey")} k ` +
    `LEFT JOIN ${tableName("Member")} m ON m."email" = k."createdBy" WHERE k."hash" = ${p.add("text", hash)}`;
  const [found] = await rawDb(db()).query<{ id: string; name: string; role: string; hash: string; lastUsedAt: unknown; revokedAt: unknown; createdBy: string | null; creatorRole: string | null }>(sql, p.values);
  if (!found || found.revokedAt !== null) return null;
  if (!creatorStillAllows(found)) return null;
  const row = { ...found, lastUsedAt: nullableDateOf(found.lastUsedAt) };
  // The lookup is by hash already; compare again in constant time as a belt and braces.
  if (!timingSafeEqual(Buffer.from(row.hash), Buffer.from(hash))) return null;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    const u = new SqlParams();
    const update = `UPDATE ${tableName("ApiKey")} SET "lastUsedAt" = ${u.add("date", now)} WHERE "id" = ${u.add("text", row.id)}`;
    await rawDb(db()).transaction([{ sql: update, values: u.values }]).catch(() => undefined);
  }
  return { id: row.id, name: row.name, role: row.role as Role };
}

/** HOOKLINE_BOOTSTRAP_API_KEY on a start with no keys yet: an admin key with exactly that value. */
export async function bootstrapApiKey(value: string | undefined): Promise<boolean> {
  if (!value) return false;
  if (!value.startsWith(API_KEY_PREFIX) || value.length < API_KEY_PREFIX.length + 16) {
    throw new Error(`HOOKLINE_BOOTSTRAP_API_KEY must start with ${API_KEY_PREFIX} followed by at least 16 characters`);
  }
  if ((await db().apiKey.count()) > 0) return false;
  try {
    await createSystemApiKey({ name: "Bootstrap key", role: "admin", value });
  } catch (err) {
    // web processes started at once with the same key: the first one created it
    if (isUniqueViolation(err)) return false;
    throw err;
  }
  log.info("Created the admin API key from HOOKLINE_BOOTSTRAP_API_KEY");
  return true;
}

function summary(row: { id: string; name: string; role: string; prefix: string; lastUsedAt: Date | null; revokedAt: Date | null; createdAt: Date; createdBy: string | null }): ApiKeySummary {
  return { id: row.id, name: row.name, role: row.role as Role, prefix: row.prefix, lastUsedAt: row.lastUsedAt, revokedAt: row.revokedAt, createdAt: row.createdAt, createdBy: row.createdBy };
}
