// A request and a response example per /api/v1 route, for the API reference page and the OpenAPI
// document. examples.test.ts parses each request example with the route's own schema, so an example
// that the API would refuse fails the tests.
import type { RouteDoc } from "./catalog";

export type RouteExample = { path?: string; request?: unknown; response?: unknown };

const user = { userId: "user-1001", email: "mary@example.com", timezone: "Europe/Paris", attributes: { firstName: "Mary", plan: "pro", city: "Paris" } };
const storedUser = { ...user, createdAt: "2026-12-01T08:00:00.000Z", updatedAt: "2026-12-02T09:15:00.000Z" };
const campaignInput = {
  name: "Welcome series",
  description: "Tell the CRM about new sign-ups",
  goalEvent: "purchase",
  goalWindowHours: 168,
  actions: [
    {
      name: "CRM",
      method: "POST",
      url: "https://crm.example.com/contacts/{{user.id}}",
      contentType: "application/json",
      fields: [
        { key: "email", value: "{{user.email}}", type: "text" },
        { key: "firstName", value: "{{default user.firstName \"there\"}}", type: "text" },
      ],
      headers: [{ name: "X-Api-Key", value: "crm-secret", secret: true }],
      timeoutSeconds: 15,
      responseMapping: [{ path: "$.contact.id", attribute: "crmId" }],
    },
  ],
};
const campaign = {
  id: "cm8x2k1q0000abcd",
  name: campaignInput.name,
  description: campaignInput.description,
  status: "draft",
  updatedAt: "2026-12-02T09:15:00.000Z",
  version: 1,
  goalEvent: campaignInput.goalEvent,
  goalWindowHours: campaignInput.goalWindowHours,
  actions: [{ ...campaignInput.actions[0], id: "cm8x2k1q0001abcd", headers: [{ name: "X-Api-Key", value: "••••", secret: true }] }],
};
const deliverySettings = {
  rule: { when: "triggered", event: "signed_up", conditions: [], quietHours: { start: "21:00", end: "08:00" } },
  audience: { match: "all", conditions: [{ key: "plan", operator: "equals", value: "pro" }] },
  actions: [{ id: "cm8x2k1q0001abcd", subDelivery: { kind: "delay", seconds: 3600 }, retryPolicy: "default", rateLimitPerSecond: 50 }],
  startAt: "2026-12-10T08:00:00.000Z",
  endAt: null,
  capExempt: false,
};
const delivery = {
  id: "cm8x3d5r0000wxyz",
  campaignId: campaign.id,
  campaignName: campaign.name,
  actionId: campaign.actions[0]!.id,
  actionName: "CRM",
  variant: null,
  userId: "user-1001",
  state: "delivered",
  reason: null,
  hold: null,
  plannedAt: "2026-12-02T09:20:00.000Z",
  dueAt: "2026-12-02T09:20:00.000Z",
  attempts: 1,
  lastStatus: 200,
  durationMs: 84,
  sentAt: "2026-12-02T09:20:00.084Z",
};
// what GET /api/v1/deliveries/{id} repeats of a row of the deliveries list (its attempts say the rest)
const { dueAt: _dueAt, attempts: _attempts, lastStatus: _lastStatus, durationMs: _durationMs, sentAt: _sentAt, ...deliveryHead } = delivery;

const resultGroup = (key: string, label: string, reached: number, delivered: number, converted: number, rest: object) => ({ key, label, reached, delivered, converted, ...rest });
const results = {
  campaignId: campaign.id,
  goal: { event: "purchase", windowHours: 168 },
  method: "Reached = users the step's request was sent to (control: held out); delivered = of those, answered 2xx (control: past their send time); converted = … Conversion rate = converted ÷ delivered users (control: ÷ held-out users past their send time), with a 95% Wilson score interval; …",
  minUsersPerGroup: 100,
  minConversionsPerGroup: 10,
  steps: [
    {
      actionId: "cm8x2k1q0001abcd",
      name: "CRM",
      baseline: "control",
      groups: [
        resultGroup("A", "A · CRM", 1000, 990, 150, { rate: 0.1515, interval: { low: 0.1306, high: 0.1751 }, baseline: false, lift: 0.5152, pValue: 0.0006, significant: true }),
        resultGroup("control", "Control", 1000, 1000, 100, { rate: 0.1, interval: { low: 0.0828, high: 0.1203 }, baseline: true, lift: null, pValue: null, significant: false }),
      ],
      verdict: { kind: "winner", key: "A", lift: 0.5152, pValue: 0.0006 },
    },
  ],
  goalOpenUntil: "2026-12-16T09:05:00.000Z",
  computedAt: "2026-12-09T09:20:00.000Z",
};
const templateInput = {
  name: "CRM contact",
  description: "Upsert the user in our CRM",
  secretNote: "CRM › Settings › API keys: create a key with the contacts scope",
  webhook: { method: "POST", url: "https://crm.example.com/contacts/{{user.id}}", contentType: "application/json", fields: [{ key: "email", value: "{{user.email}}", type: "text" }], headers: [{ name: "X-Api-Key", value: "crm-secret", secret: true }] },
};
const template = {
  id: "cm8x4t7a0000tmpl",
  builtIn: false,
  name: templateInput.name,
  description: templateInput.description,
  secretNote: templateInput.secretNote,
  webhook: { method: "POST", url: templateInput.webhook.url, contentType: "application/json", fields: templateInput.webhook.fields, headers: [{ name: "X-Api-Key", value: "", secret: true }] },
  createdBy: 'API key "ci"',
  updatedAt: "2026-12-03T10:00:00.000Z",
};

