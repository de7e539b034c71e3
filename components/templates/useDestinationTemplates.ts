"use client";
import { queryOptions, useQuery } from "@tanstack/react-query";
import type { DestinationTemplateView } from "@/lib/campaigns/destination-template-schemas";
import { campaignKeys } from "@/lib/campaigns/query-keys";

/** The template library (built-in and saved). */
export const destinationTemplatesQuery = queryOptions({
  queryKey: campaignKeys.destinationTemplates,
  queryFn: async ({ signal }): Promise<DestinationTemplateView[]> => {
    const response = await fetch("/api/destination-templates", { signal });
    if (!response.ok) throw new Error("The templates could not be loaded; try again.");
    return ((await response.json()) as { templates: DestinationTemplateView[] }).templates;
  },
});

/** The template library (built-in and saved), fetched when the picker opens. */
export function useDestinationTemplates(enabled: boolean) {
  return useQuery({ ...destinationTemplatesQuery, enabled });
}
