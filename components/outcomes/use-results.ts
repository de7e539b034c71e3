"use client";
// The results table's data, refetched while the campaign sends (react-query; keys in lib/campaigns/query-keys.ts).
import { useQuery } from "@tanstack/react-query";
import type { CampaignResults } from "@/lib/campaigns/conversion-results";
import { campaignKeys } from "@/lib/campaigns/query-keys";

/** Conversions trail deliveries: a slower beat than the outcome chart's. */
export const RESULTS_REFETCH_MS = 10_000;

async function getResults(campaignId: string): Promise<CampaignResults> {
  const res = await fetch(`/api/campaigns/${encodeURIComponent(campaignId)}/results`, { cache: "no-store" });
  if (!res.ok) throw new Error((await res.json().catch(() => null))?.error?.message ?? `The results could not be loaded (HTTP ${res.status}).`);
  return res.json();
}

export function useCampaignResults(campaignId: string, initialData: CampaignResults, sending: boolean) {
  return useQuery({
    queryKey: campaignKeys.results(campaignId),
    queryFn: () => getResults(campaignId),
    initialData,
    refetchInterval: sending ? RESULTS_REFETCH_MS : false,
  });
}
