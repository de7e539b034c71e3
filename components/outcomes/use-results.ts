"use client";
// The results table's data, refetched while its numbers can still change (react-query; keys in
// lib/campaigns/query-keys.ts; the beat: lib/campaigns/results-refresh.ts).
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import type { CampaignResults } from "@/lib/campaigns/conversion-results";
import { campaignKeys } from "@/lib/campaigns/query-keys";
import { resultsRefetchMs } from "@/lib/campaigns/results-refresh";

async function getResults(campaignId: string): Promise<CampaignResults> {
  const res = await fetch(`/api/campaigns/${encodeURIComponent(campaignId)}/results`, { cache: "no-store" });
  if (!res.ok) throw new Error((await res.json().catch(() => null))?.error?.message ?? `The results could not be loaded (HTTP ${res.status}).`);
  return res.json();
}

/** `status` and `waiting`: the campaign's live state (CampaignLiveStatus), which decides the beat with the data's goal window. */
export function useCampaignResults(campaignId: string, initialData: CampaignResults, { status, waiting }: { status: string; waiting: boolean }) {
  const queryClient = useQueryClient();
  const query = useQuery({
    queryKey: campaignKeys.results(campaignId),
    queryFn: () => getResults(campaignId),
    initialData,
    refetchInterval: (q) => resultsRefetchMs({ status, waiting, goalOpenUntil: q.state.data?.goalOpenUntil ?? null }, Date.now()),
  });
  // A change of state (activated, finished, paused) refetches once at once: a send that finishes
  // between two beats, or before the first, still shows its deliveries without a reload.
  const seen = useRef(`${status}/${waiting}`);
  useEffect(() => {
    const now = `${status}/${waiting}`;
    if (seen.current === now) return;
    seen.current = now;
    void queryClient.invalidateQueries({ queryKey: campaignKeys.results(campaignId) });
  }, [queryClient, campaignId, status, waiting]);
  return query;
}
