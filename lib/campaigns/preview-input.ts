// What the live preview and the test send receive: the action as typed (possibly half-typed, so
// parsed leniently; the strict draft schema's complaints come back as problems), plus the sample.
import { z } from "zod";
import { CONTENT_TYPES, FIELD_TYPES, HTTP_METHODS } from "../webhooks/types";
import { DEFAULT_TIMEOUT_SECONDS, MAX_FIELDS, MAX_HEADERS, MAX_TIMEOUT_SECONDS, MAX_URL_LENGTH, MAX_VALUE_BYTES } from "./limits";
import { actionDraftSchema, type ActionDraft, type FieldErrors, fieldErrorsOf } from "./schemas";
import { MAPPED_KINDS, MAX_RESPONSE_MAPPINGS, responseMappingEntrySchema } from "../webhooks/response-mapping";

// Generous caps: the strict schema reports the real limits; these only bound the work per request.
const lenientActionSchema = z.object({
  id: z.string().max(64).optional(),
  copiedFrom: z.string().max(64).optional(),
  name: z.string().max(400).default("Webhook").catch("Webhook"),
  method: z.enum(HTTP_METHODS).default("POST").catch("POST"),
  url: z.string().max(MAX_URL_LENGTH * 2),
  contentType: z.enum(CONTENT_TYPES).default("application/json").catch("application/json"),
  fields: z
    .array(z.object({ key: z.string().max(1000), value: z.string().max(MAX_VALUE_BYTES * 2), type: z.enum(FIELD_TYPES).default("text").catch("text") }))
    .max(MAX_FIELDS * 2)
    .default([]),
  headers: z
    .array(z.object({ name: z.string().max(1000), value: z.string().max(MAX_VALUE_BYTES * 2), secret: z.boolean().default(false).catch(false) }))
    .max(MAX_HEADERS * 2)
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

export const sampleRequestSchema = z.object({
  action: lenientActionSchema,
  campaign: z.object({ id: z.string().max(64).nullish(), name: z.string().max(400).default("Untitled campaign").catch("Untitled campaign") }),
  userId: z.string().max(200).nullish(),
  eventParams: sampleObject("Sample event parameters").nullish(),
  /** ad-hoc "Test user attributes" (test send only) */
  attributes: sampleObject("Test user attributes").nullish(),
});

export type SampleRequest = z.input<typeof sampleRequestSchema>;
export type ParsedSampleRequest = z.output<typeof sampleRequestSchema>;

/** The half-typed action made renderable (rows without a key are skipped) + what would block a save. */
export function renderableDraft(action: ParsedSampleRequest["action"]): { draft: ActionDraft; problems: FieldErrors } {
  const strict = actionDraftSchema.safeParse(action);
  const draft: ActionDraft = {
    ...action,
    url: action.url.trim(),
    fields: action.fields.filter((f) => f.key.trim()).map((f) => ({ ...f, key: f.key.trim() })),
    headers: action.headers.filter((h) => h.name.trim()).map((h) => ({ ...h, name: h.name.trim() })),
    // a test send shows what the rows typed so far would save; a half-typed row is left out
    responseMapping: action.responseMapping.flatMap((m) => {
      const row = responseMappingEntrySchema.safeParse(m);
      return row.success ? [row.data] : [];
    }).slice(0, MAX_RESPONSE_MAPPINGS),
  };
  return { draft, problems: strict.success ? {} : fieldErrorsOf(strict.error) };
}
