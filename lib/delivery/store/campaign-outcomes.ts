// One campaign's outcomes as its page shows them: the progress of a one-off send (delivered of
// planned) and the chart's series. `live` says whether the numbers may still change soon.
import { db } from "../../db";
import { deliveryCounts } from "./log-queries";
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
  const campaign = await db().campaign.findUnique({ where: { id: campaignId }, select: { status: true, deliveryRule: true } });
  if (!campaign) return null;
  const [counts, series] = await Promise.all([deliveryCounts(campaignId), outcomeSeries({ campaignId })]);
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
