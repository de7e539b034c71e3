// GET /api/campaigns/:id/results: the campaign page's results table, for a viewer; 404 for an unknown campaign.
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { createCampaign, createUsers } from "@/lib/delivery/testing/fixtures";
import { memberCookies } from "@/test/sessions";
import { GET } from "./route";

let viewer = "";
let campaignId = "";

beforeAll(async () => {
  viewer = (await memberCookies()).viewer;
  await createUsers(1, "rr");
  const c = await createCampaign({ url: "http://127.0.0.1:9/x", status: "active" });
  campaignId = c.id;
  await db().campaign.update({ where: { id: c.id }, data: { goalEvent: "signup" } });
  const sent = new Date(Date.now() - 60_000);
  await db().delivery.create({
    data: { webhookId: "msg_rr", campaignId: c.id, actionId: c.actions[0].id, userId: "rr000000", triggerKey: "activation", plannedAt: sent, dueAt: sent, sentAt: sent, state: "delivered" },
  });
  await db().event.create({ data: { userId: "rr000000", name: "signup", params: {}, time: new Date() } });
});

const req = (id: string, cookie: string) => new Request(`http://127.0.0.1/api/campaigns/${id}/results`, { headers: { cookie } });
const params = (id: string) => ({ params: Promise.resolve({ id }) });

describe("GET /api/campaigns/:id/results", () => {
  it("gives a viewer the table, 404 for an unknown campaign, 401 without a session", async () => {
    const res = await GET(req(campaignId, viewer), params(campaignId));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.goal).toEqual({ event: "signup", windowHours: 168 });
    expect(body.steps[0].groups).toEqual([expect.objectContaining({ key: "A", reached: 1, delivered: 1, converted: 1, rate: 1 })]);
    expect((await GET(req("none", viewer), params("none"))).status).toBe(404);
    expect((await GET(req(campaignId, ""), params(campaignId))).status).toBe(401);
  });
});
