// Unknown keys in the webhooks of an API body (a campaign's actions, a template's webhook), named.
// A template's webhook knows only what a template keeps (TEMPLATE_WEBHOOK_KEYS), not all an action's.
import { z } from "zod";
import { TEMPLATE_WEBHOOK_KEYS } from "../../campaigns/destination-template-schemas";
import { actionDraftSchema, dataFieldSchema, headerFieldSchema, variantDraftSchema } from "../../campaigns/schemas";

// The editor's schemas let keys they do not know go by (its form state carries more than it saves);
// the API names them instead: a typo ("secrett", "timeout") would otherwise save a plain, unmasked
// header or the default timeout without a word. What GET answers with and a save ignores (a webhook's
// `signing`; a variant's copy of its action's `responseMapping` and `templateId`, lib/campaigns/variant-rows.ts
// stepToDraft) is let by, so a GET's actions can be sent back as they are. A variant's `signing` (a GET
// answered it before a webhook's secret signed its variants) is still ignored, so such a read saves.
const webhookObjects = {
  action: { keys: Object.keys(actionDraftSchema.shape), ignored: ["signing"] },
  variant: { keys: Object.keys(variantDraftSchema.shape), ignored: ["signing", "responseMapping", "templateId"] },
  field: { keys: Object.keys(dataFieldSchema.shape), ignored: [] },
  header: { keys: Object.keys(headerFieldSchema.shape), ignored: [] },
};
const knownKeys = {
  action: new Set([...webhookObjects.action.keys, ...webhookObjects.action.ignored]),
  variant: new Set([...webhookObjects.variant.keys, ...webhookObjects.variant.ignored]),
  field: new Set(webhookObjects.field.keys),
  header: new Set(webhookObjects.header.keys),
  template: new Set<string>(TEMPLATE_WEBHOOK_KEYS),
};
const TEMPLATE_KEEPS = ` (a template keeps only ${TEMPLATE_WEBHOOK_KEYS.slice(0, -1).join(", ")} and ${TEMPLATE_WEBHOOK_KEYS.at(-1)})`;

/**
 * For the OpenAPI document: an object schema of a webhook's (action, variant, field, header) gets
 * `additionalProperties: false` and its ignored read-only keys, as the API refuses every other key.
 * Recognised by its property names, which are its zod shape's.
 */
export function documentUnknownWebhookKeys(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(documentUnknownWebhookKeys);
  if (!isRecord(node)) return;
  Object.values(node).forEach(documentUnknownWebhookKeys);
  const properties = node.properties;
  if (node.type !== "object" || !isRecord(properties)) return;
  const names = Object.keys(properties).sort().join();
  const kind = Object.values(webhookObjects).find((o) => [...o.keys].sort().join() === names);
  if (!kind) return;
  node.additionalProperties = false;
  for (const key of kind.ignored) properties[key] = { readOnly: true, description: "As a GET answers it; ignored on save" };
}

const isRecord = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);
const listAt = (v: unknown, key: string): unknown[] => (isRecord(v) && Array.isArray(v[key]) ? v[key] : []);

function refuseUnknownKeys(value: unknown, known: Set<string>, path: (string | number)[], ctx: z.RefinementCtx, why = "") {
  if (!isRecord(value)) return;
  const unknown = Object.keys(value).filter((k) => !known.has(k));
  if (unknown.length > 0) ctx.addIssue({ code: "custom", path, message: `Unrecognized key${unknown.length > 1 ? "s" : ""}: ${unknown.map((k) => JSON.stringify(k)).join(", ")}${why}` });
}

function refuseUnknownWebhookKeys(webhook: unknown, known: Set<string>, path: (string | number)[], ctx: z.RefinementCtx, why?: string) {
  refuseUnknownKeys(webhook, known, path, ctx, why);
  listAt(webhook, "fields").forEach((f, i) => refuseUnknownKeys(f, knownKeys.field, [...path, "fields", i], ctx));
  listAt(webhook, "headers").forEach((h, i) => refuseUnknownKeys(h, knownKeys.header, [...path, "headers", i], ctx));
}

function refuseUnknownActionKeys(action: unknown, path: (string | number)[], ctx: z.RefinementCtx) {
  refuseUnknownWebhookKeys(action, knownKeys.action, path, ctx);
  listAt(action, "variants").forEach((variant, j) => refuseUnknownWebhookKeys(variant, knownKeys.variant, [...path, "variants", j], ctx));
}

/**
 * A body schema that also refuses unknown keys in its webhooks (a campaign's `actions` and their
 * variants; a template's `webhook`, whose schema is strict too), their fields and headers.
 */
export function refusingUnknownWebhookKeys<S extends z.ZodType>(schema: S) {
  return z
    .unknown()
    .superRefine((body, ctx) => {
      listAt(body, "actions").forEach((action, i) => refuseUnknownActionKeys(action, ["actions", i], ctx));
      // a template keeps less than an action: the rest of an action's keys would be dropped without a word
      if (isRecord(body) && "webhook" in body) refuseUnknownWebhookKeys(body.webhook, knownKeys.template, ["webhook"], ctx, TEMPLATE_KEEPS);
    })
    .pipe(schema);
}
