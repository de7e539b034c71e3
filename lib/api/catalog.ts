// Every /api/v1 route, described once: the OpenAPI document and the in-app API reference are both
// built from this list and from the zod schemas the routes validate with.
import type { z } from "zod";
import type { Role } from "../auth/roles";
import { env } from "../env";
import { deliverySettingsBodySchema, deliverySettingsResponseSchema } from "./schemas/delivery-settings";
import { activationSchema, campaignBodySchema, campaignCreateBodySchema, deliveryDetailSchema, campaignSchema, campaignSummarySchema, deliveriesPageSchema, deliveriesQuerySchema, resumedSchema, resumeQuerySchema } from "./schemas/campaigns";
import { campaignResultsSchema } from "./schemas/results";
import { savedTemplateSchema, templateBodySchema, templateListSchema, templatePatchBodySchema, templateSchema } from "./schemas/templates";
import { eventsBodyDocSchema } from "../audience/events";
import { listUsersQuerySchema, upsertResultSchema, usersBodyDocSchema, usersPageSchema, userWithSourcesSchema } from "./schemas/users";
import { z as zod } from "zod";

export type RouteDoc = {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  summary: string;
  description?: string;
  role: Role;
  tag: "Users" | "Events" | "Campaigns" | "Deliveries" | "Templates";
  body?: z.ZodType;
  query?: z.ZodObject;
  response?: { status: number; schema?: z.ZodType; description: string };
  errors: number[];
};

const common = [401, 403, 429];
const withBody = [400, 413, 415, ...common];

