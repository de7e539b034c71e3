// The react-query keys of the campaign editor, in one place.
export const campaignKeys = {
  all: ["campaigns"] as const,
  preview: (body: string) => ["campaigns", "preview", body] as const,
  templateSuggestions: ["campaigns", "template-suggestions"] as const,
  testSends: (actionId: string) => ["campaigns", "test-sends", actionId] as const,
};
