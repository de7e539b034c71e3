"use client";
// The campaign page's "Goal and results": the conversion goal, and per step the results table,
// live while the campaign sends and while its goal window is open (conversions still arrive).
import type { CampaignResults as Data } from "@/lib/campaigns/conversion-results";
import { describeWindow, type GoalSettings } from "@/lib/campaigns/goals";
import { GoalForm } from "./GoalForm";
import { ResultsTable } from "./ResultsTable";
import { useCampaignResults } from "./use-results";
import { useLiveCampaignSending, useLiveCampaignStatus } from "./CampaignLiveStatus";

export function CampaignResults({ campaignId, initial, goal, eventNames, status }: { campaignId: string; initial: Data; goal: GoalSettings; eventNames: string[]; status: string }) {
  const liveStatus = useLiveCampaignStatus(status);
  const { data, error } = useCampaignResults(campaignId, initial, { status: liveStatus, waiting: useLiveCampaignSending(liveStatus === "active") });
  const reachedAnyone = data.steps.some((s) => s.groups.some((g) => g.reached > 0));
  return (
    <section aria-labelledby="results-heading" className="space-y-4 rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:p-5">
      <h2 id="results-heading" className="text-base font-semibold text-slate-900">Goal and results</h2>
      <GoalForm campaignId={campaignId} initial={goal} eventNames={eventNames} />
      {error && <p className="text-sm text-red-700">{(error as Error).message}</p>}
      {data.goal.event ? (
        <p className="text-sm text-slate-600">
          Converted: tracked <strong className="font-medium text-slate-800">{data.goal.event}</strong> within {describeWindow(data.goal.windowHours)} after the first delivered webhook
          (control group: after the time it would have been sent).
        </p>
      ) : (
        <p className="text-sm text-slate-500">Set a goal event to see conversions; the table shows who was reached meanwhile.</p>
      )}
      {!reachedAnyone && <p className="text-sm text-slate-500">No results yet: the table fills in as deliveries are sent.</p>}
      {data.steps.map((step, i) => (
        <ResultsTable
          key={step.actionId}
          step={step}
          minUsers={data.minUsersPerGroup}
          minConversions={data.minConversionsPerGroup}
          caption={data.steps.length > 1 ? `Step ${i + 1}: ${step.name}` : `Results: ${step.name}`}
        />
      ))}
      <p className="text-xs text-slate-500">Method: {data.method}</p>
    </section>
  );
}
