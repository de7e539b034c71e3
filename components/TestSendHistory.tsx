"use client";
import { DateTime } from "./ui/DateTime";
import { useSyncExternalStore } from "react";
import { useQuery } from "@tanstack/react-query";
import { campaignKeys } from "@/lib/campaigns/query-keys";
import type { TestSendView } from "@/lib/campaigns/test-sends";
import { statusText } from "./TestSendResult";
import { Card } from "./ui/Card";
import { draftTestSendsLostReason, subscribeDraftTestSendsLost } from "./draft-test-sends-lost";

function historyTone(s: TestSendView) {
  if (s.outcome === "delivered") return "text-emerald-700";
  if (s.status) return "text-amber-700";
  // {{required}} skipped the sample user: neither the receiver's fault nor the campaign's
  if (s.outcome === "skipped") return "text-slate-600";
  return "text-red-700";
}

/** The saved webhook's last test sends (its variants' too, each labelled), newest first; picking one shows it in the result panel. */
export function TestSendHistory({ actionId, actionName, onSelect }: { actionId: string; actionName: string; onSelect: (send: TestSendView) => void }) {
  const query = useQuery({
    queryKey: campaignKeys.testSends(actionId),
    queryFn: async (): Promise<TestSendView[]> => {
      const response = await fetch(`/api/test-sends?actionId=${encodeURIComponent(actionId)}`);
      if (!response.ok) throw new Error("Could not load the test sends.");
      return response.json();
    },
  });
  const sends = query.data ?? [];
  // the test sends made before the first save that the save could not keep: said, not silently lost
  const lost = useSyncExternalStore(subscribeDraftTestSendsLost, () => draftTestSendsLostReason(actionId), () => null);
  return (
    <Card title="Recent test sends" description={`Of “${actionName}”, newest first. The last 50 are kept.`} labelledBy="test-sends-title">
      {lost && (
        <p role="alert" className="mb-3 rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-900">
          These test sends could not be kept with the campaign: {lost}
        </p>
      )}
      {query.isError && <p className="text-sm text-red-700">{query.error.message}</p>}
      {!query.isError && sends.length === 0 && <p className="text-sm text-slate-500">{query.isPending ? "Loading…" : "No test sends yet."}</p>}
      {sends.length > 0 && (
        <ul className="-my-1 divide-y divide-slate-100">
          {sends.map((s) => (
            <li key={s.id}>
              <button
                type="button"
                onClick={() => onSelect(s)}
                className="flex w-full flex-wrap items-center gap-x-3 gap-y-0.5 rounded-md px-1 py-2 text-left text-sm hover:bg-slate-50"
              >
                <span className={`font-medium ${historyTone(s)}`}>{s.status ? statusText(s) : s.outcome === "sending" ? "Sending" : s.outcome === "skipped" ? "Skipped" : "Failed"}</span>
                {s.variant && <span className="rounded bg-slate-100 px-1.5 text-xs font-medium text-slate-700">Variant {s.variant}</span>}
                <span className="min-w-0 flex-1 truncate text-slate-600">{s.error ?? s.request?.url ?? ""}</span>
                <DateTime value={s.createdAt} className="text-xs text-slate-500" />
              </button>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
