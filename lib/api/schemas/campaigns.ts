// The campaigns API's shapes. Request bodies reuse the editor's own draft schema (lib/campaigns),
// so the API and the editor accept exactly the same campaigns; only numbers differ, JSON numbers
// here where the editor's forms send them as typed (lib/campaigns/number-input.ts).
import { z } from "zod";
import { campaignSearchSchema, campaignStatusSchema } from "../../campaigns/campaign-list-query";
import { campaignJsonSchema } from "../../campaigns/schemas";
import { CAMPAIGN_STATUSES, DELIVERY_STATES } from "../../delivery/core/states";
import { HOLDS } from "../../delivery/core/hold-reason";
import { deliveryStateSchema, logCursorSchema } from "./delivery-log";
import { deliverySettingsBodySchema, deliverySettingsResponseSchema } from "./delivery-settings";

export const campaignBodySchema = campaignJsonSchema.omit({ id: true }).strict().meta({ id: "CampaignInput" });

/** A new campaign may say how it delivers in the same call (its webhooks named "@0", "@1"… by position). */
export const campaignCreateBodySchema = campaignBodySchema
  .extend({ delivery: deliverySettingsBodySchema.optional() })
  .meta({ id: "CampaignCreateInput" });

export const campaignSummarySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    status: z.string(),
    actionCount: z.number().int(),
    updatedAt: z.iso.datetime(),
    destinations: z.array(z.string()).meta({ description: 'The hosts its webhooks send to ("crm.example.com", with a port when not the default)' }),
  })
  .meta({ id: "CampaignSummary" });

export const listCampaignsQuerySchema = z
  .object({
    cursor: z.string().max(400).optional().meta({ description: "nextCursor from the previous page" }),
    limit: z.coerce.number().int("A whole number").min(1, "At least 1").max(1000, "At most 1000").default(100),
    status: campaignStatusSchema.optional().meta({ description: "Only campaigns in this state" }),
    search: campaignSearchSchema.optional().meta({ description: "Only campaigns whose name contains this (A-Z in either case, other letters as typed)" }),
  })
  .strict();

export const campaignsPageSchema = z
  .object({ campaigns: z.array(campaignSummarySchema), nextCursor: z.string().nullable() })
  .meta({ id: "CampaignsPage" });

export const campaignSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    status: z.enum(CAMPAIGN_STATUSES),
    updatedAt: z.iso.datetime(),
    version: z.number().int().meta({ description: "Goes up by one with every save that changes the name, description, goal or webhooks (not with a save changing nothing, delivery settings or status changes); the ETag, for If-Match on PUT" }),
    goalEvent: z.string().nullable().meta({ description: "The event that counts as a conversion; null for no goal" }),
    goalWindowHours: z.number().int().meta({ description: "Hours after a user's first delivered webhook the goal event counts (1..720)" }),
    actions: z.array(z.record(z.string(), z.unknown()).meta({ description: "A webhook action as the editor shows it; secrets are masked as ••••" })),
    delivery: deliverySettingsResponseSchema.optional().meta({ description: "After a create with `delivery`: the settings as saved, its webhooks by id" }),
    notices: z
      .record(z.string(), z.string())
      .optional()
      .meta({ description: 'After a save: what it changed that the caller must act on, by field, e.g. "actions.0.url": a stored secret sent as •••• that could not be kept (another campaign\'s action, a copy by a non-admin, or another origin): send it again' }),
  })
  .meta({ id: "Campaign" });

export const unknownAttributeWarningSchema = z
  .object({
    kind: z.literal("unknown-attribute"),
    attribute: z.string().meta({ description: 'The attribute read, as written: "frstName" of `{{user.frstName}}`' }),
    suggestion: z.string().nullable().meta({ description: 'The closest attribute users have, when a slip of a letter or two away ("firstName"); null otherwise (and past the first ten references of a webhook)' }),
    where: z.string().meta({ description: 'Where, as the editor names it: "Webhook 1 (CRM): the URL", "Webhook 1 (CRM), variant B: data field \"name\"", "Webhook 2 (Mail): header \"X-Name\""' }),
    field: z.string().meta({ description: 'The field by the campaign body\'s path, as validation errors name it: "actions.0.url", "actions.0.fields.1.value", "actions.0.variants.0.headers.0.value"' }),
    actionId: z.string().meta({ description: "The id of the webhook (or variant) that reads it" }),
    message: z.string().meta({ description: "The editor's warning line for it" }),
  })
  .meta({
    id: "UnknownAttributeWarning",
    description:
      "A `{{user.X}}` / `{{userAttribute.X}}` whose attribute no user has and no earlier step of this campaign saves from its response (the webhook's own mapping and a later one's do not count: they have not answered when it sends; another campaign's mapping does not count until it has saved it for someone): it renders empty for every user. A warning: the campaign was activated or resumed all the same, as the editor lets you confirm.",
  });

