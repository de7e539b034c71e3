"use client";
// The campaign page's status as it is now, not as it was when the page was rendered: one
// react-query of the campaign's outcomes (GET /api/campaigns/:id/outcomes, which carries the status
// and the send's progress) polled while the campaign sends, shared by the header, the Delivery
// section, the outcomes and the results. It stops polling once nothing can change by itself (a
// draft, or a finished campaign with nothing waiting).
import { useQueryClient } from "@tanstack/react-query";
import { createContext, useContext, useEffect, useMemo, type ReactNode } from "react";
import { deliveryKeys } from "@/lib/delivery/query-keys";
import type { CampaignOutcomes } from "@/lib/delivery/store/campaign-outcomes";
import { useCampaignOutcomes } from "./use-outcomes";
import type { LiveWaiting } from "../useResultLine";
import { useRefreshOtherOnChange } from "../delivery/use-refresh-other";

// `live`: active, or deliveries still waiting (the outcomes' `live`)
const LiveStatus = createContext<{ status: string; live: boolean; waiting: LiveWaiting } | null>(null);

export function CampaignLiveStatus({ campaignId, initial, children }: { campaignId: string; initial: CampaignOutcomes; children: ReactNode }) {
  const queryClient = useQueryClient();
  const { data, dataUpdatedAt } = useCampaignOutcomes(campaignId, initial);
  // A newer server render (Activate, Pause and Resume refresh the page) replaces what the cache holds,
  // so polling starts at once after an activation rather than waiting for the data to say so.
  useEffect(() => {
    queryClient.setQueryData(deliveryKeys.outcomes(campaignId), initial);
  }, [queryClient, campaignId, initial]);
  // the delivery log reads again when the outcomes read a change, so the two numbers agree (use-refresh-other.ts)
  useRefreshOtherOnChange({ scope: "", value: JSON.stringify(data.progress), at: dataUpdatedAt }, `outcomes:${campaignId}`, {
    name: `log:${campaignId}`,
    queryKey: deliveryKeys.lists,
  });
  const status = data.progress.status;
  const live = data.live;
  const waiting = data.progress.waiting;
  const value = useMemo(() => ({ status, live, waiting: { waiting, readAt: dataUpdatedAt } }), [status, live, waiting, dataUpdatedAt]);
  return <LiveStatus.Provider value={value}>{children}</LiveStatus.Provider>;
}

/** The campaign's live status inside CampaignLiveStatus; elsewhere (a new campaign) `rendered`, the status the page was rendered with. */
export function useLiveCampaignStatus<T extends string | undefined>(rendered: T): T | string {
  return useContext(LiveStatus)?.status ?? rendered;
}

/** Whether deliveries may still go out by themselves (active, or some waiting); `rendered` outside CampaignLiveStatus. */
export function useLiveCampaignSending(rendered: boolean): boolean {
  return useContext(LiveStatus)?.live ?? rendered;
}

/** The campaign's deliveries still waiting, as last read (for a result line that tells of them: useResultLine); null outside CampaignLiveStatus. */
export function useLiveCampaignWaiting(): LiveWaiting | null {
  return useContext(LiveStatus)?.waiting ?? null;
}
