// The public API (/api/v1) under fuzzing, driven by its catalogue (lib/api/catalog.ts): each route's
// body and query zod schemas generate valid-ish and hostile requests; path ids are anything. No
// request may answer 5xx; every error is the documented envelope. See internal-routes.property.test.ts
// for the request budget (4,350 here at FUZZ_SCALE=1: 6 routes with a body x 400, 13 others x 150).
import fc from "fast-check";
import { beforeAll, describe, it, vi } from "vitest";
import { apiRoutes, type RouteDoc } from "@/lib/api/catalog";
import { apiKeyHeaders } from "@/lib/api/testing";
import { resetRateLimits } from "@/lib/api/with-api";
import { resetEnv } from "@/lib/env";
import * as users from "@/app/api/v1/users/route";
import * as user from "@/app/api/v1/users/[userId]/route";
import * as events from "@/app/api/v1/events/route";
import * as campaigns from "@/app/api/v1/campaigns/route";
import * as campaign from "@/app/api/v1/campaigns/[id]/route";
import * as activate from "@/app/api/v1/campaigns/[id]/activate/route";
import * as pause from "@/app/api/v1/campaigns/[id]/pause/route";
import * as resume from "@/app/api/v1/campaigns/[id]/resume/route";
import * as deliverySettings from "@/app/api/v1/campaigns/[id]/delivery/route";
import * as signingSecret from "@/app/api/v1/campaigns/[id]/actions/[actionId]/signing-secret/route";
import * as webhook from "@/app/api/v1/campaigns/[id]/actions/[actionId]/route";
import * as retryFailed from "@/app/api/v1/campaigns/[id]/retry-failed/route";
import * as cancelScheduled from "@/app/api/v1/campaigns/[id]/cancel-scheduled/route";
import * as deliveryOne from "@/app/api/v1/deliveries/[id]/route";
import * as campaignDeliveries from "@/app/api/v1/campaigns/[id]/deliveries/route";
import * as retry from "@/app/api/v1/deliveries/[id]/retry/route";
import * as results from "@/app/api/v1/campaigns/[id]/results/route";
import * as templates from "@/app/api/v1/templates/route";
import * as template from "@/app/api/v1/templates/[id]/route";
import { hostile, nastyString } from "./zod-arbitrary";
import { answerOf, expectWellFormed } from "./well-formed";

const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
// Generous: two busy cores can stretch a few seconds of CPU into minutes of wall time.
vi.setConfig({ testTimeout: 600_000 });
const BODY_RUNS = 400; // x 7 routes with a body
const OTHER_RUNS = 150; // x 22 routes without one
type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

const modules: Record<string, Record<string, unknown>> = {
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
  "/api/v1/deliveries/{id}/retry": retry,
  "/api/v1/campaigns/{id}/results": results,
  "/api/v1/templates": templates,
  "/api/v1/templates/{id}": template,
};

let auth: Record<string, string>;
beforeAll(async () => {
  // The per-key rate limit would answer most of the fuzz with 429 (well-formed, but nothing tested).
  process.env.HOOKLINE_API_RATE_LIMIT = "1000000";
  process.env.HOOKLINE_API_RATE_BURST = "1000000";
  resetEnv();
  await resetRateLimits();
  auth = await apiKeyHeaders("admin");
});

const idLike = fc.oneof(fc.constantFrom("none", "x".repeat(64), "x".repeat(300), "", "%00", "..", "u1"), nastyString, fc.string({ maxLength: 80 }));
const queryValue = fc.oneof(idLike, fc.integer().map(String), fc.constantFrom("1e20", "-1", "0", "NaN", "500", "failed"));

function pathParam(doc: RouteDoc): string | null {
  return /\{(\w+)\}/.exec(doc.path)?.[1] ?? null;
}

describe.each(apiRoutes.map((doc) => [`${doc.method} ${doc.path}`, doc] as const))("%s under fuzzing", (_, doc) => {
  it("answers generated requests with a success or a well-formed 4xx", async () => {
    const handler = modules[doc.path]?.[doc.method] as Handler | undefined;
    if (!handler) throw new Error(`no handler imported for ${doc.method} ${doc.path}`);
    const param = pathParam(doc);
    const body = doc.body ? hostile(doc.body) : fc.constant(undefined);
    const query = doc.query ? hostile(doc.query) : fc.dictionary(nastyString, queryValue, { maxKeys: 3 });
    await fc.assert(
      fc.asyncProperty(body, query, idLike, async (b, q, rawId) => {
        const id = rawId.replace(/[\ud800-\udfff]/g, "\ufffd"); // a URL cannot carry a lone surrogate
        const search = q && typeof q === "object" && !Array.isArray(q) ? new URLSearchParams(Object.entries(q).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v) ?? ""])) : "";
        const path = doc.path.replace(/\{\w+\}/, encodeURIComponent(id));
        const req = new Request(`http://127.0.0.1${path}?${search}`, {
          method: doc.method,
          headers: { ...auth, ...(b !== undefined || doc.body ? { "content-type": "application/json" } : {}) },
          body: doc.method === "GET" || doc.method === "DELETE" ? undefined : doc.body ? (JSON.stringify(b) ?? "null") : undefined,
        });
        const res = await handler(req, { params: Promise.resolve(param ? { [param]: id } : {}) });
        expectWellFormed(await answerOf(res, `${doc.method} ${path} ${JSON.stringify(b)?.slice(0, 300) ?? ""}`));
      }),
      { numRuns: Math.max(5, Math.round((doc.body ? BODY_RUNS : OTHER_RUNS) * SCALE)) },
    );
  });
});
