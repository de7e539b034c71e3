"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { SampleRequest } from "@/lib/campaigns/preview-input";
import { errorMessageOf } from "@/lib/api/error-message";
import { campaignKeys } from "@/lib/campaigns/query-keys";
import type { TestSendView } from "@/lib/campaigns/test-sends";
import type { RetryPolicy } from "@/lib/delivery/core/retry-policy";
import { TestSendResult } from "./TestSendResult";
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
  retryPolicy,
}: {
  sample: SampleRequest | null;
  /** why a test send cannot be made right now (e.g. invalid JSON in a sample box) */
  blockedReason?: string;
  shown: TestSendView | null;
  onShow: (send: TestSendView | null) => void;
  /** the webhook's, as set in the Delivery section: what a real delivery would do with a failed answer */
  retryPolicy: RetryPolicy;
}) {
  const canSend = useRoleAllows("editor");
  const queryClient = useQueryClient();
  const mutation = useMutation({
    mutationFn: postTestSend,
    onMutate: () => onShow(null),
    onSuccess: (send) => {
      onShow(send);
      if (sample?.action.id) queryClient.invalidateQueries({ queryKey: campaignKeys.testSends(sample.action.id) });
    },
  });
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-3">
        {canSend && (
          <Button variant="primary" disabled={!sample || !!blockedReason || mutation.isPending} onClick={() => sample && mutation.mutate(sample)}>
            {mutation.isPending ? "Sending…" : "Test send"}
          </Button>
        )}
        <p className="min-w-0 flex-1 text-xs text-slate-500">
          {blockedReason ?? "Sends this webhook once, as typed, to its real URL. Not a delivery: nothing is retried or counted."}
        </p>
      </div>
      <section aria-label="Test send result" aria-busy={mutation.isPending} className="min-h-6">
        {mutation.isPending && <p className="text-sm text-slate-600">Sending the test request…</p>}
        {mutation.isError && <p className="rounded-lg bg-red-50 px-3 py-2 text-sm text-red-800">{mutation.error.message}</p>}
        {!mutation.isPending && shown && <TestSendResult send={shown} retryPolicy={retryPolicy} />}
      </section>
    </div>
  );
}
