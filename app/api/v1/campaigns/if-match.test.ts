// PUT /api/v1/campaigns/{id} with If-Match: a campaign saved since the ETag was read is refused with 412
// (the error envelope, nothing written); the fresh ETag passes. Without If-Match the last write wins.
import { beforeAll, describe, expect, it } from "vitest";
import { apiKeyHeaders, apiRequest, routeParams } from "@/lib/api/testing";
import { saveCampaign } from "@/lib/campaigns/campaigns";
import { saveCampaignGoal } from "@/lib/campaigns/campaign-goal";
import { campaignDraftSchema } from "@/lib/campaigns/schemas";
import { GET, PUT } from "./[id]/route";
import { POST } from "./route";

let editor: Record<string, string>;
beforeAll(async () => {
  editor = await apiKeyHeaders("editor");
});

async function created() {
  const { id } = await saveCampaign(campaignDraftSchema.parse({ name: "Daily nudge", actions: [{ url: "https://old.example.com/hook" }] }));
  return id;
}

const put = (id: string, body: unknown, ifMatch?: string) => {
  const req = apiRequest("PUT", `/campaigns/${id}`, editor, body);
  if (ifMatch !== undefined) req.headers.set("if-match", ifMatch);
  return PUT(req, routeParams(id));
};

describe("If-Match on PUT /api/v1/campaigns/{id}", () => {
  it("GET answers the version as the ETag; a PUT from it passes (200, new ETag), a second from the same one is 412 and writes nothing", async () => {
    const id = await created();
    const got = await GET(apiRequest("GET", `/campaigns/${id}`, editor), routeParams(id));
    expect(got.status).toBe(200);
    const etag = got.headers.get("etag");
    expect(etag).toBe('"1"');
    const body = await got.json();
    expect(body.version).toBe(1);

    const first = await put(id, { name: "Daily nudge", actions: [{ id: body.actions[0].id, url: "https://new.example.com/hook" }] }, etag!);
    expect(first.status).toBe(200);
    expect(first.headers.get("etag")).toBe('"2"');

    const second = await put(id, { name: "Daily nudge", description: "stale", actions: [] }, etag!);
    expect(second.status).toBe(412);
    expect(second.headers.get("etag")).toBe('"2"');
    const error = (await second.json()).error;
    expect(error.code).toBe("precondition_failed");
    expect(error.message).toMatch(/^This campaign was changed by the API at \d{4}-\d\d-\d\d \d\d:\d\d UTC since the ETag you sent \("1"\); it is "2" now\. GET the campaign again, re-apply your change and send it with the new ETag\.$/);
    expect(error.details).toEqual({ currentETag: '"2"' });

    const now = await (await GET(apiRequest("GET", `/campaigns/${id}`, editor), routeParams(id))).json();
    expect([now.description, now.actions[0].url, now.version]).toEqual(["", "https://new.example.com/hook", 2]);

    const fresh = await put(id, { name: "Daily nudge", description: "fresh" }, '"2"');
    expect(fresh.status).toBe(200);
    expect((await fresh.json()).description).toBe("fresh");
  });

  it("without If-Match (or with *) the last write wins, as before", async () => {
    const id = await created();
    expect((await put(id, { name: "One" })).status).toBe(200);
    expect((await put(id, { name: "Two" }, "*")).status).toBe(200);
    const now = await (await GET(apiRequest("GET", `/campaigns/${id}`, editor), routeParams(id))).json();
    expect([now.name, now.version]).toEqual(["Two", 3]);
    // "*" needs a campaign to match: none is a 404 as without If-Match
    expect((await put("nope", { name: "Three" }, "*")).status).toBe(404);
  });

  it("an If-Match that is not one of our ETags is 412 too", async () => {
    const id = await created();
    const res = await put(id, { name: "Never" }, '"abc"');
    expect(res.status).toBe(412);
    expect((await res.json()).error.code).toBe("precondition_failed");
  });

  it("a list matches when any member does; a weak tag never does (412), an unknown one neither", async () => {
    const id = await created();
    expect((await put(id, { name: "Listed" }, '"7", "1"')).status).toBe(200);
    const weak = await put(id, { name: "Weak" }, 'W/"2"');
    expect(weak.status).toBe(412);
    expect((await weak.json()).error.message).toMatch(/weak/);
    expect((await put(id, { name: "Weak" }, 'W/"2", "x,y"')).status).toBe(412);
    expect((await put(id, { name: "Listed again" }, 'W/"2",  "2"')).status).toBe(200);
  });

  it.each([["abc"], ["2"], ['"2'], ['"1" "2"'], ['*, "1"'], ['"a"b"'], [","], [""]])("a malformed If-Match (%s) is a 400 naming the header, nothing written", async (header) => {
    const id = await created();
    const res = await put(id, { name: "Never" }, header);
    expect(res.status).toBe(400);
    const error = (await res.json()).error;
    expect(error.code).toBe("validation_error");
    expect(error.message).toMatch(/^If-Match: /);
    const now = await (await GET(apiRequest("GET", `/campaigns/${id}`, editor), routeParams(id))).json();
    expect([now.name, now.version]).toEqual(["Daily nudge", 1]);
  });

  it("a PUT changing nothing keeps the ETag; the goal set in the Goal form since makes an old ETag stale, and the goal stays", async () => {
    const id = await created();
    const same = await put(id, { name: "Daily nudge" }, '"1"');
    expect([same.status, same.headers.get("etag")]).toEqual([200, '"1"']);
    await saveCampaignGoal(id, { goalEvent: "purchase", goalWindowHours: 24 });
    const stale = await put(id, { name: "Daily nudge", goalEvent: null }, '"1"');
    expect(stale.status).toBe(412);
    expect(stale.headers.get("etag")).toBe('"2"');
    const now = await (await GET(apiRequest("GET", `/campaigns/${id}`, editor), routeParams(id))).json();
    expect([now.goalEvent, now.version]).toEqual(["purchase", 2]);
  });

  it("POST answers the new campaign's ETag, which a PUT can send back", async () => {
    const res = await POST(apiRequest("POST", "/campaigns", editor, { name: "Created", actions: [{ url: "https://a.example.com/hook" }] }), routeParams(""));
    expect(res.status).toBe(201);
    expect(res.headers.get("etag")).toBe('"1"');
    const { id } = await res.json();
    expect((await put(id, { name: "Created, renamed" }, res.headers.get("etag")!)).headers.get("etag")).toBe('"2"');
  });
});
