// GET /api/v1/users/{userId} names the campaign that set an attribute from a webhook's response; an
// attribute set again through the API is no longer listed. The OpenAPI document covers both this and
// the actions' response mappings.
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { apiKeyHeaders } from "@/lib/api/testing";
import { createCampaign } from "@/lib/delivery/testing/fixtures";
import { GET as openapi } from "@/app/api/v1/openapi.json/route";
import { POST } from "./route";
import { GET as getOne } from "./[userId]/route";

let admin: Record<string, string>;
beforeAll(async () => {
  admin = await apiKeyHeaders("admin");
});

const url = "http://127.0.0.1/api/v1/users";
const upsert = (body: unknown) => POST(new Request(url, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json", ...admin } }));
const getUser = async (userId: string) => (await getOne(new Request(`${url}/${userId}`, { headers: admin }), { params: Promise.resolve({ userId }) })).json();

describe("attribute sources", () => {
  it("lists the campaign that set an attribute, and forgets it when the API sets that attribute", async () => {
    await upsert({ userId: "src1", attributes: { plan: "pro", crmId: "old", score: 1 } });
    const campaign = await createCampaign({ url: "https://crm.example.com/x", name: "CRM sync" });
    const setAt = new Date("2026-12-02T09:20:00.000Z");
    const source = [campaign.id, campaign.actions[0]!.id, "d1", setAt.toISOString()];
    // as the delivery recorder writes them (lib/delivery/store/attribute-writes.ts), in another order
    await db().user.update({ where: { id: "src1" }, data: { attributeSources: { score: source, crmId: source } } });
    let user = await getUser("src1");
    expect(user.attributeSources.crmId).toEqual({ attribute: "crmId", campaignId: campaign.id, campaignName: "CRM sync", actionId: campaign.actions[0]!.id, deliveryId: "d1", setAt: setAt.toISOString() });

    // another attribute changing keeps the sources; crmId set (or removed) through the API forgets its own
    await upsert({ userId: "src1", attributes: { plan: "team" } });
    expect(Object.keys((await getUser("src1")).attributeSources)).toEqual(["crmId", "score"]);
    await upsert({ users: [{ userId: "src1", attributes: { crmId: "typed-by-hand" } }, { userId: "src2" }] });
    user = await getUser("src1");
    expect(Object.keys(user.attributeSources)).toEqual(["score"]);
    await upsert({ userId: "src1", attributes: { score: null } });
    expect((await getUser("src1")).attributeSources).toEqual({});

    // a deleted campaign: the source stays, without a name
    await db().user.update({ where: { id: "src1" }, data: { attributeSources: { crmId: [campaign.id, campaign.actions[0]!.id, "d2", setAt.toISOString()] } } });
    await db().campaign.delete({ where: { id: campaign.id } });
    expect((await getUser("src1")).attributeSources.crmId.campaignName).toBeNull();
  });

  it("reads a source stored as its delivery's id from that delivery, and one whose delivery was deleted as the id alone", async () => {
    await upsert({ userId: "src3", attributes: { crmId: "c-3", tier: "gold" } });
    const campaign = await createCampaign({ url: "https://crm.example.com/x", name: "CRM sync" });
    const actionId = campaign.actions[0]!.id;
    const now = new Date();
    const delivery = await db().delivery.create({
      data: { webhookId: "msg_src3", campaignId: campaign.id, actionId, userId: "src3", triggerKey: "activation", plannedAt: now, dueAt: now, state: "delivered" },
    });
    // as the delivery recorder writes them now, beside a tuple written before
    const old = [campaign.id, actionId, "d-old", "2026-12-02T09:20:00.000Z"];
    await db().user.update({ where: { id: "src3" }, data: { attributeSources: { crmId: delivery.id, tier: old } } });
    let user = await getUser("src3");
    expect(user.attributeSources).toEqual({
      crmId: { attribute: "crmId", campaignId: campaign.id, campaignName: "CRM sync", actionId, deliveryId: delivery.id, setAt: delivery.updatedAt.toISOString() },
      tier: { attribute: "tier", campaignId: campaign.id, campaignName: "CRM sync", actionId, deliveryId: "d-old", setAt: "2026-12-02T09:20:00.000Z" },
    });

    // the step deleted (its deliveries with it): the id is all that is known; the tuple keeps its campaign
    await db().campaign.delete({ where: { id: campaign.id } });
    user = await getUser("src3");
    expect(user.attributeSources.crmId).toEqual({ attribute: "crmId", campaignId: null, campaignName: null, actionId: null, deliveryId: delivery.id, setAt: null });
    expect(user.attributeSources.tier).toMatchObject({ campaignId: campaign.id, campaignName: null, deliveryId: "d-old" });
  });

  it("is in the OpenAPI document, with the actions' response mapping", async () => {
    const doc = await openapi(new Request("http://127.0.0.1:3000/api/v1/openapi.json")).json();
    const getUserDoc = doc.paths["/api/v1/users/{userId}"].get.responses["200"].content["application/json"].schema;
    expect(JSON.stringify(getUserDoc)).toContain("UserWithSources");
    expect(doc.components.schemas.UserWithSources.properties.attributeSources).toBeDefined();
    expect(doc.components.schemas.ResponseMapping.maxItems).toBe(20);
    expect(doc.components.schemas.ResponseMappingEntry.required).toEqual(["path", "attribute"]);
    expect(JSON.stringify(doc.components.schemas.CampaignInput)).toContain("ResponseMapping");
  });
});
