// The react-query keys of the campaign editor, in one place.
export const campaignKeys = {
  all: ["campaigns"] as const,
  /** every preview: invalidated when something the request body does not carry changes (the signing secret) */
  previews: ["campaigns", "preview"] as const,
  preview: (body: string) => ["campaigns", "preview", body] as const,
  templateSuggestions: ["campaigns", "template-suggestions"] as const,
  testSends: (actionId: string) => ["campaigns", "test-sends", actionId] as const,
  /** the results table (conversion goal), polled while the campaign sends */
  results: (campaignId: string) => ["campaigns", "results", campaignId] as const,
  /** the destination template library (built-in and saved) */
  destinationTemplates: ["campaigns", "destination-templates"] as const,
};
