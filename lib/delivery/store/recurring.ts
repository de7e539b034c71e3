// Recurring campaigns: when an occurrence comes due, its deliveries fan out to the audience of
// that moment. The campaign row is advanced (nextRunAt, occurrences) in the same transaction,
// guarded by its old nextRunAt, so two workers never fan out the same occurrence.
import type { Db } from "../../db";
import { rawDb } from "../../db/raw";
import { tableName } from "../../db/bulk-insert";
import { SqlParams } from "../../db/raw-sql";
import { fanOutToAudience } from "./fan-out";
import { parseDeliveryRule } from "../core/rules";
import { nextOccurrence } from "../core/schedule-time";
import { describeSafely, log } from "../../log";
import { planSteps } from "../core/plan";

/** Fans out every due occurrence; returns when the deliveries it planned come due (ms, each time once). */
export async function runDueOccurrences(prisma: Db, now: Date): Promise<Set<number>> {
  const due = await prisma.campaign.findMany({
    where: { status: "active", nextRunAt: { lte: now } },
    include: { actions: { orderBy: { position: "asc" } } },
    take: 20,
  });
  const dueTimes = new Set<number>();
  for (const campaign of due) {
    try {
      const rule = parseDeliveryRule(campaign.deliveryRule);
      if (rule.when !== "recurring" || !campaign.nextRunAt) continue;
      const at = campaign.nextRunAt;
      const occurrences = campaign.occurrences + 1;
      const following = nextOccurrence(rule, at, occurrences);
      // raw SQL (lib/db/raw.ts), as the fan-out in the same transaction is
      await rawDb(prisma).interactive(async (tx) => {
        const p = new SqlParams();
        // after the last occurrence nextRunAt is null; the campaign stays active until its deliveries are out
        const set = `"nextRunAt" = ${p.add("date", following)}, "occurrences" = ${p.add("int", occurrences)}, "updatedAt" = ${p.add("date", new Date())}`;
        const guard = `"id" = ${p.add("text", campaign.id)} AND "nextRunAt" = ${p.add("date", at)} AND "status" = 'active'`;
        const advanced = await tx.run(`UPDATE ${tableName("Campaign")} SET ${set} WHERE ${guard}`, p.values);
        if (advanced === 0) return;
        const actions = planSteps(campaign.actions);
        const counts = await fanOutToAudience(tx, { ...campaign, rule, actions }, { kind: "occurrence", at }, now);
        for (const t of counts.dueTimes) dueTimes.add(t);
      });
    } catch (err) {
      log.error("A recurring occurrence could not be planned", { campaignId: campaign.id, error: describeSafely(err) });
    }
  }
  return dueTimes;
}
