// What the live preview and the test send receive: the action as typed (possibly half-typed, so
// parsed leniently; the strict draft schema's complaints come back as problems), plus the sample.
import { z } from "zod";
import { CONTENT_TYPES, FIELD_TYPES, HTTP_METHODS, type TemplateProblem } from "../webhooks/types";
import { labelledProblems } from "./problem-labels";
import { DEFAULT_TIMEOUT_SECONDS, MAX_FIELDS, MAX_WEBHOOKS, MAX_HEADERS, MAX_TIMEOUT_SECONDS, MAX_URL_LENGTH } from "./limits";
import { MAX_EXTRA_VARIANTS, VARIANT_KEYS } from "./variants";
import { actionDraftSchema, type ActionDraft, type FieldErrors, fieldErrorsOf } from "./schemas";
import { clipValue } from "./preview-clip";
import { MAPPED_KINDS, MAX_RESPONSE_MAPPINGS, storedMappingEntrySchema } from "../webhooks/response-mapping";

const lenientValue = z.string().transform(clipValue);

// Generous caps: the strict schema reports the real limits; these only bound the work per request.
const lenientContentShape = {
  id: z.string().max(64).optional(),
  copiedFrom: z.string().max(64).optional(),
  name: z.string().max(400).default("Webhook").catch("Webhook"),
  method: z.enum(HTTP_METHODS).default("POST").catch("POST"),
  url: z.string().max(MAX_URL_LENGTH * 2),
  contentType: z.enum(CONTENT_TYPES).default("application/json").catch("application/json"),
  fields: z
    .array(z.object({ key: z.string().max(1000), value: lenientValue, type: z.enum(FIELD_TYPES).default("text").catch("text") }))
    .max(MAX_FIELDS * 2)
    .default([]),
  headers: z
    .array(z.object({ name: z.string().max(1000), value: lenientValue, secret: z.boolean().default(false).catch(false) }))
    .max(MAX_HEADERS * 2)
    .default([]),
};

const lenientPercent = z.coerce.number().int().min(0).max(100).optional().catch(undefined);

const lenientActionSchema = z.object({
  ...lenientContentShape,
  splitPercent: lenientPercent,
  controlPercent: lenientPercent,
  variants: z
    .array(z.object({ ...lenientContentShape, splitPercent: lenientPercent }))
    .max(MAX_EXTRA_VARIANTS)
    .default([]),
  timeoutSeconds: z.coerce.number().int().min(1).max(MAX_TIMEOUT_SECONDS).default(DEFAULT_TIMEOUT_SECONDS).catch(DEFAULT_TIMEOUT_SECONDS),
  responseMapping: z
    .array(z.object({ path: z.string().max(1000), attribute: z.string().max(1000), type: z.enum(MAPPED_KINDS).optional().catch(undefined) }))
    .max(MAX_RESPONSE_MAPPINGS * 2)
    .default([])
    .catch([]),
});

/** What ad-hoc test attributes and sample event parameters may weigh (as JSON), and how deep they nest. */
export const MAX_SAMPLE_BYTES = 64 * 1024;
export const MAX_SAMPLE_DEPTH = 16;

/**
 * Why a sample object is too big or too deep, or null. Walks without recursion and stops as soon as
 * a bound is passed, so a 9 MiB or 100,000-deep value costs no more than the bound.
 */
export function sampleObjectProblem(value: unknown, what: string): string | null {
  let bytes = 0;
  const stack: { v: unknown; depth: number }[] = [{ v: value, depth: 0 }];
  while (stack.length) {
    const { v, depth } = stack.pop()!;
    if (typeof v === "string") bytes += Buffer.byteLength(v) + 2;
    else if (v !== null && typeof v === "object") {
      if (depth >= MAX_SAMPLE_DEPTH) return `${what} nest more than ${MAX_SAMPLE_DEPTH} levels deep`;
      for (const [k, child] of Object.entries(v)) {
        bytes += Buffer.byteLength(k) + 4;
        stack.push({ v: child, depth: depth + 1 });
      }
    } else bytes += 8;
    if (bytes > MAX_SAMPLE_BYTES) return `${what} are over ${MAX_SAMPLE_BYTES / 1024} KiB: keep the values a template needs`;
  }
  return null;
}

