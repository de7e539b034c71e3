"use client";
// Test sends made of a webhook before its first save (it has no id yet) are kept by no webhook: once a
// save gives it an id, they join its Recent test sends, so the result just seen does not vanish on Save.
import { useEffect, useRef } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { attachDraftTestSendsAction } from "@/app/campaigns/actions";
import { campaignKeys } from "@/lib/campaigns/query-keys";

/**
 * Returns `remember(uid, testSendId)`, for a test send of the webhook row `uid` while it is unsaved.
 * `campaignId`: the campaign as saved (the webhooks join only a webhook of the campaign they were saved in).
 */
export function useDraftTestSends(campaignId: string | undefined, actions: readonly { uid: string; id?: string }[]) {
  const queryClient = useQueryClient();
  const pending = useRef(new Map<string, string[]>());
  const saved = actions.flatMap((a) => (a.id ? [[a.uid, a.id] as const] : []));
  const savedKey = `${campaignId}/` + saved.map(([uid, id]) => `${uid}:${id}`).join(",");
  useEffect(() => {
    if (!campaignId) return;
    for (const [uid, actionId] of saved) {
      const ids = pending.current.get(uid);
      if (!ids) continue;
      pending.current.delete(uid);
      void attachDraftTestSendsAction(campaignId, actionId, ids).then(() => queryClient.invalidateQueries({ queryKey: campaignKeys.testSends(actionId) }));
    }
    // savedKey names the saved rows; `saved` is rebuilt every render
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [savedKey, campaignId, queryClient]);
  return (uid: string, testSendId: string) => pending.current.set(uid, [...(pending.current.get(uid) ?? []), testSendId]);
}
