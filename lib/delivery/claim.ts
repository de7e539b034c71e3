// Claiming due deliveries: a worker marks a batch "sending" with its id and a lease (lockedUntil)
// in one guarded UPDATE, so two workers never hold the same row, and a crashed worker's rows come
// back once the lease runs out. Leases are renewed while work is in flight.
import type { Db } from "../db";

export type ClaimOptions = { workerId: string; now: Date; leaseMs: number; limit: number; ids?: string[]; webhookIds?: string[] };

function claimable(now: Date) {
  return {
    dueAt: { lte: now },
    OR: [{ state: { in: ["scheduled", "retrying"] } }, { state: "sending", lockedUntil: { lt: now } }],
  };
}

export type ClaimedDelivery = Awaited<ReturnType<typeof claimDue>>[number];

export async function claimDue(prisma: Db, options: ClaimOptions) {
  const { now, workerId, leaseMs, limit, ids, webhookIds } = options;
  const candidates = await prisma.delivery.findMany({
    where: {
      ...claimable(now),
      campaign: { status: "active" },
      ...(ids ? { id: { in: ids } } : {}),
      ...(webhookIds ? { webhookId: { in: webhookIds } } : {}),
    },
    orderBy: { dueAt: "asc" },
    take: limit,
    select: { id: true },
  });
  if (candidates.length === 0) return [];
  // The same conditions again in the UPDATE: whoever updates first wins, the other gets nothing.
  return prisma.delivery.updateManyAndReturn({
    where: { id: { in: candidates.map((c) => c.id) }, ...claimable(now) },
    data: { state: "sending", lockedBy: workerId, lockedUntil: new Date(now.getTime() + leaseMs) },
    select: {
      id: true,
      webhookId: true,
      campaignId: true,
      actionId: true,
      userId: true,
      eventData: true,
      plannedAt: true,
      attempts: true,
    },
  });
}

/** Extends the lease of everything this worker still holds. */
export async function renewLeases(prisma: Db, workerId: string, now: Date, leaseMs: number) {
  await prisma.delivery.updateMany({
    where: { lockedBy: workerId, state: "sending" },
    data: { lockedUntil: new Date(now.getTime() + leaseMs) },
  });
}

/** Gives back rows this worker claimed but will not send (shutting down): due again at once. */
export async function releaseLeases(prisma: Db, workerId: string, ids?: string[]) {
  await prisma.delivery.updateMany({
    where: { lockedBy: workerId, state: "sending", ...(ids ? { id: { in: ids } } : {}) },
    data: { state: "scheduled", lockedBy: null, lockedUntil: null },
  });
}

/** The earliest due time of anything waiting, so an idle engine knows how long it may sleep. */
export async function earliestDue(prisma: Db): Promise<Date | null> {
  const row = await prisma.delivery.findFirst({
    where: { state: { in: ["scheduled", "retrying"] }, campaign: { status: "active" } },
    orderBy: { dueAt: "asc" },
    select: { dueAt: true },
  });
  return row?.dueAt ?? null;
}
