"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { SampleRequest } from "@/lib/campaigns/preview-input";
import { errorMessageOf } from "@/lib/api/error-message";
import { campaignKeys } from "@/lib/campaigns/query-keys";
import type { TestSendView } from "@/lib/campaigns/test-sends";
import type { RetryPolicy } from "@/lib/delivery/core/retry-policy";
import { outcomeText, statusText, TestSendResult } from "./TestSendResult";
import { Button } from "./ui/Button";
import { useRoleAllows } from "./auth/MemberRole";

async function postTestSend(sample: SampleRequest): Promise<TestSendView> {
  const response = await fetch("/api/test-sends", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(sample) });
  if (!response.ok) throw new Error(await errorMessageOf(response, "The test send could not be made. Try again."));
  return response.json();
}

/** "Test send": sends the action as typed, once, and shows what went out and what came back. */
export function TestSendPanel({
  sample,
  blockedReason,
  shown,
  onShow,
  draftOwner,
  onDraftSent,
  retryPolicy,
}: {
  sample: SampleRequest | null;
  /** why a test send cannot be made right now (e.g. invalid JSON in a sample box) */
  blockedReason?: string;
  shown: TestSendView | null;
  onShow: (send: TestSendView | null) => void;
  /** the editor's row of the webhook sent, when it is not saved yet: handed back with the send to `onDraftSent` */
  draftOwner?: string;
  /**
   * a send of a webhook not saved when Test send was pressed, once it is back: called even when a save
   * meanwhile has taken the page elsewhere (a new campaign's), so the send can still join the webhook
   */
  onDraftSent?: (owner: string, send: TestSendView) => void;
  /** the webhook's, as set in the Delivery section: what a real delivery would do with a failed answer */
  retryPolicy: RetryPolicy;
}) {
  const canSend = useRoleAllows("editor");
  const queryClient = useQueryClient();
  const mutation = useMutation({
    mutationFn: postTestSend,
    // the row sent is the one at the press, not at the answer (the Save may have come in between)
    onMutate: () => {
      onShow(null);
      return { draftOwner };
    },
    onSuccess: (send, sent, context) => {
      onShow(send);
      if (sent.action.id) queryClient.invalidateQueries({ queryKey: campaignKeys.testSends(sent.action.id) });
      else if (context?.draftOwner) onDraftSent?.(context.draftOwner, send);
    },
  });
  const sending = mutation.isPending;
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-3">
        {canSend && (
          // while sending it stays enabled (aria-disabled, presses ignored): a disabled button drops the keyboard focus to the page
          <Button
            variant="primary"
            className="aria-disabled:cursor-wait aria-disabled:opacity-50"
            disabled={!sample || !!blockedReason}
            aria-disabled={sending || undefined}
            onClick={() => !sending && sample && mutation.mutate(sample)}
          >
            {sending ? "Sending…" : "Test send"}
          </Button>
        )}
        <p className="min-w-0 flex-1 text-xs text-slate-500">
          {blockedReason ?? "Sends this webhook once, as typed, to its real URL. Not a delivery: nothing is retried or counted."}
        </p>
      </div>
      {/* the focus stays on the button: the outcome is announced */}
      <p role="status" className="sr-only">
        {sending ? "Sending the test request…" : mutation.isError ? mutation.error.message : shown ? `Test send: ${shown.status ? statusText(shown) : outcomeText(shown).toLowerCase()}` : ""}
      </p>
      <section aria-label="Test send result" aria-busy={sending} className="min-h-6">
        {sending && <p className="text-sm text-slate-600">Sending the test request…</p>}
        {mutation.isError && <p className="rounded-lg bg-red-50 px-3 py-2 text-sm text-red-800">{mutation.error.message}</p>}
        {!sending && shown && <TestSendResult send={shown} retryPolicy={retryPolicy} />}
      </section>
    </div>
  );
}
