"use client";
import { useQuery } from "@tanstack/react-query";
import { campaignKeys } from "@/lib/campaigns/query-keys";
import type { TemplateSuggestion } from "@/lib/templating/suggestions";

export type AttributeChoice = { name: string; types: string[] };
type Suggestions = { suggestions: TemplateSuggestion[]; attributes?: AttributeChoice[] };

function suggestionsQuery(enabled: boolean) {
  return {
    queryKey: campaignKeys.templateSuggestions,
    enabled,
    staleTime: 60_000,
    queryFn: async ({ signal }: { signal: AbortSignal }): Promise<Suggestions> => {
      const response = await fetch("/api/template-suggestions", { signal });
      if (!response.ok) throw new Error("Suggestions are not available.");
      return (await response.json()) as Suggestions;
    },
  };
}

/** The autocomplete list (variables with this install's attribute and event names, helpers), fetched once wanted. */
export function useTemplateSuggestions(enabled: boolean) {
  return useQuery({ ...suggestionsQuery(enabled), select: (data: Suggestions) => data.suggestions });
}

/** The attribute catalogue (names and the types seen), from the same reading as the suggestions. */
export function useAttributeChoices(enabled: boolean) {
  return useQuery({ ...suggestionsQuery(enabled), select: (data: Suggestions) => data.attributes ?? [] });
}
