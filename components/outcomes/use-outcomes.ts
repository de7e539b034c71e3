"use client";
// Outcome charts' data, refetched while something is sending (react-query; keys in lib/delivery/query-keys.ts).
import { useQuery } from "@tanstack/react-query";
import type { CampaignOutcomes } from "@/lib/delivery/store/campaign-outcomes";
import type { ActivityOutcomes } from "@/lib/delivery/store/outcome-series";
import { deliveryKeys } from "@/lib/delivery/query-keys";

/** How often a chart refreshes while deliveries are on their way. */
export const LIVE_REFETCH_MS = 3000;

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { cache: "no-store" });
  if (!res.ok) throw new Error((await res.json().catch(() => null))?.message ?? `The outcomes could not be loaded (HTTP ${res.status}).`);
  return res.json();
}

/** Polled while the campaign is active or has deliveries waiting (`live`); a draft or finished campaign is not. */
export function useCampaignOutcomes(campaignId: string, initialData: CampaignOutcomes) {
  return useQuery({
    queryKey: deliveryKeys.outcomes(campaignId),
    queryFn: () => getJson<CampaignOutcomes>(`/api/campaigns/${encodeURIComponent(campaignId)}/outcomes`),
    initialData,
    refetchInterval: (query) => (query.state.data?.live ? LIVE_REFETCH_MS : false),
  });
}

export function useActivityOutcomes(initialData: ActivityOutcomes) {
  return useQuery({
    queryKey: deliveryKeys.outcomes(),
    queryFn: () => getJson<ActivityOutcomes>("/api/outcomes"),
    initialData,
    refetchInterval: LIVE_REFETCH_MS + 2000,
  });
}
