import { describeRetryAfterFailure, type RetryPolicy } from "@/lib/delivery/core/retry-policy";

/** Under a test send whose answer a delivery would retry: what a real delivery would do, from the webhook's retry policy as set now. */
export function RetryNote({ policy }: { policy: RetryPolicy }) {
  return (
    <p role="note" className="rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-900">
      {describeRetryAfterFailure(policy)}
    </p>
  );
}
