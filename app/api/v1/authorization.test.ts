// The API's authorisation matrix: every route x every role (and no key). A role below the route's
// gets 403 and nothing changes; no key gets 401.
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { apiKeyHeaders } from "@/lib/api/testing";
import { apiRoutes } from "@/lib/api/catalog";
import { roleAllows, ROLES, type Role } from "@/lib/auth/roles";
import * as users from "./users/route";
import * as user from "./users/[userId]/route";
import * as events from "./events/route";
import * as campaigns from "./campaigns/route";
import * as campaign from "./campaigns/[id]/route";
import * as activate from "./campaigns/[id]/activate/route";
import * as pause from "./campaigns/[id]/pause/route";
import * as resume from "./campaigns/[id]/resume/route";
import * as deliverySettings from "./campaigns/[id]/delivery/route";
import * as signingSecret from "./campaigns/[id]/actions/[actionId]/signing-secret/route";
import * as webhook from "./campaigns/[id]/actions/[actionId]/route";
import * as retryFailed from "./campaigns/[id]/retry-failed/route";
import * as cancelScheduled from "./campaigns/[id]/cancel-scheduled/route";
import * as deliveryOne from "./deliveries/[id]/route";
import * as campaignDeliveries from "./campaigns/[id]/deliveries/route";
import * as campaignResults from "./campaigns/[id]/results/route";
import * as retry from "./deliveries/[id]/retry/route";
import * as templates from "./templates/route";
import * as template from "./templates/[id]/route";

type Handler = (req: Request, ctx?: { params?: Promise<Record<string, string>> }) => Promise<Response>;
const handlers: Record<string, Record<string, unknown>> = {
  "/api/v1/users": users,
  "/api/v1/users/{userId}": user,
  "/api/v1/events": events,
  "/api/v1/campaigns": campaigns,
  "/api/v1/campaigns/{id}": campaign,
  "/api/v1/campaigns/{id}/activate": activate,
  "/api/v1/campaigns/{id}/pause": pause,
  "/api/v1/campaigns/{id}/resume": resume,
  "/api/v1/campaigns/{id}/delivery": deliverySettings,
  "/api/v1/campaigns/{id}/actions/{actionId}": webhook,
  "/api/v1/campaigns/{id}/actions/{actionId}/signing-secret": signingSecret,
  "/api/v1/campaigns/{id}/retry-failed": retryFailed,
  "/api/v1/campaigns/{id}/cancel-scheduled": cancelScheduled,
  "/api/v1/deliveries/{id}": deliveryOne,
  "/api/v1/campaigns/{id}/deliveries": campaignDeliveries,
  "/api/v1/campaigns/{id}/results": campaignResults,
  "/api/v1/deliveries/{id}/retry": retry,
  "/api/v1/templates": templates,
  "/api/v1/templates/{id}": template,
};

const bodies: Record<string, unknown> = {
  "POST /api/v1/users": { userId: "matrix-user" },
  "POST /api/v1/events": { userId: "matrix-user", event: "matrix" },
  "POST /api/v1/campaigns": { name: "Matrix" },
  "PUT /api/v1/campaigns/{id}": { name: "Matrix renamed" },
  "POST /api/v1/templates": { name: "Matrix template", webhook: { url: "https://x.example/h" } },
  "PATCH /api/v1/templates/{id}": { name: "Matrix template renamed" },
};

let campaignId = "";
let deliveryId = "";
const headers: Partial<Record<Role, Record<string, string>>> = {};

beforeAll(async () => {
  for (const role of ROLES) headers[role] = await apiKeyHeaders(role);
  await db().user.create({ data: { id: "matrix-user", attributes: {} } });
  const c = await db().campaign.create({ data: { name: "M", deliveryRule: { when: "immediate" }, actions: { create: { urlTemplate: "https://x.example/h", fields: [], headers: [] } } }, include: { actions: true } });
  campaignId = c.id;
  deliveryId = (await db().delivery.create({ data: { webhookId: "msg_m", campaignId, actionId: c.actions[0]!.id, userId: "matrix-user", triggerKey: "event:matrix", plannedAt: new Date(), dueAt: new Date(), state: "failed" } })).id;
});

async function snapshot() {
  const [u, e, c, d, a] = await Promise.all([
    db().user.findMany({ orderBy: { id: "asc" } }),
    db().event.count(),
    db().campaign.findMany({ orderBy: { id: "asc" }, select: { id: true, name: true, status: true, updatedAt: true } }),
    db().delivery.findMany({ select: { id: true, state: true } }),
    db().auditLog.count(),
  ]);
  const t = await db().destinationTemplate.findMany({ orderBy: { id: "asc" }, select: { id: true, name: true, updatedAt: true } });
  return JSON.stringify({ u, e, c, d, a, t });
}

function request(route: (typeof apiRoutes)[number], auth: Record<string, string> | undefined) {
  const path = route.path.replace("{userId}", "matrix-user").replace("{id}", route.path.includes("deliveries/{id}") ? deliveryId : campaignId);
  const body = bodies[`${route.method} ${route.path}`];
  const req = new Request(`http://127.0.0.1${path}`, {
    method: route.method,
    headers: { ...auth, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const params = Promise.resolve({ userId: "matrix-user", id: route.path.includes("deliveries/{id}") ? deliveryId : campaignId });
  return (handlers[route.path]![route.method] as Handler)(req, { params });
}

describe("API authorisation matrix", () => {
  it("every documented route has a handler", () => {
    for (const route of apiRoutes) expect(typeof handlers[route.path]?.[route.method], `${route.method} ${route.path}`).toBe("function");
  });

  // Reads and writes that must be refused first, then the allowed ones (a DELETE last).
  const ordered = [...apiRoutes].sort((a, b) => Number(a.method === "DELETE") - Number(b.method === "DELETE"));
  for (const route of ordered) {
    it(`${route.method} ${route.path} needs ${route.role}`, async () => {
      const before = await snapshot();
      const anonymous = await request(route, undefined);
      expect(anonymous.status).toBe(401);
      for (const role of ROLES.filter((r) => !roleAllows(r, route.role))) {
        const res = await request(route, headers[role]);
        expect(res.status, role).toBe(403);
      }
      expect(await snapshot()).toBe(before);
      for (const role of ROLES.filter((r) => roleAllows(r, route.role))) {
        const res = await request(route, headers[role]);
        expect([401, 403], `${role}: ${res.status}`).not.toContain(res.status);
        expect(res.status, `${role} ${route.method} ${route.path}`).toBeLessThan(500);
      }
    });
  }
});
