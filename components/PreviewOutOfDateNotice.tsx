"use client";
import type { PreviewUnavailableError } from "./useRequestPreview";
import { Button } from "./ui/Button";

/**
 * Says that the request preview is not for what is typed now, why, and when it resumes: the route held
 * the member back (429, asked again after each Retry-After a few times, then Try again) or the render
 * failed (asked again twice, then Try again). The seconds are said here, once (the server's message has none).
 * `shown`: an earlier request is still on screen (else there is nothing to call out of date yet).
 */
export function PreviewOutOfDateNotice({ problem, shown, retrying, onRetry }: { problem: PreviewUnavailableError; shown: boolean; retrying: boolean; onRetry: () => void }) {
  const lead = shown ? "Preview out of date: the request below is from before your latest changes." : "No preview yet.";
  return (
    <div role="status" className="rounded-lg border border-amber-200 bg-amber-50 px-3 py-2.5 text-sm text-amber-900">
      <p>
        <span className="font-medium">{lead}</span> {problem.message}{" "}
        {problem.retryInSeconds !== null
          ? `It updates by itself in ${problem.retryInSeconds} s.`
          : retrying
            ? "Trying again…"
            : "It updates with your next change, or now:"}
      </p>
      {problem.retryInSeconds === null && !retrying && (
        <Button size="sm" className="mt-2" onClick={onRetry}>
          Try again
        </Button>
      )}
    </div>
  );
}