const sampleObject = (what: string) =>
  z.record(z.string(), z.unknown()).superRefine((v, ctx) => {
    const problem = sampleObjectProblem(v, what);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

/**
 * The key an editor page makes for itself (random, one per page): its test sends of webhooks not saved
 * yet carry it, so the first save takes only that page's sends (lib/campaigns/test-sends.ts).
 */
export const draftKeySchema = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, "Unknown draft key");

const lenientMappingSchema = z
  .array(z.object({ path: z.string().max(1000), attribute: z.string().max(1000) }))
  .max(MAX_RESPONSE_MAPPINGS * 2)
  .default([])
  .catch([]);

export const sampleRequestSchema = z.object({
  action: lenientActionSchema,
  /**
   * the response mappings of the campaign's steps before this one, in order, as the editor has them (saved
   * or not; each step's with its variants'): what they save is known to this step ("Set from Webhook 1's response")
   */
  earlierSteps: z
    .array(z.object({ responseMappings: z.array(lenientMappingSchema).max(MAX_EXTRA_VARIANTS + 1).default([]).catch([]) }))
    .max(MAX_WEBHOOKS)
    .default([])
    .catch([]),
  campaign: z.object({ id: z.string().max(64).nullish(), name: z.string().max(400).default("Untitled campaign").catch("Untitled campaign") }),
  userId: z.string().max(200).nullish(),
  eventParams: sampleObject("Sample event parameters").nullish(),
  /** which variant to render ("A" = the webhook itself, the default) */
  variant: z.enum(VARIANT_KEYS, "Choose a variant from A to P").optional(),
  /** ad-hoc "Test user attributes" (test send only) */
  attributes: sampleObject("Test user attributes").nullish(),
  /** the editor page's draft key (test send only): a send of a webhook not saved yet is stored with it */
  draftKey: draftKeySchema.optional(),
}).superRefine((input, ctx) => {
  if (input.variant && VARIANT_KEYS.indexOf(input.variant) > input.action.variants.length) {
    ctx.addIssue({ code: "custom", path: ["variant"], message: `This webhook has no variant ${input.variant}` });
  }
});

export type SampleRequest = z.input<typeof sampleRequestSchema>;
export type ParsedSampleRequest = z.output<typeof sampleRequestSchema>;

/**
 * The half-typed action made renderable (rows without a key are skipped) + what would block a save.
 * With `variant` B, C, ...: that variant's content (its id, so its own secrets), the step's other
 * settings. `stepId` is the webhook's own id ({{action.id}} is the step's for every variant).
 */
export function renderableDraft(
  action: ParsedSampleRequest["action"],
  variant?: string,
): {
  draft: ActionDraft;
  problems: FieldErrors;
  stepId: string | undefined;
  /** for a variant's content (B, C, ...), the step it varies ("" when not saved): its signing secret signs the variant (secret-resolver.ts) */
  variantOf: string | undefined;
  inForm: (problems: TemplateProblem[]) => TemplateProblem[];
} {
  const strict = actionDraftSchema.safeParse(action);
  const index = variant ? VARIANT_KEYS.indexOf(variant as (typeof VARIANT_KEYS)[number]) : 0;
  // a variant the action does not have is refused by sampleRequestSchema; A is the fallback
  const content = (index > 0 ? action.variants[index - 1] : undefined) ?? action;
  const draft: ActionDraft = {
    ...action,
    ...(content !== action ? { id: content.id, copiedFrom: content.copiedFrom, name: content.name, method: content.method } : {}),
    contentType: content.contentType,
    url: content.url.trim(),
    fields: content.fields.filter((f) => f.key.trim()).map((f) => ({ ...f, key: f.key.trim() })),
    headers: content.headers.filter((h) => h.name.trim()).map((h) => ({ ...h, name: h.name.trim() })),
    splitPercent: 100,
    controlPercent: 0,
    variants: [],
    // a test send shows what the rows typed so far would save; a half-typed row is left out, while one
    // into a built-in field's name is kept, to be shown as not saved and why (Save refuses it)
    responseMapping: action.responseMapping.flatMap((m) => {
      const row = storedMappingEntrySchema.safeParse(m);
      return row.success ? [row.data] : [];
    }).slice(0, MAX_RESPONSE_MAPPINGS),
  };
  // The rendering's problems as the form shows them: a row without a key is left out of the draft, so
  // the draft's "fields[1]" may be the form's third row; each is named by its key or header name
  const rows: Record<string, number[]> = {
    fields: content.fields.flatMap((f, i) => (f.key.trim() ? [i] : [])),
    headers: content.headers.flatMap((h, i) => (h.name.trim() ? [i] : [])),
  };
  const inForm = (problems: TemplateProblem[]) =>
    labelledProblems(
      problems.map((p) => {
        const row = /^(fields|headers)\[(\d+)\]/.exec(p.field);
        const formRow = row ? rows[row[1]!]?.[Number(row[2])] : undefined;
        return formRow === undefined ? p : { ...p, field: p.field.replace(/^(fields|headers)\[\d+\]/, `$1[${formRow}]`) };
      }),
      content,
    );
  return { draft, problems: strict.success ? {} : fieldErrorsOf(strict.error), stepId: action.id, variantOf: content !== action ? (action.id ?? "") : undefined, inForm };
}
