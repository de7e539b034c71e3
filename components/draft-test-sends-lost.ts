"use client";
// Why a webhook's draft test sends could not join its history at its first save, kept for this tab:
// the save of a new campaign moves to the campaign's own page, whose Recent test sends say it there.
const lost = new Map<string, string>();
const listeners = new Set<() => void>();

/** The first save could not keep the webhook's draft test sends: `reason` as the server said it. */
export function reportDraftTestSendsLost(actionId: string, reason: string) {
  lost.set(actionId, reason);
  for (const listener of listeners) listener();
}

/** For useSyncExternalStore: the reason for `actionId`, or null. */
export function draftTestSendsLostReason(actionId: string): string | null {
  return lost.get(actionId) ?? null;
}

export function subscribeDraftTestSendsLost(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
