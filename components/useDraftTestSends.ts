"use client";
// Test sends made of a webhook before its first save (it has no id yet) are kept by no webhook: once a
// save gives it an id, they join its Recent test sends, so the result just seen does not vanish on Save.
// Each editor page has its own draft key, sent with its test sends: the save takes only this page's,
// never the member's sends of another tab or another new-campaign draft.
import { useEffect, useRef, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { attachDraftTestSendsAction } from "@/app/campaigns/actions";
import { campaignKeys } from "@/lib/campaigns/query-keys";
import { reportDraftTestSendsLost } from "./draft-test-sends-lost";

/** A random key for this editor page (base64url, 24 characters); getRandomValues works over plain http too. */
function newDraftKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(18));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_");
}

/**
 * The page's `draftKey` (every test send carries it) and `remember(uid, testSendId)`, for a test send
 * of the webhook row `uid` while it is unsaved. `campaignId`: the campaign as saved (the sends join only
 * a webhook of the campaign they were saved in). A refused attach is reported to the webhook's Recent
 * test sends (draft-test-sends-lost.ts), which says so rather than losing them silently.
 */
export function useDraftTestSends(campaignId: string | undefined, actions: readonly { uid: string; id?: string }[]) {
  const queryClient = useQueryClient();
  const [draftKey] = useState(newDraftKey);
  const pending = useRef(new Map<string, string[]>());
  const saved = actions.flatMap((a) => (a.id ? [[a.uid, a.id] as const] : []));
  const savedKey = `${campaignId}/` + saved.map(([uid, id]) => `${uid}:${id}`).join(",");
  // the campaign and webhooks as last shown: a send back after the save (the page of a new campaign
  // may be gone by then) joins at once
  const latest = useRef<{ campaignId?: string; saved: ReadonlyMap<string, string> }>({ saved: new Map() });
  const attach = (campaignId: string, actionId: string, ids: string[]) =>
    void attachDraftTestSendsAction(campaignId, actionId, draftKey, ids)
      .then((result) => {
        if (!result.ok) reportDraftTestSendsLost(actionId, result.message);
      })
      .catch(() => reportDraftTestSendsLost(actionId, "the server could not be reached."))
      .finally(() => queryClient.invalidateQueries({ queryKey: campaignKeys.testSends(actionId) }));
  useEffect(() => {
    latest.current = { campaignId, saved: new Map(saved) };
    if (!campaignId) return;
    for (const [uid, actionId] of saved) {
      const ids = pending.current.get(uid);
      if (!ids) continue;
      pending.current.delete(uid);
      attach(campaignId, actionId, ids);
    }
    // savedKey names the saved rows; `saved` and `attach` are rebuilt every render
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [savedKey, campaignId, queryClient, draftKey]);
  /** A send of the row `uid` made while it was not saved: kept for its first save, or attached now if that came first. */
  const remember = (uid: string, testSendId: string) => {
    const { campaignId, saved } = latest.current;
    const actionId = saved.get(uid);
    if (campaignId && actionId) attach(campaignId, actionId, [testSendId]);
    else pending.current.set(uid, [...(pending.current.get(uid) ?? []), testSendId]);
  };
  return { draftKey, remember };
}
