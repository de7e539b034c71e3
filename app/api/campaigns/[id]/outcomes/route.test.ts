// GET /api/campaigns/:id/outcomes and GET /api/outcomes: a viewer reads the charts, a visitor is refused.
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { createCampaign, createUsers } from "@/lib/delivery/testing/fixtures";
import { memberCookies } from "@/test/sessions";
import { GET as activity } from "../../../outcomes/route";
import { GET as campaign } from "./route";

let viewer = "";
let campaignId = "";

beforeAll(async () => {
  viewer = (await memberCookies()).viewer;
  await createUsers(1, "rt");
  const c = await createCampaign({ url: "http://127.0.0.1:9/x", status: "active" });
  campaignId = c.id;
  const now = new Date();
  await db().delivery.create({
    data: { webhookId: "msg_rt", campaignId: c.id, actionId: c.actions[0].id, userId: "rt000000", triggerKey: "activation", plannedAt: now, dueAt: now, sentAt: now, state: "failed", host: "down.example" },
  });
});

const req = (path: string, cookie: string) => new Request(`http://127.0.0.1${path}`, { headers: { cookie } });
const params = (id: string) => ({ params: Promise.resolve({ id }) });

describe("outcome routes", () => {
  it("refuse a visitor without a session", async () => {
    expect((await campaign(req(`/api/campaigns/${campaignId}/outcomes`, ""), params(campaignId))).status).toBe(401);
    expect((await activity(req("/api/outcomes", ""))).status).toBe(401);
  });

  it("give a viewer one campaign's progress and series, 404 for an unknown campaign", async () => {
    const res = await campaign(req(`/api/campaigns/${campaignId}/outcomes`, viewer), params(campaignId));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.progress).toMatchObject({ status: "active", oneOff: true, planned: 1, failed: 1 });
    expect(body.live).toBe(true);
    expect(body.series.points.reduce((s: number, p: { failed: number }) => s + p.failed, 0)).toBe(1);
    expect((await campaign(req("/api/campaigns/none/outcomes", viewer), params("none"))).status).toBe(404);
  });

  it("give a viewer every campaign's series and the failing hosts", async () => {
    const res = await activity(req("/api/outcomes", viewer));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.failingHosts).toEqual([{ host: "down.example", failed: 1, retrying: 0 }]);
    expect(body.windowDays).toBe(7);
  });
});
