"use client";
import { useQuery } from "@tanstack/react-query";
import { campaignKeys } from "@/lib/campaigns/query-keys";
import type { TemplateSuggestion } from "@/lib/templating/suggestions";

/** The autocomplete list (variables with this install's attribute and event names, helpers), fetched once wanted. */
export function useTemplateSuggestions(enabled: boolean) {
  return useQuery({
    queryKey: campaignKeys.templateSuggestions,
    enabled,
    staleTime: 60_000,
    queryFn: async ({ signal }): Promise<TemplateSuggestion[]> => {
      const response = await fetch("/api/template-suggestions", { signal });
      if (!response.ok) throw new Error("Suggestions are not available.");
      return ((await response.json()) as { suggestions: TemplateSuggestion[] }).suggestions;
    },
  });
}
