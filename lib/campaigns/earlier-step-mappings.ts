// What a campaign's earlier steps save from their responses, as the editor reads it while typing (no
// database: the Delivery section's timing fields use it in the browser), and the words it says about it.
import { parseStoredMapping } from "../webhooks/response-mapping";

/** The entries (path, attribute) of a response mapping, stored or drafted; rows not yet whole are left out. */
export function mappingEntries(mapping: unknown): { path: string; attribute: string }[] {
  const rows: unknown[] = Array.isArray(mapping) ? mapping : (parseStoredMapping(mapping) ?? []);
  return rows.flatMap((e) => {
    const { path, attribute } = (e && typeof e === "object" ? e : {}) as { path?: unknown; attribute?: unknown };
    return typeof attribute === "string" && attribute && typeof path === "string" ? [{ path, attribute }] : [];
  });
}

/** An attribute an earlier step's response mapping saves: "Webhook 1" saves `$.id` into crmRef. */
export type EarlierStepMapping = { step: string; path: string; attribute: string };

/**
 * What the steps before step `index` save from their responses (any variant of theirs), in step order.
 * Only those: this step's own mapping, and a later step's, have not answered yet when this step sends.
 */
export function earlierStepMappings(steps: { label: string; mappings: unknown[] }[], index: number): EarlierStepMapping[] {
  return steps.slice(0, Math.max(0, index)).flatMap((s) => s.mappings.flatMap((m) => mappingEntries(m).map((e) => ({ step: s.label, ...e }))));
}

/** "from Webhook 1's response (`$.id`)": where such an attribute's value comes from, one wording for the preview, a test send and the timing fields. */
export const fromEarlierStep = (from: EarlierStepMapping) => `from ${from.step}'s response (\`${from.path}\`)`;

/**
 * Under a webhook's "Measure from a time…" attribute that an earlier step saves (`earlier`: what the steps
 * before it save, earlierStepMappings; the last saving it counts, as the engine reads it:
 * lib/campaigns/awaited-steps.ts): "Set from Webhook 1's response (`$.due`): each user's send waits for
 * that answer for its time, and is suppressed for a user it saves no time for"; null for any other attribute.
 */
export function earlierStepTimingMessage(attribute: string, earlier: EarlierStepMapping[]): string | null {
  const from = earlier.findLast((m) => m.attribute === attribute.trim());
  return from ? `Set ${fromEarlierStep(from)}: each user's send waits for that answer for its time, and is suppressed for a user it saves no time for` : null;
}
