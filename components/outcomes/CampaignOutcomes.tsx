"use client";
// The campaign page's "Outcomes": progress of a one-off send and the outcome chart, live while it sends.
import type { CampaignOutcomes as Data } from "@/lib/delivery/store/campaign-outcomes";
import { OutcomeChart } from "./OutcomeChart";
import { SendProgress } from "./SendProgress";
import { useCampaignOutcomes } from "./use-outcomes";

export function CampaignOutcomes({ campaignId, initial }: { campaignId: string; initial: Data }) {
  const { data, error } = useCampaignOutcomes(campaignId, initial);
  const { progress, series } = data;
  return (
    <section aria-labelledby="outcomes-heading" className="space-y-4 rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:p-5">
      <h2 id="outcomes-heading" className="text-base font-semibold text-slate-900">Outcomes</h2>
      {error && <p className="text-sm text-red-700">{(error as Error).message}</p>}
      {progress.oneOff && progress.planned > 0 && <SendProgress progress={progress} />}
      {series.points.length ? (
        <OutcomeChart id={`outcomes-${campaignId}`} series={series} label="Deliveries over time by outcome" />
      ) : (
        <p className="text-sm text-slate-500">No outcomes yet: the chart fills in as deliveries are sent.</p>
      )}
    </section>
  );
}
