// A host's breaker hold as its rows tell it. The breaker itself lives in the engine that sends (this
// process's embedded engine, or a worker elsewhere); every hold it makes is written to the host's rows
// (retrying, "Host on hold: …", due at the next try: dispatcher's "pause"), so the rows are what every
// process can read, and what a close of the breaker releases.
import { db, type Db } from "../../db";
import { BREAKER_REASON_PREFIX } from "../core/hold-reason";

// A hold pushes its rows to the breaker's next try, at most its rest (core/breaker.ts, a minute) ahead:
// a held row is due within this of now. Delivery has no index on host: the lookups read the (state,
// dueAt) index over this window of retrying rows, not every retrying row of every host (review)
const HOLD_HORIZON_MS = 10 * 60_000;

const heldByBreaker = (host: string, now: Date) => ({
  host,
  state: "retrying" as const,
  reason: { startsWith: BREAKER_REASON_PREFIX },
  dueAt: { gt: now, lte: new Date(now.getTime() + HOLD_HORIZON_MS) },
});

/** The host of `deliveryId` and the next try its breaker gave, while that is still to come; null when its host is not on hold. */
export async function hostHoldOf(deliveryId: string, now = new Date()): Promise<{ host: string; until: Date } | null> {
  const row = await db().delivery.findUnique({ where: { id: deliveryId }, select: { host: true } });
  if (!row?.host) return null;
  const held = await db().delivery.findFirst({ where: heldByBreaker(row.host, now), orderBy: { dueAt: "asc" }, select: { dueAt: true } });
  return held ? { host: row.host, until: held.dueAt } : null;
}

/**
 * The host's breaker closed (its trial was answered): the rows it held are due now, not each at the next
 * try it pushed them to; their hold's reason goes, as a send would replace it. How many were released.
 */
export async function releaseHostHold(prisma: Db, host: string, now: Date): Promise<number> {
  // rows a hold pushed are due after now (one due already goes without being released)
  const { count } = await prisma.delivery.updateMany({ where: heldByBreaker(host, now), data: { dueAt: now, reason: null, updatedAt: now } });
  return count;
}
