// The drafts the campaign editor sends and the server actions and routes validate: one schema for
// the form's inline errors, the save, the preview, the test send and the API (which differs only in
// taking numbers as JSON numbers, not as typed). Client-safe (zod only).
import { z } from "zod";
import { CONTENT_TYPES, FIELD_TYPES, HTTP_METHODS } from "../webhooks/types";
import {
  DEFAULT_TIMEOUT_SECONDS,
  MAX_FIELDS,
  MAX_HEADERS,
  MAX_KEY_LENGTH,
  MAX_TIMEOUT_SECONDS,
  MAX_URL_LENGTH,
  MAX_WEBHOOKS,
  MAX_VALUE_BYTES,
} from "./limits";
import { HEADER_NAME_CHARACTERS, HEADER_NAME_TOKEN, headerNameProblem, headerValueCharacterProblem } from "../webhooks/request-headers";
import { isStorableText, unstorableText } from "../db/storable-text";
import { goalEventSchema, goalWindowHoursSchemaFor } from "./goals";
import { numberInput, type NumberSource } from "./number-input";
import { urlHasCredentials } from "../webhooks/url-credentials";
import { urlAuthorityProblem } from "../webhooks/url-authority";
import { urlPasswordProblem } from "./url-password";
import { MAX_CONTROL_PERCENT, MAX_EXTRA_VARIANTS, MAX_VARIANTS, splitProblems, variantKey } from "./variants";
import { responseMappingSchema } from "../webhooks/response-mapping";

const UNSTORABLE_MESSAGE = "Text cannot contain the NUL character (U+0000) or a broken character (half of a UTF-16 surrogate pair)";

const utf8Length = (s: string) => new TextEncoder().encode(s).length;

const templateValue = z
  .string()
  .refine((v) => utf8Length(v) <= MAX_VALUE_BYTES, `A value can be at most 16 KiB`);

export const dataFieldSchema = z.object({
  key: z.string().trim().min(1, "Enter a key").max(MAX_KEY_LENGTH, `A key can be at most ${MAX_KEY_LENGTH} characters`),
  value: templateValue,
  type: z.enum(FIELD_TYPES).default("text"),
});

export const headerFieldSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, "Enter a header name")
    .max(MAX_KEY_LENGTH, `A header name can be at most ${MAX_KEY_LENGTH} characters`)
    .regex(HEADER_NAME_TOKEN, HEADER_NAME_CHARACTERS),
  value: templateValue.superRefine((v, ctx) => {
    const problem = headerValueCharacterProblem(v);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  }),
  secret: z.boolean().default(false),
});

