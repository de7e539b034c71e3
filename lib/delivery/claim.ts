// Claiming due deliveries: a worker marks a batch "sending" with its id and a lease (lockedUntil)
// in one guarded UPDATE, so two workers never hold the same row, and a crashed worker's rows come
// back once the lease runs out. Leases are renewed while work is in flight.
import type { Db } from "../db";
import { env } from "../env";
import { encode, tableName } from "./bulk-insert";

export type ClaimOptions = {
  workerId: string;
  now: Date;
  leaseMs: number;
  limit: number;
  ids?: string[];
  webhookIds?: string[];
  /** also take over deliveries whose lease ran out (LeaseKeeper.mayTakeOver); default true */
  takeOver?: boolean;
};

function claimable(now: Date, takeOver: boolean) {
  return {
    dueAt: { lte: now },
    OR: [{ state: { in: ["scheduled", "retrying"] } }, ...(takeOver ? [{ state: "sending", lockedUntil: { lt: now } }] : [])],
  };
}

export type ClaimedDelivery = Awaited<ReturnType<typeof claimDue>>[number];

export async function claimDue(prisma: Db, options: ClaimOptions) {
  const { now, workerId, leaseMs, limit, ids, webhookIds, takeOver = true } = options;
  const candidates = await prisma.delivery.findMany({
    where: {
      ...claimable(now, takeOver),
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
    where: { id: { in: candidates.map((c) => c.id) }, ...claimable(now, takeOver) },
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

/**
 * Whether a lease renewal must wait for the worker's result writes (Recorder.exclusive). On
 * PostgreSQL it skips the rows a write holds locked (they are leaving "sending" anyway), so it
 * neither waits for nor deadlocks with one, and goes out on time however busy the writes are.
 */
export function renewalWaitsForWrites(): boolean {
  return env().database.provider !== "postgresql";
}

/**
 * Extends the leases of `ids`, the deliveries this worker knows it holds. Not "everything locked
 * by me": a claim whose commit succeeded while its answer was lost (the database went away) left
 * rows this worker never sends, and renewing them would keep them from everyone forever.
 */
export async function renewLeases(prisma: Db, workerId: string, ids: string[], now: Date, leaseMs: number) {
  const until = new Date(now.getTime() + leaseMs);
  for (let i = 0; i < ids.length; i += 1000) {
    const chunk = ids.slice(i, i + 1000);
    if (!renewalWaitsForWrites()) {
      const table = tableName("Delivery");
      const list = chunk.map((_, j) => `$${j + 3}`).join(",");
      await prisma.$executeRawUnsafe(
        `UPDATE ${table} SET "lockedUntil" = $1::timestamp(3) WHERE "id" IN ` +
          `(SELECT "id" FROM ${table} WHERE "id" IN (${list}) AND "lockedBy" = $2 AND "state" = 'sending' FOR UPDATE SKIP LOCKED)`,
        encode("date", until, false),
        workerId,
        ...chunk,
      );
    } else {
      await prisma.delivery.updateMany({ where: { id: { in: chunk }, lockedBy: workerId, state: "sending" }, data: { lockedUntil: until } });
    }
  }
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