export const sampleFailureWarningSchema = z
  .object({
    kind: z.literal("sample-failure"),
    message: z.string().meta({ description: 'The editor\'s line for it: "Webhook 1 (Hook): fails for 2 of 8 users tried, e.g. user some_03: Data field \"age\": \"old\" is not a number"' }),
  })
  .meta({
    id: "SampleFailureWarning",
    description:
      "A webhook (or variant) whose request cannot be built for some of the audience's first 20 users (by id), rendered as a delivery would: those users' deliveries will fail. A warning: the campaign was activated or resumed all the same (one that fails for every user tried is refused with a 409 instead).",
  });

export const emptyInUrlWarningSchema = z
  .object({
    kind: z.literal("empty-in-url"),
    message: z.string().meta({ description: 'The editor\'s line for it: "Webhook 1 (CRM): user.crmId is empty for 3 of 8 users tried; it is in the URL\'s path, so their requests go to another address, /crm/ (write {{required user.crmId}} to skip users without it)"' }),
  })
  .meta({
    id: "EmptyInUrlWarning",
    description:
      "A variable of a webhook's (or variant's) URL that renders empty for some of the audience's first 20 users (by id): their requests go to another address (`/crm/` for `/crm/{{user.crmId}}`), or, for a query value (`?city={{user.city}}`), are sent with that parameter empty. Not said when it is empty for every user tried (an unknown attribute), nor inside `{{required}}`, which skips such users. A warning: the campaign was activated or resumed all the same.",
  });

const warningsSchema = z
  .array(z.discriminatedUnion("kind", [unknownAttributeWarningSchema, sampleFailureWarningSchema, emptyInUrlWarningSchema]))
  .meta({ description: "What the editor's Activate and Resume confirmations warn of, said after the fact: empty when nothing (unknown attributes are left out when the attribute catalogue cannot be read)" });

export const activationSchema = z
  .object({
    status: z.literal("active"),
    counts: z
      .object({
        scheduled: z.number().int().meta({ description: "Deliveries planned to be sent (one per user per webhook; none for a triggered campaign until its event)" }),
        suppressed: z.number().int().meta({ description: "Deliveries planned as suppressed at once (no send time could be set, or it fell after the end date)" }),
        control: z.number().int().meta({ description: "Deliveries held out for the control group: one per held-out user per webhook (a user held out at a step is held out of each later one)" }),
        controlUsers: z.number().int().meta({ description: "Users held out for the control group" }),
        earliest: z.iso.datetime().nullable().meta({ description: "When the first planned delivery is due" }),
      })
      .meta({ description: "What the activation planned" }),
    warnings: warningsSchema,
  })
  .meta({ id: "Activation" });

export const resumeQuerySchema = z
  .object({
    catchUp: z
      .enum(["true", "false"], { message: "catchUp is true or false" })
      .optional()
      .describe("true: also plan the events that arrived while the campaign was paused (triggered campaigns)"),
  })
  .strict();

export const resumedSchema = z.object({
  status: z.literal("active"),
  message: z.string(),
  caughtUp: z.object({ events: z.number().int(), scheduled: z.number().int(), suppressed: z.number().int() }).nullable(),
  warnings: warningsSchema,
});

export const deliveriesQuerySchema = z
  .object({
    state: deliveryStateSchema.optional(),
    page: z.coerce.number().int().min(1, "Pages start at 1").max(1_000_000).default(1).meta({ description: "A numbered page (1 by default), read by offset; ignored with `cursor`" }),
    cursor: logCursorSchema.optional().meta({ description: "nextCursor from the previous page: the page after it, as fast at any depth" }),
  })
  .strict();