export const apiRoutes: RouteDoc[] = [
  { method: "POST", path: "/api/v1/users", tag: "Users", role: "editor", summary: "Create or update users", description: "One user, or `{ \"users\": [...] }` with up to 1,000. Attributes merge into the stored ones; an attribute sent as null is removed. A user holds at most 500 attributes and 256 KiB of them as JSON, with what they already hold: a request that would take one past is a 400 naming them, and nothing is written.", body: usersBodyDocSchema, response: { status: 200, schema: upsertResultSchema, description: "How many users were created and updated" }, errors: withBody },
  { method: "GET", path: "/api/v1/users", tag: "Users", role: "viewer", summary: "List users", description: "Ordered by id, `limit` of them, fewer when their attributes pass 8 MiB as JSON (a page always holds one). Pass `nextCursor` back as `cursor` for the next page; it is null on the last page.", query: listUsersQuerySchema, response: { status: 200, schema: usersPageSchema, description: "A page of users" }, errors: [400, ...common] },
  { method: "GET", path: "/api/v1/users/{userId}", tag: "Users", role: "viewer", summary: "Get a user", description: "With `attributeSources`: the attributes a campaign's response mapping set, and which campaign.", response: { status: 200, schema: userWithSourcesSchema, description: "The user" }, errors: [404, ...common] },
  { method: "DELETE", path: "/api/v1/users/{userId}", tag: "Users", role: "editor", summary: "Delete a user", description: "Also deletes the user's events and deliveries (the right to be forgotten).", response: { status: 204, description: "Deleted" }, errors: [404, ...common] },
  { method: "POST", path: "/api/v1/events", tag: "Events", role: "editor", summary: "Track events", description: "One event, or `{ \"events\": [...] }` with up to 1,000. Unknown users are created; triggered campaigns plan their deliveries.", body: eventsBodyDocSchema, response: { status: 202, schema: zod.object({ accepted: zod.number().meta({ description: "Every event of the request, duplicates included" }), duplicates: zod.number().meta({ description: "Events ignored because their `id` was tracked before" }), usersCreated: zod.number(), scheduled: zod.number(), suppressed: zod.number() }), description: "Accepted" }, errors: withBody },
  { method: "GET", path: "/api/v1/campaigns", tag: "Campaigns", role: "viewer", summary: "List campaigns", response: { status: 200, schema: zod.object({ campaigns: zod.array(campaignSummarySchema) }), description: "Every campaign, most recently changed first" }, errors: common },
  { method: "POST", path: "/api/v1/campaigns", tag: "Campaigns", role: "editor", summary: "Create a campaign", description: "A draft with its webhook actions, validated exactly as the editor validates it; an unknown key in an action, a variant, a field or a header is a 400 naming it (a misspelt `secret` would otherwise store a plain header). `goalEvent` (null for none) and `goalWindowHours` (1..720, default 168) set the conversion goal. An action's `responseMapping` (up to 20 `{ path, attribute, type? }`) saves values of its 2xx JSON response into user attributes. `delivery` (optional, as `PUT /api/v1/campaigns/{id}/delivery` takes it, its webhooks named `\"@0\"`, `\"@1\"`… by position) says when and to whom it sends, in the same transaction; without it the draft sends once to everyone on activation.", body: campaignCreateBodySchema, response: { status: 201, schema: campaignSchema, description: "The new draft" }, errors: withBody },
  { method: "GET", path: "/api/v1/campaigns/{id}", tag: "Campaigns", role: "viewer", summary: "Get a campaign", description: "Secrets (URL passwords, a URL user name with an empty password such as `sk_live_…:`, secret headers) come back masked: `https://name:••••@host`, `https://••••@host`.", response: { status: 200, schema: campaignSchema, description: "The campaign" }, errors: [404, ...common] },
  { method: "PUT", path: "/api/v1/campaigns/{id}", tag: "Campaigns", role: "editor", summary: "Update a campaign", description: "An action sent with its `id` is updated in place, one without an `id` (or with an id that is not one of this campaign's webhooks) is added as a new webhook, and the campaign's actions left out of the body stay as they are (to delete one, `DELETE /api/v1/campaigns/{id}/actions/{actionId}`). A masked secret (••••) keeps the stored one. The `actions` of a GET's answer can be sent back as they are (their read-only `signing` is ignored); the campaign's own `id`, `status` and `updatedAt` cannot: like any other unknown key they are a 400, as on create. Leave `goalEvent` or `goalWindowHours` out to keep the stored goal. A variant that has deliveries cannot be removed (409: set its split lower instead). A campaign holds at most 20 webhooks, those left out counted: a save that would leave it with more is a 409.", body: campaignBodySchema, response: { status: 200, schema: campaignSchema, description: "The saved campaign" }, errors: [404, 409, ...withBody] },
  { method: "DELETE", path: "/api/v1/campaigns/{id}", tag: "Campaigns", role: "editor", summary: "Delete a campaign", description: "With its webhooks and all its deliveries, sent or waiting (nothing more is sent; a request already on the wire may still arrive). Audited.", response: { status: 204, description: "Deleted" }, errors: [404, ...common] },
  { method: "DELETE", path: "/api/v1/campaigns/{id}/actions/{actionId}", tag: "Campaigns", role: "editor", summary: "Delete a webhook of a campaign", description: "`actionId` is a webhook's `id` as `GET /api/v1/campaigns/{id}` lists it; its variants go with it (a variant's own id is a 404: remove a variant with `PUT`, its webhook sent without it). As the editor's Delete: only while the webhook has no deliveries, sent or waiting (409: they and their log would go with it; duplicate the campaign to change its webhooks), and never the last webhook of an active or paused campaign (409: add another first, or delete the campaign). Audited (`campaign.action_deleted`).", response: { status: 204, description: "Deleted" }, errors: [404, 409, ...common] },
  { method: "POST", path: "/api/v1/campaigns/{id}/actions/{actionId}/signing-secret", tag: "Campaigns", role: "editor", summary: "Generate or rotate a webhook's signing secret", description: "Its requests then carry Standard Webhooks signatures (`webhook-signature: v1,<base64 HMAC-SHA256 of id.timestamp.body>`). The `secret` (`whsec_…`) is in this answer only; it is stored encrypted and never shown again. Replacing one keeps the old secret valid for 24 hours (`previousValidUntil`; requests carry both signatures meanwhile). A webhook whose host is a template cannot be signed (409). Audited.", response: { status: 200, schema: zod.object({ secret: zod.string(), enabled: zod.literal(true), previousValidUntil: zod.iso.datetime().nullable() }), description: "The new secret" }, errors: [404, 409, ...common] },
  { method: "DELETE", path: "/api/v1/campaigns/{id}/actions/{actionId}/signing-secret", tag: "Campaigns", role: "editor", summary: "Stop signing a webhook's requests", description: "Removes its signing secret (and a previous one still valid). Audited.", response: { status: 204, description: "Removed" }, errors: [404, ...common] },
  { method: "GET", path: "/api/v1/campaigns/{id}/delivery", tag: "Campaigns", role: "viewer", summary: "Get a campaign's delivery settings", description: "The campaign page's Delivery section: the rule (`immediate`, `scheduled`, `triggered`, `recurring`, with quiet hours), the audience (null: everyone), start and end dates, the frequency-cap exemption, and each webhook's sub-delivery, retry policy and rate limit. In the shape `PUT` takes.", response: { status: 200, schema: deliverySettingsResponseSchema, description: "The delivery settings" }, errors: [404, ...common] },
  { method: "PUT", path: "/api/v1/campaigns/{id}/delivery", tag: "Campaigns", role: "editor", summary: "Set a campaign's delivery settings", description: "Validated as the Delivery section validates them. `rule` is replaced; `audience`, `startAt`, `endAt` and `capExempt` are kept when left out; `actions` changes the webhooks it names by `id` (an id not of this campaign is a 400) and leaves the others. Dates are ISO-8601, UTC unless they carry an offset. Only while the campaign is neither active (409: pause it first) nor finished (409: duplicate it). Audited.", body: deliverySettingsBodySchema, response: { status: 200, schema: deliverySettingsResponseSchema, description: "The saved settings" }, errors: [404, 409, ...withBody] },
  { method: "POST", path: "/api/v1/campaigns/{id}/activate", tag: "Campaigns", role: "editor", summary: "Activate a campaign", description: "Only a draft; 409 with the problems when it is not ready.", response: { status: 200, schema: activationSchema, description: "Active, with the deliveries planned" }, errors: [404, 409, ...common] },
  { method: "POST", path: "/api/v1/campaigns/{id}/pause", tag: "Campaigns", role: "editor", summary: "Pause a campaign", description: "Only an active campaign; its pending deliveries wait, and events tracked while it is paused do not trigger it (they are stored: resume with `catchUp=true` to plan them).", response: { status: 200, schema: zod.object({ status: zod.literal("paused") }), description: "Paused" }, errors: [404, 409, ...common] },
  { method: "POST", path: "/api/v1/campaigns/{id}/resume", tag: "Campaigns", role: "editor", summary: "Resume a paused campaign", description: "Its waiting deliveries go out again. With `?catchUp=true` a triggered campaign also plans the events that arrived while it was paused (at most 100,000; more is refused with 409 and nothing changes), in the same transaction as the resume.", query: resumeQuerySchema, response: { status: 200, schema: resumedSchema, description: "Resumed" }, errors: [400, 404, 409, ...common] },
  { method: "GET", path: "/api/v1/campaigns/{id}/results", tag: "Campaigns", role: "viewer", summary: "Get a campaign's results", description: "Per step, per variant and for the control group: users reached, delivered and converted (the goal event within the window after their first delivered webhook; control users: after the time they would have been sent), the conversion rate with a 95% Wilson score interval, and the lift over the baseline with a pooled two-proportion z-test. No winner below 100 users and 10 conversions per group.", response: { status: 200, schema: campaignResultsSchema, description: "The results table" }, errors: [404, ...common] },
  { method: "GET", path: "/api/v1/campaigns/{id}/deliveries", tag: "Deliveries", role: "viewer", summary: "List a campaign's deliveries", query: deliveriesQuerySchema, response: { status: 200, schema: deliveriesPageSchema, description: "50 deliveries a page" }, errors: [400, 404, ...common] },
  { method: "POST", path: "/api/v1/campaigns/{id}/retry-failed", tag: "Deliveries", role: "editor", summary: "Retry a campaign's failed deliveries", description: "Every failed delivery of the campaign goes out again now, each keeping its `webhook-id` (the same as its earlier attempts); a finished campaign becomes active again while they do. Audited.", response: { status: 200, schema: zod.object({ retried: zod.number().int() }), description: "How many were scheduled again" }, errors: [404, ...common] },
  { method: "POST", path: "/api/v1/campaigns/{id}/cancel-scheduled", tag: "Deliveries", role: "editor", summary: "Cancel a campaign's waiting deliveries", description: "Its deliveries still waiting (scheduled or retrying) become cancelled and are never sent; the campaign's status does not change. Audited.", response: { status: 200, schema: zod.object({ cancelled: zod.number().int() }), description: "How many were cancelled" }, errors: [404, ...common] },
  { method: "GET", path: "/api/v1/deliveries/{id}", tag: "Deliveries", role: "viewer", summary: "Get a delivery with its attempts", description: "Each attempt's request as sent (secrets masked), its response (status, headers, the first 8 KiB of the body) and timings, as the delivery log's detail shows them.", response: { status: 200, schema: deliveryDetailSchema, description: "The delivery" }, errors: [404, ...common] },
  { method: "POST", path: "/api/v1/deliveries/{id}/retry", tag: "Deliveries", role: "editor", summary: "Retry a delivery", description: "Failed, retrying or suppressed deliveries are sent again now, with the same webhook-id.", response: { status: 200, schema: zod.object({ id: zod.string(), state: zod.literal("scheduled") }), description: "Scheduled again" }, errors: [404, 409, ...common] },
  { method: "GET", path: "/api/v1/templates", tag: "Templates", role: "viewer", summary: "List webhook templates", description: "The built-in destination templates (ids starting `builtin-`), then the saved ones by name. Secret header values are always empty; each template says where to find its secret.", response: { status: 200, schema: templateListSchema, description: "Every template" }, errors: common },
  { method: "POST", path: "/api/v1/templates", tag: "Templates", role: "editor", summary: "Save a webhook as a template", description: "`webhook` is what a template keeps of a webhook: `method`, `url`, `contentType`, `fields` and `headers`. Any other key, an action's own included (`name`, `timeoutSeconds`, `variants`, `responseMapping`, ...), is a 400 naming it, and so is an unknown key in a field or a header: nothing is dropped without a word. Secrets are never saved: secret header values, values whose name says they are secret (Authorization, X-Api-Key, token, key, sig, ...) unless they are all `{{ }}` references, masked values (••••), the URL password (and a user name without one: it is the credential then), literals under a secret name inside JSON fields, and the secret path of Slack, Teams, Discord and Zapier hook URLs are stored empty; `cleared` lists them. The name must be unused (409).", body: templateBodySchema, response: { status: 201, schema: savedTemplateSchema, description: "The saved template" }, errors: [409, ...withBody] },
  { method: "GET", path: "/api/v1/templates/{id}", tag: "Templates", role: "viewer", summary: "Get a webhook template", response: { status: 200, schema: templateSchema, description: "The template" }, errors: [404, ...common] },
  { method: "PATCH", path: "/api/v1/templates/{id}", tag: "Templates", role: "editor", summary: "Rename or edit a saved template", description: "Only saved templates (built-in ones answer 409). Webhooks started from the template do not change. A new `webhook` replaces the template's whole request, takes the same keys as on save (others are a 400 naming them) and loses its secrets as on save.", body: templatePatchBodySchema, response: { status: 200, schema: savedTemplateSchema, description: "The edited template" }, errors: [404, 409, ...withBody] },
  { method: "DELETE", path: "/api/v1/templates/{id}", tag: "Templates", role: "editor", summary: "Delete a saved template", description: "Webhooks started from it keep what they copied. Built-in templates answer 409.", response: { status: 204, description: "Deleted" }, errors: [404, 409, ...common] },
];

