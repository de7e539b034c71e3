// PUT /api/v1/campaigns/{id} with If-Match: a campaign saved since the ETag was read is refused with 412
// (the error envelope, nothing written); the fresh ETag passes. Without If-Match the last write wins.
import { beforeAll, describe, expect, it } from "vitest";
import { apiKeyHeaders, apiRequest, routeParams } from "@/lib/api/testing";
import { saveCampaign } from "@/lib/campaigns/campaigns";
import { campaignDraftSchema } from "@/lib/campaigns/schemas";
import { GET, PUT } from "./[id]/route";

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
    expect(error.message).toMatch(/^This campaign was changed .*since you opened it/);
    expect(error.details).toEqual({ currentETag: '"2"' });

    const now = await (await GET(apiRequest("GET", `/campaigns/${id}`, editor), routeParams(id))).json();
    expect([now.description, now.actions[0].url, now.version]).toEqual(["", "https://new.example.com/hook", 2]);

    const fresh = await put(id, { name: "Daily nudge", description: "fresh" }, 'W/"2"');
    expect(fresh.status).toBe(200);
    expect((await fresh.json()).description).toBe("fresh");
  });

  it("without If-Match (or with *) the last write wins, as before", async () => {
    const id = await created();
    expect((await put(id, { name: "One" })).status).toBe(200);
    expect((await put(id, { name: "Two" }, "*")).status).toBe(200);
    const now = await (await GET(apiRequest("GET", `/campaigns/${id}`, editor), routeParams(id))).json();
    expect([now.name, now.version]).toEqual(["Two", 3]);
  });

  it("an If-Match that is not one of our ETags is 412 too", async () => {
    const id = await created();
    const res = await put(id, { name: "Never" }, "abc");
    expect(res.status).toBe(412);
    expect((await res.json()).error.code).toBe("precondition_failed");
  });
});
