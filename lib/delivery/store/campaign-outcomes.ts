// One campaign's outcomes as its page shows them: the progress of a one-off send (delivered of
// planned) and the chart's series. `live` says whether the numbers may still change soon.
import { db } from "../../db";
import { DELIVERY_STATES, type DeliveryState } from "../core/states";
import { outcomeSeries, type OutcomeSeries } from "./outcome-series";
import { deliveryRuleSchema } from "../core/rules";

export type CampaignProgress = {
  status: string;
  /** immediate or scheduled: one send to the audience, so progress towards an end means something */
  oneOff: boolean;
  /** deliveries planned and not cancelled */
  planned: number;
  delivered: number;
  failed: number;
  suppressed: number;
  /** scheduled, sending or retrying: still to happen */
  waiting: number;
};

export type CampaignOutcomes = { progress: CampaignProgress; series: OutcomeSeries; live: boolean };

export async function campaignOutcomes(campaignId: string): Promise<CampaignOutcomes | null> {
  const campaign = await db().campaign.findUnique({ where: { id: campaignId }, select: { id: true, status: true, deliveryRule: true } });
  return campaign && campaignOutcomesOf(campaign);
}

/** campaignOutcomes's, from the campaign's row already read (its page's). */
export async function campaignOutcomesOf(campaign: { id: string; status: string; deliveryRule: unknown }): Promise<CampaignOutcomes> {
  const campaignId = campaign.id;
  const [counts, series] = await Promise.all([exactCounts(campaignId), outcomeSeries({ campaignId })]);
  const rule = deliveryRuleSchema.safeParse(campaign.deliveryRule);
  const waiting = counts.scheduled + counts.sending + counts.retrying;
  const progress: CampaignProgress = {
    status: campaign.status,
    oneOff: rule.success && (rule.data.when === "immediate" || rule.data.when === "scheduled"),
    planned: counts.total - counts.cancelled,
    delivered: counts.delivered,
    failed: counts.failed,
    suppressed: counts.suppressed,
    waiting,
  };
  return { progress, series, live: campaign.status === "active" || waiting > 0 };
}

/**
 * The campaign's deliveries by state, every one counted: a progress bar needs exact numbers, unlike
 * the log's counts (log-counts.ts, capped). Its cost grows with the campaign (bench/RESULTS.md, "The
 * live delivery log at scale"); the page reads it every 3 s only while the campaign is live.
 */
async function exactCounts(campaignId: string): Promise<Record<DeliveryState, number> & { total: number }> {
  const groups = await db().delivery.groupBy({ by: ["state"], where: { campaignId }, _count: { _all: true } });
  const counts = Object.fromEntries(DELIVERY_STATES.map((s) => [s, 0])) as Record<DeliveryState, number>;
  let total = 0;
  for (const g of groups) {
    counts[g.state as DeliveryState] = g._count._all;
    total += g._count._all;
  }
  return { ...counts, total };
}
