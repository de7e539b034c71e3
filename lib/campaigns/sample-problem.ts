// A preview sample that cannot be read (its JSON is broken) is all the preview says: a request
// rendered from no sample would report its fields as unset or not numbers, errors of the sample box
// rather than of the template.

const BOXES = { eventParams: "Sample event parameters", attributes: "Test user attributes" } as const;

/** The first sample box that cannot be read, with what is wrong ("Sample event parameters: Not valid JSON near `pro`: ..."); null when both read. */
export function unreadableSample(errors: Partial<Record<keyof typeof BOXES, string>>): string | null {
  for (const box of Object.keys(BOXES) as (keyof typeof BOXES)[]) if (errors[box]) return `${BOXES[box]}: ${errors[box]}`;
  return null;
}