const EXAMPLES: Record<string, RouteExample> = {
  "POST /api/v1/users": { request: user, response: { created: 1, updated: 0 } },
  "GET /api/v1/users": { path: "/api/v1/users?limit=2", response: { users: [storedUser], nextCursor: null } },
  "GET /api/v1/users/{userId}": {
    path: "/api/v1/users/user-1001",
    response: {
      ...storedUser,
      attributes: { ...storedUser.attributes, crmId: "c-5521" },
      attributeSources: { crmId: { attribute: "crmId", campaignId: "cm8x2k1q0000abcd", campaignName: "Welcome series", actionId: "cm8x2k1q0001abcd", deliveryId: "cm8x3d5r0000wxyz", setAt: "2026-12-02T09:20:00.084Z" } },
    },
  },
  "DELETE /api/v1/users/{userId}": { path: "/api/v1/users/user-1001" },
  "POST /api/v1/events": { request: { userId: "user-1001", event: "purchase", params: { amount: 42.5, sku: "A-17" }, id: "order-8812" }, response: { accepted: 1, duplicates: 0, usersCreated: 0, scheduled: 1, suppressed: 0 } },
  "GET /api/v1/campaigns": { response: { campaigns: [{ id: campaign.id, name: campaign.name, description: campaign.description, status: "draft", actionCount: 1, updatedAt: campaign.updatedAt, destinations: ["crm.example.com"] }], nextCursor: null } },
  "POST /api/v1/campaigns": { request: { ...campaignInput, delivery: { ...deliverySettings, actions: [{ ...deliverySettings.actions[0], id: "@0" }] } }, response: { ...campaign, delivery: deliverySettings } },
  "GET /api/v1/campaigns/{id}": { path: `/api/v1/campaigns/${campaign.id}`, response: campaign },
  // the action's id: without it the PUT would add a second webhook beside the stored one
  "PUT /api/v1/campaigns/{id}": {
    path: `/api/v1/campaigns/${campaign.id}`,
    request: { ...campaignInput, name: "Welcome series (v2)", actions: [{ ...campaignInput.actions[0], id: campaign.actions[0]!.id, headers: campaign.actions[0]!.headers }] },
    response: { ...campaign, name: "Welcome series (v2)", version: 2 },
  },
  "DELETE /api/v1/campaigns/{id}/actions/{actionId}": { path: `/api/v1/campaigns/${campaign.id}/actions/${campaign.actions[0]!.id}` },
  "POST /api/v1/campaigns/{id}/actions/{actionId}/signing-secret": {
    path: `/api/v1/campaigns/${campaign.id}/actions/${campaign.actions[0]!.id}/signing-secret`,
    response: { secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", enabled: true, previousValidUntil: null },
  },
  "DELETE /api/v1/campaigns/{id}/actions/{actionId}/signing-secret": { path: `/api/v1/campaigns/${campaign.id}/actions/${campaign.actions[0]!.id}/signing-secret` },
  "GET /api/v1/campaigns/{id}/delivery": { path: `/api/v1/campaigns/${campaign.id}/delivery`, response: deliverySettings },
  "PUT /api/v1/campaigns/{id}/delivery": {
    path: `/api/v1/campaigns/${campaign.id}/delivery`,
    request: { rule: { when: "scheduled", sendAt: "2026-12-24T09:00", timeZone: "Europe/Paris", inUserTimeZone: true } },
    response: { ...deliverySettings, rule: { when: "scheduled", sendAt: "2026-12-24T09:00", timeZone: "Europe/Paris", inUserTimeZone: true, whenPassed: "sendNow" } },
  },
  "POST /api/v1/campaigns/{id}/activate": {
    path: `/api/v1/campaigns/${campaign.id}/activate`,
    response: {
      status: "active",
      counts: { scheduled: 1200, suppressed: 3, control: 0, controlUsers: 0, earliest: "2026-12-02T09:20:00.000Z" },
      // had its data field read {{default user.frstName "there"}}
      warnings: [
        {
          kind: "unknown-attribute",
          attribute: "frstName",
          suggestion: "firstName",
          where: 'Webhook 1 (CRM): data field "firstName"',
          field: "actions.0.fields.1.value",
          actionId: campaign.actions[0]!.id,
          message: 'Webhook 1 (CRM): `{{user.frstName}}` in data field "firstName": no user has this attribute yet; it renders empty (did you mean `firstName`?)',
        },
      ],
    },
  },
  "POST /api/v1/campaigns/{id}/pause": { path: `/api/v1/campaigns/${campaign.id}/pause`, response: { status: "paused" } },
  "POST /api/v1/campaigns/{id}/resume": {
    path: `/api/v1/campaigns/${campaign.id}/resume?catchUp=true`,
    response: { status: "active", message: "Resumed, and caught up 340 events that arrived while it was paused: 338 deliveries planned, 2 suppressed.", caughtUp: { events: 340, scheduled: 338, suppressed: 2 }, warnings: [] },
  },
  "GET /api/v1/campaigns/{id}/results": { path: `/api/v1/campaigns/${campaign.id}/results`, response: results },
  "GET /api/v1/campaigns/{id}/deliveries": { path: `/api/v1/campaigns/${campaign.id}/deliveries?state=delivered&page=1`, response: { page: 1, pageSize: 50, total: 1, totalCapped: false, pages: 1, items: [delivery], nextCursor: null } },
  "DELETE /api/v1/campaigns/{id}": { path: `/api/v1/campaigns/${campaign.id}` },
  "POST /api/v1/campaigns/{id}/retry-failed": { path: `/api/v1/campaigns/${campaign.id}/retry-failed`, response: { retried: 12, left: 0, message: "Retrying 12 failed deliveries." } },
  "POST /api/v1/campaigns/{id}/cancel-scheduled": { path: `/api/v1/campaigns/${campaign.id}/cancel-scheduled`, response: { cancelled: 340 } },
  "GET /api/v1/deliveries/{id}": {
    path: `/api/v1/deliveries/${delivery.id}`,
    response: {
      ...deliveryHead,
      webhookId: "msg_2k1q0000abcd3d5r",
      triggerKey: "activation",
      nextAttemptAt: null,
      attempts: [
        {
          number: 1,
          startedAt: "2026-12-02T09:20:00.000Z",
          durationMs: 84,
          outcome: "delivered",
          status: 200,
          error: null,
          request: {
            method: "POST",
            url: "https://crm.example.com/contacts/user-1001",
            headers: [["content-type", "application/json"], ["webhook-id", "msg_2k1q0000abcd3d5r"], ["webhook-timestamp", "1796203200"], ["webhook-signature", "v1,••••"], ["X-Api-Key", "••••"]],
            body: '{"email":"mary@example.com","firstName":"Mary"}',
            bodyTruncated: false,
          },
          response: { status: 200, statusText: "OK", headers: [["content-type", "application/json"]], body: '{"contact":{"id":"c-5521"}}', bodyTruncated: false, savedToUser: ["crmId"] },
          timings: { dnsMs: 1, firstByteMs: 80, totalMs: 84 },
          nextAttemptAt: null,
          retriedBy: null,
        },
      ],
    },
  },
  "POST /api/v1/deliveries/{id}/retry": { path: `/api/v1/deliveries/${delivery.id}/retry`, response: { id: delivery.id, state: "scheduled" } },
  "GET /api/v1/templates": { response: { templates: [template] } },
  "POST /api/v1/templates": { request: templateInput, response: { ...template, cleared: ['the value of the header "X-Api-Key"'] } },
  "GET /api/v1/templates/{id}": { path: `/api/v1/templates/${template.id}`, response: template },
  "PATCH /api/v1/templates/{id}": { path: `/api/v1/templates/${template.id}`, request: { name: "CRM contact (v2)" }, response: { ...template, name: "CRM contact (v2)", cleared: [] } },
  "DELETE /api/v1/templates/{id}": { path: `/api/v1/templates/${template.id}` },
};

export const routeKey = (route: Pick<RouteDoc, "method" | "path">) => `${route.method} ${route.path}`;

export function exampleOf(route: Pick<RouteDoc, "method" | "path">): RouteExample {
  return EXAMPLES[routeKey(route)] ?? {};
}

/** A curl line that runs the example against `origin` with the key in $HOOKLINE_API_KEY. */
export function curlExample(route: Pick<RouteDoc, "method" | "path">, origin: string): string {
  const example = exampleOf(route);
  const parts = [`curl`];
  if (route.method !== "GET") parts.push(`-X ${route.method}`);
  parts.push(`'${origin}${example.path ?? route.path}'`, `-H "Authorization: Bearer $HOOKLINE_API_KEY"`);
  if (example.request !== undefined) {
    parts.push(`-H 'Content-Type: application/json'`, `-d '${JSON.stringify(example.request).replaceAll("'", "'\\''")}'`);
  }
  return parts.join(" ");
}
