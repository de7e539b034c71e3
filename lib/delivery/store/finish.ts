// Campaigns finish by themselves once nothing more can come of them: every delivery is final
// (delivered, failed, suppressed, cancelled) and no trigger is left. An immediate or one-off
// scheduled campaign then; a recurring one after its last occurrence; any campaign past its end
// date (a triggered campaign only then). Both engines call finishCampaigns on their periodic tick.
import type { Db } from "../../db";
import { recordAudit } from "../../auth/audit";
import { describeSafely, log } from "../../log";
import { lockRowForUpdate } from "../../db/row-locks";
import { rawDb } from "../../db/raw";
import { SqlParams } from "../../db/raw-sql";
import { tableName } from "../../db/bulk-insert";
import { transaction } from "../../db/transaction";
import { parseDeliveryRule, type DeliveryRule } from "../core/rules";
import { DELIVERY_STATES, FINAL_STATES, WAITING_STATES } from "../core/states";

/** Not final: waiting for their due time or being sent. */
const OPEN_STATES = DELIVERY_STATES.filter((s) => !FINAL_STATES.includes(s));
const PAGE = 500;
/** How long after finishing late arrivals are still swept up (see settleLateArrivals). */
const LATE_ARRIVAL_WINDOW_MS = 10 * 60_000;

export type QuietCampaign = { deliveryRule: unknown; endAt: Date | null; nextRunAt: Date | null };

/**
 * Whether a campaign whose deliveries are all final is done: no trigger can add any more.
 * Pure, so the rule is tested without a database.
 */
export function isDone(campaign: QuietCampaign, now: Date): boolean {
  if (campaign.endAt && campaign.endAt <= now) return true;
  let rule: DeliveryRule;
  try {
    rule = parseDeliveryRule(campaign.deliveryRule);
  } catch {
    return false;
  }
  if (rule.when === "immediate" || rule.when === "scheduled") return true;
  // nextRunAt is null once the last occurrence (end date or N occurrences) has fanned out
  if (rule.when === "recurring") return campaign.nextRunAt === null;
  return false;
}

const quiet = { deliveries: { none: { state: { in: OPEN_STATES } } } };

/** Marks every done active campaign finished (one query per page of quiet campaigns); returns their ids. */
export async function finishCampaigns(prisma: Db, now: Date): Promise<string[]> {
  const finished: string[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await prisma.campaign.findMany({
      where: { status: "active", ...quiet },
      select: { id: true, name: true, deliveryRule: true, endAt: true, nextRunAt: true },
      orderBy: { id: "asc" },
      take: PAGE,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
    });
    for (const campaign of page.filter((c) => isDone(c, now))) {
      // one campaign that cannot be finished now (busy, or the database failed on it) holds up no other
      const done = await finishIfStillQuiet(prisma, campaign).catch((err) => {
        log.warn("Could not finish a campaign; trying again on the next tick", { campaignId: campaign.id, error: describeSafely(err) });
        return false;
      });
      if (!done) continue;
      finished.push(campaign.id);
      log.info("Campaign finished", { campaignId: campaign.id });
      await recordAudit({ actor: "system", action: "campaign.finished", target: campaign.id, details: { name: campaign.name } }, prisma).catch((err) =>
        log.warn("Could not record a finished campaign in the audit log", { campaignId: campaign.id, error: describeSafely(err) }),
      );
    }
    if (page.length < PAGE) break;
    cursor = page[page.length - 1]!.id;
  }
  await settleLateArrivals(prisma, now);
  return finished;
}

/**
 * Finishes one campaign if it is still active, quiet and at the same occurrence; a fan-out or a
 * retry that came meanwhile wins. The campaign's row is locked first (FOR NO KEY UPDATE: a fan-out
 * inserting deliveries for it does not block it; a retry holding it makes this tick skip it) and its deliveries counted in
 * a statement of their own after that: a retry by hand locks the same row before it reopens failed
 * deliveries (lifecycle.ts), so on PostgreSQL (READ COMMITTED) either the retry commits first and
 * the count sees its deliveries, or the campaign finishes first and the retry makes it active again.
 * (One UPDATE with the condition in it checked the deliveries as of its start: a retry committed
 * while it waited for the row left a finished campaign with a delivery to send, later suppressed.)
 */
async function finishIfStillQuiet(prisma: Db, campaign: { id: string; nextRunAt: Date | null }): Promise<boolean> {
  return transaction(
    async (tx) => {
      // held by a retry (or another finisher): left for the next tick rather than waited for
      if (!(await lockRowForUpdate(tx, "Campaign", campaign.id, { skipIfLocked: true }))) return false;
      const open = await tx.delivery.findFirst({ where: { campaignId: campaign.id, state: { in: OPEN_STATES } }, select: { id: true } });
      if (open) return false;
      const done = await tx.campaign.updateMany({ where: { id: campaign.id, status: "active", nextRunAt: campaign.nextRunAt }, data: { status: "finished" } });
      return done.count === 1;
    },
    { client: prisma },
  );
}

/**
 * An event read the campaign as active just before it finished and wrote its deliveries just
 * after: nothing sends for a finished campaign, so they are suppressed rather than left waiting.
 */
async function settleLateArrivals(prisma: Db, now: Date) {
  const recent = await prisma.campaign.findMany({
    where: { status: "finished", updatedAt: { gte: new Date(Math.min(now.getTime(), Date.now()) - LATE_ARRIVAL_WINDOW_MS) } },
    select: { id: true },
  });
  if (recent.length === 0) return;
  const p = new SqlParams();
  const set = `"state" = 'suppressed', "reason" = 'The campaign had finished', "lockedBy" = NULL, "lockedUntil" = NULL, "updatedAt" = ${p.add("date", new Date())}`;
  const sql =
    `UPDATE ${tableName("Delivery")} SET ${set} WHERE ${p.among(`"campaignId"`, "text", recent.map((c) => c.id))} AND ${p.among(`"state"`, "text", WAITING_STATES)}` +
    // the status again in this statement: a retry by hand may have reopened the campaign meanwhile
    ` AND "campaignId" IN (SELECT "id" FROM ${tableName("Campaign")} WHERE "status" = 'finished')`;
  await rawDb(prisma).transaction([{ sql, values: p.values }]);
}
