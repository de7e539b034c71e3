"use client";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { SampleRequest } from "@/lib/campaigns/preview-input";
import { clipOverlongValues } from "@/lib/campaigns/preview-clip";
import type { PreviewResult } from "@/lib/campaigns/preview";
import { campaignKeys } from "@/lib/campaigns/query-keys";
// Short enough that the preview settles well within 150 ms of the last keystroke (and below the route's rate limit).
import { PREVIEW_DEBOUNCE_MS } from "@/lib/campaigns/preview-debounce";
import { useDebouncedValue } from "./useDebouncedValue";

/** Why the preview could not be rendered; `retryInSeconds` when the route held the member back (429 Retry-After). */
export class PreviewUnavailableError extends Error {
  constructor(
    message: string,
    readonly retryInSeconds: number | null,
  ) {
    super(message);
  }
}

// a failure other than a 429 is asked again this many times (1 s, 2 s apart), then waits for Retry or a change
const RETRIES_AFTER_FAILURE = 2;
// a 429 is asked again after each Retry-After this many times (5 to 10 s of the member's renders
// holding their share, far past a fast typist's second), then waits for Try again or a change, as
// another failure does: before, a tab left open asked once per Retry-After for as long as it was held
const RETRIES_AFTER_REFUSAL = 5;
const refusal = (error: unknown) => error instanceof PreviewUnavailableError && error.retryInSeconds !== null;

async function unavailable(response: Response): Promise<PreviewUnavailableError> {
  const said = await response
    .json()
    .then((b: { error?: { message?: unknown } }) => (typeof b?.error?.message === "string" ? b.error.message : null))
    .catch(() => null);
  const seconds = Number(response.headers.get("retry-after"));
  if (response.status === 429) return new PreviewUnavailableError(said ?? "Too many previews at once.", Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds) : 1);
  return new PreviewUnavailableError(said ?? `The server answered ${response.status}.`, null);
}

/**
 * The live preview of the action as typed, re-rendered by the server's one renderer. `current` says
 * whether the data shown is for what is typed now (not for an earlier value while a new one renders,
 * nor one a failed or refused render left standing). A refusal (429) is asked again once its
 * Retry-After has passed, up to RETRIES_AFTER_REFUSAL times, another failure a couple of times;
 * `problem` says why the preview waits (`retryInSeconds` only while it will ask again by itself).
 */
export function useRequestPreview(sample: SampleRequest | null) {
  // a pasted megabyte is sent cut (still over the limit), so the preview says the field's limit rather than failing
  const typed = sample ? JSON.stringify({ ...sample, action: clipOverlongValues(sample.action) }) : "";
  const body = useDebouncedValue(typed, PREVIEW_DEBOUNCE_MS);
  const query = useQuery({
    queryKey: campaignKeys.preview(body),
    enabled: !!body,
    placeholderData: keepPreviousData,
    gcTime: 5_000,
    retry: (failures, error) => failures < (refusal(error) ? RETRIES_AFTER_REFUSAL : RETRIES_AFTER_FAILURE),
    retryDelay: (failures, error) => (refusal(error) ? (error as PreviewUnavailableError).retryInSeconds! * 1000 : 1000 * 2 ** failures),
    queryFn: async ({ signal }): Promise<PreviewResult> => {
      let response: Response;
      try {
        response = await fetch("/api/preview", { method: "POST", headers: { "content-type": "application/json" }, body, signal });
      } catch (err) {
        if (signal.aborted) throw err;
        throw new PreviewUnavailableError("The server could not be reached.", null);
      }
      if (!response.ok) throw await unavailable(response);
      return response.json();
    },
  });
  // while it retries the failure is the query's failureReason, which may say when it asks again (a
  // 429's Retry-After); once it gives up, its error, asked again only by Try again or a change
  const retrying = query.isFetching ? query.failureReason : null;
  const givenUp = query.isFetching || query.isError ? query.error : null;
  return {
    query,
    current: body === typed && !query.isPlaceholderData && !query.isFetching && !query.isError,
    problem: retrying instanceof PreviewUnavailableError ? retrying : (retrying ?? givenUp) ? new PreviewUnavailableError((retrying ?? givenUp)!.message, null) : null,
  };
}