/** The per-key rate limit as this install applies it (HOOKLINE_API_RATE_LIMIT, HOOKLINE_API_RATE_BURST), in words. */
export function rateLimitText(): string {
  const { HOOKLINE_API_RATE_LIMIT: rate, HOOKLINE_API_RATE_BURST: burst } = env();
  return `Each key may make ${rate.toLocaleString("en-US")} requests per second with bursts of ${burst.toLocaleString("en-US")}`;
}

/** The `error.code` each status of /api/v1 carries (catalog.test.ts holds it to the codes the API's code throws). */
export const errorCodes: Record<number, string[]> = {
  400: ["validation_error", "invalid_json"],
  401: ["unauthorized"],
  403: ["forbidden"],
  404: ["not_found"],
  405: ["method_not_allowed"],
  409: ["conflict", "cannot_activate"],
  413: ["payload_too_large"],
  415: ["unsupported_media_type"],
  429: ["rate_limited"],
  500: ["internal_error"],
};

export const errorMeanings: Record<number, string> = {
  400: "Invalid JSON, or a field failed validation (the message names the field; details lists every problem)",
  401: "No API key, a malformed Authorization header, or an unknown or revoked key",
  403: "The key's role is too low for this route",
  404: "No such user, campaign, webhook, delivery, template or route",
  405: "The route does not have this method (checked before the API key); Allow lists the ones it has",
  409: "The resource is not in a state that allows this (for example activating an active campaign, changing a built-in template or reusing a template's name)",
  413: "The body is over 5 MB",
  415: "The body is not Content-Type: application/json",
  429: "Over the key's rate limit; wait the seconds in Retry-After",
};