/** The request a webhook sends: method, URL, content type, fields, headers (all a destination template keeps of one). */
const webhookRequestShape = {
  method: z.enum(HTTP_METHODS, "Choose POST, PUT, PATCH or GET").default("POST"),
  url: z
    .string()
    .trim()
    .min(1, "Enter the URL the webhook is sent to")
    .max(MAX_URL_LENGTH, `The URL can be at most ${MAX_URL_LENGTH.toLocaleString("en-US")} characters`)
    .refine((u) => /^(https?:\/\/|\{\{)/i.test(u), "The URL must start with https:// or http://"),
  contentType: z.enum(CONTENT_TYPES, "Choose JSON or form-encoded").default("application/json"),
  fields: z.array(dataFieldSchema).max(MAX_FIELDS, `A webhook can have at most ${MAX_FIELDS} fields`).default([]),
  headers: z.array(headerFieldSchema).max(MAX_HEADERS, `A webhook can have at most ${MAX_HEADERS} headers`).default([]),
};

/** What a webhook is (the step's own and each variant's): its request, named, and which saved row it edits. */
const webhookContentShape = {
  /** the saved action (or variant row) this draft edits */
  id: z.string().max(64).optional(),
  /** a duplicate not saved yet: the saved action whose stored secrets "••••" stands for */
  copiedFrom: z.string().max(64).optional(),
  name: z.string().trim().min(1, "Give the webhook a name").max(80, "A webhook name can be at most 80 characters").default("Webhook"),
  ...webhookRequestShape,
};

type WebhookContent = { url: string; fields: { key: string }[]; headers: { name: string }[] };

function checkWebhookContent(draft: WebhookContent, ctx: z.RefinementCtx) {
  const bad = unstorableText(draft);
  if (bad) ctx.addIssue({ code: "custom", path: bad.path.split("."), message: `Text cannot contain ${bad.problem}` });
  const seenKeys = new Map<string, number>();
  draft.fields.forEach((f, i) => {
    if (seenKeys.has(f.key)) ctx.addIssue({ code: "custom", path: ["fields", i, "key"], message: `Duplicate key "${f.key}"` });
    else seenKeys.set(f.key, i);
  });
  const urlProblem = urlPasswordProblem(draft.url) ?? urlAuthorityProblem(draft.url);
  if (urlProblem) ctx.addIssue({ code: "custom", path: ["url"], message: urlProblem });
  const seenHeaders = new Set<string>();
  const credentials = urlHasCredentials(draft.url);
  draft.headers.forEach((h, i) => {
    const lower = h.name.toLowerCase();
    const problem = headerNameProblem(h.name, i, credentials);
    if (problem) {
      ctx.addIssue({ code: "custom", path: ["headers", i, "name"], message: problem.message });
    } else if (seenHeaders.has(lower)) {
      ctx.addIssue({ code: "custom", path: ["headers", i, "name"], message: `Duplicate header "${h.name}"` });
    }
    seenHeaders.add(lower);
  });
}

/**
 * A webhook's request alone, checked as the editor checks a webhook's: what a destination template
 * keeps (destination-template-schemas.ts). Other keys are dropped ("strip": the editor saves its whole
 * draft as a template) or refused ("strict": the API, where a dropped key would be lost without a word).
 */
export function webhookRequestSchema(otherKeys: "strip" | "strict") {
  return (otherKeys === "strict" ? z.strictObject(webhookRequestShape) : z.object(webhookRequestShape)).superRefine(checkWebhookContent);
}

/**
 * Each saved webhook and variant of a campaign's draft at most once: the save writes a draft's webhook
 * to the row its id names, so a second one with that id would overwrite the first without a word.
 * The later one is named ("actions.1.id"), where the editor shows it on that webhook (or variant) tab.
 */
function checkDistinctIds(actions: { id?: string; variants: { id?: string }[] }[], ctx: z.RefinementCtx) {
  const seen = new Map<string, "webhook" | "variant">();
  const check = (id: string | undefined, kind: "webhook" | "variant", path: (string | number)[]) => {
    if (!id) return;
    const first = seen.get(id);
    if (!first) return void seen.set(id, kind);
    const who = first !== kind ? "A webhook and a variant" : kind === "webhook" ? "Two webhooks" : "Two variants";
    ctx.addIssue({ code: "custom", path, message: `${who} have the id ${id}` });
  };
  actions.forEach((a, i) => {
    check(a.id, "webhook", [i, "id"]);
    a.variants.forEach((v, j) => check(v.id, "variant", [i, "variants", j, "id"]));
  });
}

function draftSchemas(source: NumberSource) {
  const percent = (what: string, min: number, max: number) =>
    numberInput(source, `Enter ${what} in percent`).int(`Enter ${what} in whole percent`).min(min, `${what[0]!.toUpperCase()}${what.slice(1)} is at least ${min}%`).max(max, `${what[0]!.toUpperCase()}${what.slice(1)} is at most ${max}%`);

  /** A variant (B, C, ...) of a webhook: its own content, sent to `splitPercent` of the users not held out. */
  const variant = z
    .object({ ...webhookContentShape, splitPercent: percent("the split", 1, 99).default(50) })
    .superRefine(checkWebhookContent);

  const action = z
    .object({
      ...webhookContentShape,
      /** the destination template this webhook was started from (lib/campaigns/destination-templates.ts) */
      templateId: z.string().max(64).optional(),
      timeoutSeconds: numberInput(source, "Enter a number of seconds")
        .int("Enter whole seconds")
        .min(1, "The timeout is at least 1 second")
        .max(MAX_TIMEOUT_SECONDS, `The timeout is at most ${MAX_TIMEOUT_SECONDS} seconds`)
        .default(DEFAULT_TIMEOUT_SECONDS),
      /** variant A's share when the webhook has variants (ignored otherwise) */
      splitPercent: percent("the split", 1, 100).default(100).meta({ description: "With variants: variant A's share, in percent of the users not held out (A's and the variants' add up to 100)" }),
      /** the percent of users held out and sent nothing, by this webhook and every later one */
      controlPercent: percent("the control group", 0, MAX_CONTROL_PERCENT)
        .default(0)
        .meta({ description: "The percent of users held out as a control group (0 to 90): assigned, sent nothing by this webhook and every later one of the campaign (they are the later webhooks' control group too)" }),
      variants: z
        .array(variant)
        .max(MAX_EXTRA_VARIANTS, `A webhook can have at most ${MAX_VARIANTS} variants (A to P)`)
        .default([])
        .meta({ description: "Variants B, C, ... of this webhook (up to 15; the webhook itself is A): each its own URL, content type, fields and headers, and a split. Users are assigned by a stable hash of campaign, webhook and user" }),
      /** "Save response to user": JSON paths of a 2xx JSON answer saved into user attributes */
      responseMapping: responseMappingSchema.default([]),
    })
    .superRefine((draft, ctx) => {
      checkWebhookContent(draft, ctx);
      if (draft.variants.length === 0) return;
      const split = { controlPercent: draft.controlPercent, variants: [draft, ...draft.variants].map((v, i) => ({ key: variantKey(i), splitPercent: v.splitPercent })) };
      // range problems are the fields' own; what is left is the sum
      for (const p of splitProblems(split)) if (p.message.includes("add up")) ctx.addIssue({ code: "custom", path: p.path.split("."), message: p.message });
    });

  const campaign = z.object({
    id: z.string().max(64).optional(),
    name: z.string().trim().min(1, "Give the campaign a name").max(120, "A campaign name can be at most 120 characters").refine(isStorableText, UNSTORABLE_MESSAGE),
    // left out, a save keeps the stored one (a new campaign's is empty): an API PUT of the name alone erased it
    description: z.string().trim().max(1000, "A description can be at most 1,000 characters").refine(isStorableText, UNSTORABLE_MESSAGE).optional(),
    actions: z.array(action).max(MAX_WEBHOOKS, `A campaign can have at most ${MAX_WEBHOOKS} webhooks`).superRefine(checkDistinctIds).default([]),
    // the conversion goal (./goals.ts); left out, a save keeps the stored one
    goalEvent: goalEventSchema.optional(),
    goalWindowHours: goalWindowHoursSchemaFor(source).optional(),
  });
  return { variant, action, campaign };
}

// The editor's: its forms hold numbers as typed ("15"), which its server actions, preview and test send coerce.
const typed = draftSchemas("typed");
export const variantDraftSchema = typed.variant;
export const actionDraftSchema = typed.action;
// The editor's save also says which version of the campaign it was made from (saveCampaign refuses an older one);
// the API says it with If-Match instead, so its body has no such key
export const campaignDraftSchema = typed.campaign.extend({ version: z.number().int().min(1).max(2_147_483_647).optional() });

// The public API's: the same drafts, numbers as JSON numbers (lib/campaigns/number-input.ts).
const json = draftSchemas("json");
export const actionJsonSchema = json.action;
export const campaignJsonSchema = json.campaign;

export type VariantDraftInput = z.input<typeof variantDraftSchema>;
export type ActionDraftInput = z.input<typeof actionDraftSchema>;
export type ActionDraft = z.output<typeof actionDraftSchema>;
export type CampaignDraftInput = z.input<typeof campaignDraftSchema>;
export type CampaignDraft = z.output<typeof campaignDraftSchema>;

// The action result and its field errors live with every other server action's (lib/api/action-result.ts).
export { fieldErrorsOf, invalid, type ActionResult, type FieldErrors } from "../api/action-result";