const deliveryRowSchema = z
  .object({
    id: z.string(),
    campaignId: z.string(),
    campaignName: z.string(),
    actionId: z.string().meta({ description: "The webhook (an action of GET /api/v1/campaigns/{id}) it belongs to; `variant` says which of its variants was sent" }),
    actionName: z.string(),
    variant: z.string().nullable().meta({ description: 'The A/B variant sent ("A" = the webhook itself, "B".."P" its variants); null when the webhook has no variants' }),
    userId: z.string(),
    state: z.string(),
    reason: z.string().nullable(),
    hold: z
      .enum(HOLDS)
      .nullable()
      .meta({ description: 'Why a waiting delivery is held rather than going out at its due time: "campaign_paused" (its campaign is paused: it goes out when it is resumed), "quiet_hours" (it goes out when they end, as its reason says), "before_start" (its campaign\'s start date has not come: it goes out then, as its reason says), "earlier_step" (it reads what an earlier webhook of the campaign saves from its response, and that webhook\'s delivery to the same user has not finished: it goes out once it has, as its reason says); null otherwise' }),
    plannedAt: z.iso.datetime(),
    dueAt: z.iso.datetime(),
    attempts: z.number().int().meta({ description: "Requests sent (a refused connection or a timeout included); an attempt that failed before a request existed (a template error, a follow-up whose earlier step saved nothing for the user) is not counted: 0 for a delivery that sent none. GET /api/v1/deliveries/{id} lists every attempt" }),
    lastStatus: z.number().int().nullable(),
    durationMs: z.number().nullable(),
    sentAt: z.iso.datetime().nullable(),
  })
  .meta({ id: "Delivery" });

export const deliveriesPageSchema = z
  .object({
    page: z.number().int().nullable().meta({ description: "The page's number; null on a page read by `cursor`" }),
    pageSize: z.number().int(),
    total: z.number().int().meta({ description: "Deliveries matching, counted up to 10,000: with `totalCapped` there are more" }),
    totalCapped: z.boolean().meta({ description: "true when more than `total` (10,000) deliveries match; `pages` then counts the first 10,000" }),
    pages: z.number().int(),
    items: z.array(deliveryRowSchema),
    nextCursor: z.string().nullable().meta({ description: "Pass it back as `cursor` (same `state`) for the next page; null on the last page" }),
  })
  .meta({ id: "DeliveriesPage" });

export const deliveryDetailSchema = z
  .object({
    id: z.string(),
    webhookId: z.string().meta({ description: "The Standard Webhooks `webhook-id`, the same on every attempt" }),
    campaignId: z.string(),
    campaignName: z.string(),
    actionId: z.string(),
    actionName: z.string(),
    variant: z.string().nullable(),
    userId: z.string(),
    state: z.enum(DELIVERY_STATES),
    reason: z.string().nullable(),
    hold: z.enum(HOLDS).nullable(),
    triggerKey: z.string().meta({ description: 'What planned it: "activation", "event:<id>", "occurrence:<time>", …' }),
    plannedAt: z.iso.datetime(),
    nextAttemptAt: z.iso.datetime().nullable().meta({ description: 'When it is due next, while it waits (scheduled or retrying); with `hold` "campaign_paused" it goes out only once the campaign is resumed' }),
    attempts: z.array(
      z.object({
        number: z.number().int(),
        startedAt: z.iso.datetime(),
        durationMs: z.number(),
        outcome: z.string().meta({ description: "delivered, retryable or failed" }),
        status: z.number().int().nullable(),
        error: z.string().nullable(),
        request: z.unknown().meta({ description: "The request as sent: method, url, headers ([name, value] pairs, secrets and the signature masked as ••••), body (its first 8 KiB) and bodyTruncated" }),
        response: z.unknown().meta({ description: "The response: status, statusText, headers, body (its first 8 KiB), bodyTruncated, and savedToUser (the attributes its response mapping set); null when none came" }),
        timings: z.unknown().meta({ description: "dnsMs, firstByteMs, totalMs; null when nothing was sent" }),
        nextAttemptAt: z.iso.datetime().nullable(),
        retriedBy: z.string().nullable().meta({ description: "Who retried the delivery by hand after this attempt (Retry, Retry all failed), as the audit log names them; null when its retry policy retried it, or nothing followed" }),
      }),
    ),
  })
  .meta({ id: "DeliveryDetail" });
