// Recurring campaigns: when an occurrence comes due, its deliveries fan out to the audience of
// that moment. The campaign row is advanced (nextRunAt, occurrences) in the same transaction,
// guarded by its old nextRunAt, so two workers never fan out the same occurrence.
import type { Db } from "../../db";
import { rawDb } from "../../db/raw";
import { tableName } from "../../db/bulk-insert";
import { SqlParams } from "../../db/raw-sql";
import { campaignStepsIn, fanOutToAudience } from "./fan-out";
import { parseDeliveryRule, type DeliveryRule } from "../core/rules";
import { recurringRuns } from "../core/schedule-time";
import { describeSafely, log } from "../../log";

/** Fans out every due occurrence; returns when the deliveries it planned come due (ms, each time once). */
export async function runDueOccurrences(prisma: Db, now: Date): Promise<Set<number>> {
  const due = await prisma.campaign.findMany({
    where: { status: "active", nextRunAt: { lte: now } },
    take: 20,
  });
  const dueTimes = new Set<number>();
  for (const campaign of due) {
    try {
      const rule = readRule(campaign);
      const pending = campaign.nextRunAt;
      if (!pending) continue;
      if (rule?.when !== "recurring") {
        // not (or no longer) a recurring rule: its run would hold one of the 20 places above at every tick
        await prisma.campaign.updateMany({ where: { id: campaign.id, nextRunAt: pending }, data: { nextRunAt: null } });
        continue;
      }
      const { runs, next } = recurringRuns(rule, now, pending, campaign.occurrences);
      if (runs[0]!.at > pending) log.info("A recurring campaign's missed occurrences were skipped: only the latest is sent (and those still under way in some zone)", { campaignId: campaign.id, due: pending.toISOString(), sent: runs.map((r) => r.at.toISOString()) });
      // raw SQL (lib/db/raw.ts), as the fan-out in the same transaction is
      await rawDb(prisma).interactive(async (tx) => {
        const p = new SqlParams();
        // after the last occurrence nextRunAt is null; the campaign stays active until its deliveries are out
        const set = `"nextRunAt" = ${p.add("date", next)}, "occurrences" = ${p.add("int", campaign.occurrences + runs.length)}, "updatedAt" = ${p.add("date", new Date())}`;
        const guard = `"id" = ${p.add("text", campaign.id)} AND "nextRunAt" = ${p.add("date", pending)} AND "status" = 'active'`;
        const advanced = await tx.run(`UPDATE ${tableName("Campaign")} SET ${set} WHERE ${guard}`, p.values);
        if (advanced === 0) return;
        // read under the campaign's row: a webhook deleted since the read above is left out (its
        // deliveries failed the foreign key, and the run with them)
        const actions = await campaignStepsIn(tx, campaign.id);
        for (const run of runs) {
          const counts = await fanOutToAudience(tx, { ...campaign, rule, actions }, { kind: "occurrence", ...run }, now);
          for (const t of counts.dueTimes) dueTimes.add(t);
        }
      });
    } catch (err) {
      log.error("A recurring occurrence could not be planned", { campaignId: campaign.id, error: describeSafely(err) });
    }
  }
  return dueTimes;
}

/** The campaign's rule, or null (logged) when it cannot be read. */
function readRule(campaign: { id: string; deliveryRule: unknown }): DeliveryRule | null {
  try {
    return parseDeliveryRule(campaign.deliveryRule);
  } catch (err) {
    log.error("A recurring campaign's rule cannot be read: its runs stop", { campaignId: campaign.id, error: describeSafely(err) });
    return null;
  }
}
