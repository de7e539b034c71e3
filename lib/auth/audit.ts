// The audit log: who changed what (campaign edits, activations, keys, members), shown to admins.
import { db, type Db } from "../db";
import { requireRole } from "./access";
import type { Member } from "./members";

export type AuditEntry = { actor: string; action: string; target?: string | null; details?: Record<string, unknown> };

/**
 * `client`: the engine's own database handle (it records what it does by itself as "system"), or a
 * transaction's, so the entry commits with the change.
 * A plain write: on SQLite, lib/db/sqlite-write-gate.ts keeps it from the engine's open fan-out and
 * from another caller's open transaction (where it met "database is locked").
 */
export async function recordAudit(entry: AuditEntry, client: Pick<Db, "auditLog"> = db()): Promise<void> {
  const data = { actor: entry.actor, action: entry.action, target: entry.target ?? null, details: (entry.details ?? undefined) as never };
  await client.auditLog.create({ data, select: { id: true } });
}

/** Newest first; for admins. */
export async function listAudit(actor: Member, options: { take?: number; cursor?: string } = {}) {
  requireRole(actor, "admin");
  const take = Math.min(options.take ?? 100, 500);
  const rows = await db().auditLog.findMany({
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: take + 1,
    ...(options.cursor ? { cursor: { id: options.cursor }, skip: 1 } : {}),
  });
  return { entries: rows.slice(0, take), nextCursor: rows.length > take ? rows[take - 1]!.id : null };
}
