// The delivery log's and Delivery section's server actions, crafted by a viewer or without a session:
// each is refused on the server and changes nothing (no delivery retried or cancelled, no campaign
// paused, resumed or activated, no step deleted, nothing audited). Real rows are at stake each time.
import { beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db";
import { newWebhookId } from "@/lib/delivery/core/ids";
import { createCampaign, createUsers } from "@/lib/delivery/testing/fixtures";
import { memberCookies } from "@/test/sessions";

let requestHeaders = new Headers();
vi.mock("next/headers", () => ({ headers: async () => requestHeaders }));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

const deliveries = await import("./actions");
const campaigns = await import("../../actions");
let cookies: Record<"viewer" | "none", string>;
let active: Awaited<ReturnType<typeof createCampaign>>;
let paused: Awaited<ReturnType<typeof createCampaign>>;
let draft: Awaited<ReturnType<typeof createCampaign>>;
let failedId = "";

beforeAll(async () => {
  const members = await memberCookies();
  cookies = { viewer: members.viewer, none: "" };
  await createUsers(2, "vr");
  active = await createCampaign({ url: "http://127.0.0.1:9/a/{{user.id}}", status: "active" });
  paused = await createCampaign({ url: "http://127.0.0.1:9/p/{{user.id}}", status: "paused" });
  draft = await createCampaign({ url: "http://127.0.0.1:9/d/{{user.id}}" });
  const row = (state: string, userId: string) => ({
    webhookId: newWebhookId(), campaignId: active.id, actionId: active.actions[0]!.id, userId, triggerKey: `t:${state}`, plannedAt: new Date(), dueAt: new Date(Date.now() + 3_600_000), state,
  });
  failedId = (await db().delivery.create({ data: row("failed", "vr000000") })).id;
  await db().delivery.create({ data: row("scheduled", "vr000001") });
});

const snapshot = async () => ({
  deliveries: (await db().delivery.findMany({ select: { id: true, state: true }, orderBy: { id: "asc" } })).map((d) => `${d.id}:${d.state}`),
  campaigns: (await db().campaign.findMany({ select: { id: true, status: true }, orderBy: { id: "asc" } })).map((c) => `${c.id}:${c.status}`),
  actions: await db().action.count(),
  audit: await db().auditLog.count(),
});

const crafted: Record<string, () => Promise<{ ok: boolean; message?: string }>> = {
  retryDeliveryAction: () => deliveries.retryDeliveryAction(failedId),
  retryAllFailedAction: () => deliveries.retryAllFailedAction(active.id),
  cancelScheduledAction: () => deliveries.cancelScheduledAction(active.id),
  pauseAction: () => deliveries.pauseAction(active.id),
  resumeAction: () => deliveries.resumeAction(paused.id),
  activateAction: () => deliveries.activateAction(draft.id, { rule: { when: "immediate" }, actions: [] }),
  deleteActionAction: () => campaigns.deleteActionAction(draft.id, draft.actions[0]!.id),
};

describe("delivery actions crafted by a viewer or without a session", () => {
  for (const [name, call] of Object.entries(crafted)) {
    it(`${name} is refused and changes nothing`, async () => {
      const before = await snapshot();
      for (const who of ["viewer", "none"] as const) {
        requestHeaders = new Headers(cookies[who] ? { cookie: cookies[who] } : {});
        const res = await call();
        expect(res.ok, who).toBe(false);
        expect(res.message, who).toMatch(who === "none" ? /Sign in/ : /needs editor/);
      }
      expect(await snapshot()).toEqual(before);
    });
  }
});
