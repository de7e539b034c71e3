// What a destination template is made of, as the editor's "Save as template", Settings › Webhook
// templates and /api/v1/templates send it: one schema for the forms, the server actions, the routes
// and the OpenAPI document. A template keeps of a webhook only its request (method, URL, content type,
// fields, headers: webhookRequestSchema, checked as the editor checks a webhook's); the editor's save
// sends its whole draft and the rest is dropped, the API refuses the rest by name. Text neither
// database can store is refused where every caller enters (the API's body reader, defineAction:
// lib/db/storable-text.ts). Client-safe (zod only).
import { z } from "zod";
import { CONTENT_TYPES, FIELD_TYPES, HTTP_METHODS } from "../webhooks/types";
import { webhookRequestSchema } from "./schemas";

export const templateNameSchema = z
  .string()
  .trim()
  .min(1, "Give the template a name")
  .max(80, "A template name can be at most 80 characters");
const templateDescriptionSchema = z.string().trim().max(500, "A description can be at most 500 characters");
const secretNoteSchema = z.string().trim().max(1000, "The note can be at most 1,000 characters");

function templateSchemas(webhook: ReturnType<typeof webhookRequestSchema>) {
  const input = z
    .object({
      name: templateNameSchema,
      description: templateDescriptionSchema.default(""),
      secretNote: secretNoteSchema.default("").meta({ description: "Where to find the secret the webhook needs (shown when a webhook starts from the template)" }),
      webhook: webhook.meta({
        description: "The webhook to start from: what a template keeps of one (method, url, contentType, fields, headers). Secrets are never saved: secret header values, secret-looking values, the URL password and secret query parameters are stored empty",
      }),
    })
    .strict();
  const patch = z
    .object({ name: templateNameSchema, description: templateDescriptionSchema, secretNote: secretNoteSchema, webhook })
    .partial()
    .strict()
    .refine((p) => Object.values(p).some((v) => v !== undefined), "Send at least one of name, description, secretNote, webhook");
  return { input, patch };
}

// The forms' (the editor's whole webhook draft, the rest dropped) and the API's (the rest refused)
const typed = templateSchemas(webhookRequestSchema("strip"));
const json = templateSchemas(webhookRequestSchema("strict"));
export const templateInputSchema = typed.input;
export const templatePatchSchema = typed.patch;
export const templateInputJsonSchema = json.input;
export const templatePatchJsonSchema = json.patch;
export type TemplateInput = z.input<typeof templateInputSchema>;
export type TemplateInputParsed = z.output<typeof templateInputSchema>;
export type TemplatePatch = z.output<typeof templatePatchSchema>;
export type TemplateWebhook = TemplateInputParsed["webhook"];

/** The keys of a webhook a template keeps (the API names them when it refuses another). */
export const TEMPLATE_WEBHOOK_KEYS = Object.keys(json.input.shape.webhook.shape) as (keyof TemplateWebhook)[];

/** A template as listed (built-in or saved) and as the API answers it. */
export const destinationTemplateSchema = z.object({
  id: z.string().meta({ description: 'Built-in templates have ids starting "builtin-"' }),
  builtIn: z.boolean(),
  name: z.string(),
  description: z.string(),
  secretNote: z.string(),
  webhook: z.object({
    method: z.enum(HTTP_METHODS),
    url: z.string().meta({ description: "The URL pattern; {{ }} names the parts to fill in" }),
    contentType: z.enum(CONTENT_TYPES),
    fields: z.array(z.object({ key: z.string(), value: z.string(), type: z.enum(FIELD_TYPES) })),
    headers: z.array(z.object({ name: z.string(), value: z.string().meta({ description: "Always empty when secret" }), secret: z.boolean() })),
  } satisfies Record<keyof TemplateWebhook, z.ZodType>),
  createdBy: z.string().nullable(),
  updatedAt: z.iso.datetime().nullable(),
});
export type DestinationTemplateView = z.output<typeof destinationTemplateSchema>;
