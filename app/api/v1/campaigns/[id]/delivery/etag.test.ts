// The campaign's ETag at the delivery settings' door: a campaign created with settings starts at "1";
// GET and PUT …/delivery answer the campaign's ETag (a PUT changing a setting moves it, and answers the
// new one, so a client holding it need not GET the campaign again); PUT …/delivery takes If-Match as
// PUT …/campaigns/{id} does (412, nothing written, when the campaign changed since).
import { beforeAll, describe, expect, it } from "vitest";
import { apiKeyHeaders, apiRequest, routeParams } from "@/lib/api/testing";
import { db } from "@/lib/db";
import { POST as create } from "../../route";
import { GET as getCampaign, PUT as putCampaign } from "../route";
import { GET, PUT } from "./route";

let editor: Record<string, string>;
let admin: Record<string, string>;
beforeAll(async () => {
  editor = await apiKeyHeaders("editor");
  admin = await apiKeyHeaders("admin");
});

const draft = { name: "ETag at delivery", actions: [{ name: "Hook", url: "https://crm.example.com/hook/{{user.id}}" }] };
const vip = { match: "all", conditions: [{ key: "plan", operator: "equals", value: "vip" }] };

const putSettings = (id: string, body: unknown, ifMatch?: string, key = editor) => {
  const req = apiRequest("PUT", `/campaigns/${id}/delivery`, key, body);
  if (ifMatch !== undefined) req.headers.set("if-match", ifMatch);
  return PUT(req, routeParams(id));
};
const campaignEtag = async (id: string) => (await getCampaign(apiRequest("GET", `/campaigns/${id}`, editor), routeParams(id))).headers.get("etag");

describe("a campaign created with its delivery settings (POST /api/v1/campaigns with delivery)", () => {
  it('answers ETag "1", as GET does after it', async () => {
    const res = await create(apiRequest("POST", "/campaigns", editor, { ...draft, delivery: { rule: { when: "triggered", event: "signup" }, audience: vip } }));
    expect(res.status).toBe(201);
    const body = await res.json();
    expect([res.headers.get("etag"), body.version]).toEqual(['"1"', 1]);
    expect(await campaignEtag(body.id)).toBe('"1"');
  });
});

describe("the campaign's ETag at GET and PUT /api/v1/campaigns/{id}/delivery", () => {
  it("PUT answers the new ETag; a PUT of the campaign with it passes", async () => {
    const created = await (await create(apiRequest("POST", "/campaigns", editor, draft))).json();
    const got = await GET(apiRequest("GET", `/campaigns/${created.id}/delivery`, editor), routeParams(created.id));
    expect(got.headers.get("etag")).toBe('"1"');
    const res = await putSettings(created.id, { rule: { when: "immediate" }, audience: vip });
    expect(res.status).toBe(200);
    expect(res.headers.get("etag")).toBe('"2"');
    expect(await campaignEtag(created.id)).toBe('"2"');
    const req = apiRequest("PUT", `/campaigns/${created.id}`, editor, { name: "Renamed" });
    req.headers.set("if-match", res.headers.get("etag")!);
    expect((await putCampaign(req, routeParams(created.id))).status).toBe(200);
  });

  it("takes If-Match: a campaign changed since is 412 and nothing is written; the current ETag passes", async () => {
    const created = await (await create(apiRequest("POST", "/campaigns", editor, draft))).json();
    const renamed = apiRequest("PUT", `/campaigns/${created.id}`, editor, { name: "Renamed meanwhile" });
    expect((await putCampaign(renamed, routeParams(created.id))).status).toBe(200);
    const stale = await putSettings(created.id, { rule: { when: "immediate" }, audience: vip }, '"1"');
    expect(stale.status).toBe(412);
    expect(stale.headers.get("etag")).toBe('"2"');
    expect((await stale.json()).error).toMatchObject({ code: "precondition_failed", details: { currentETag: '"2"' } });
    expect((await db().campaign.findUniqueOrThrow({ where: { id: created.id } })).audience).not.toEqual(vip);
    const fresh = await putSettings(created.id, { rule: { when: "immediate" }, audience: vip }, '"2"');
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get("etag")).toBe('"3"');
    expect((await putSettings(created.id, { rule: { when: "immediate" } }, 'W/"3"')).status).toBe(412);
    expect((await putSettings(created.id, { rule: { when: "immediate" } }, "nonsense")).status).toBe(400);
  });

  it("a change of the cap exemption alone moves the ETag too: an If-Match from before cannot put it back", async () => {
    const created = await (await create(apiRequest("POST", "/campaigns", editor, draft))).json();
    const exempted = await putSettings(created.id, { rule: { when: "immediate" }, capExempt: true }, '"1"', admin);
    expect(exempted.status).toBe(200);
    expect(exempted.headers.get("etag")).toBe('"2"');
    const back = await putSettings(created.id, { rule: { when: "immediate" }, capExempt: false }, '"1"', admin);
    expect(back.status).toBe(412);
    expect((await db().campaign.findUniqueOrThrow({ where: { id: created.id } })).capExempt).toBe(true);
  });
});
