"use client";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { SampleRequest } from "@/lib/campaigns/preview-input";
import { clipOverlongValues } from "@/lib/campaigns/preview-clip";
import type { PreviewResult } from "@/lib/campaigns/preview";
import { campaignKeys } from "@/lib/campaigns/query-keys";
// Short enough that the preview settles well within 150 ms of the last keystroke (and below the route's rate limit).
import { PREVIEW_DEBOUNCE_MS } from "@/lib/campaigns/preview-debounce";
import { useDebouncedValue } from "./useDebouncedValue";


/**
 * The live preview of the action as typed, re-rendered by the server's one renderer. `current` says
 * whether the data shown is for what is typed now (not for an earlier value while a new one renders).
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
    retry: false,
    queryFn: async ({ signal }): Promise<PreviewResult> => {
      const response = await fetch("/api/preview", { method: "POST", headers: { "content-type": "application/json" }, body, signal });
      if (!response.ok) throw new Error("The preview could not be rendered. Keep typing; it retries on the next change.");
      return response.json();
    },
  });
  return { query, current: body === typed && !query.isPlaceholderData && !query.isFetching };
}
