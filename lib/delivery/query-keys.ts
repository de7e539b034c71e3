// The react-query keys of the delivery log and activity page, in one place.
export const deliveryKeys = {
  all: ["deliveries"] as const,
  /** every delivery log's list, whatever its filter */
  lists: ["deliveries", "list"] as const,
  list: (filter: Record<string, string | number | undefined>) => ["deliveries", "list", filter] as const,
  detail: (id: string) => ["deliveries", "detail", id] as const,
  status: (campaignId: string) => ["deliveries", "campaign-status", campaignId] as const,
  /** the outcome chart: one campaign's, or every campaign's without an id */
  outcomes: (campaignId?: string) => ["deliveries", "outcomes", campaignId ?? "all"] as const,
};
