// The campaign save's two doors, the API's PUT and the editor's saveCampaignAction, refuse what the one
// schema refuses (lib/campaigns/save-checks.test.ts): two webhooks with one id (they were merged, the
// first lost, 200), and a written-out host or port no request can reach (saved, then refused at every
// preview and at Activate); a field error at its path, nothing written.
import { beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db";
import { apiKeyHeaders } from "@/lib/api/testing";
import { memberCookies } from "@/test/sessions";
import { POST as create } from "../api/v1/campaigns/route";
import { PUT } from "../api/v1/campaigns/[id]/route";

let requestHeaders = new Headers();
vi.mock("next/headers", () => ({ headers: async () => requestHeaders }));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));
const { saveCampaignAction } = await import("./actions");

let admin: Record<string, string>;
beforeAll(async () => {
  admin = await apiKeyHeaders("admin");
  requestHeaders = new Headers({ cookie: (await memberCookies()).editor });
});

const send = (path: string, method: string, body: unknown) =>
  new Request(`http://127.0.0.1/api/v1${path}`, { method, headers: { ...admin, "content-type": "application/json" }, body: JSON.stringify(body) });
const params = (id: string) => ({ params: Promise.resolve({ id }) });

async function savedCampaign() {
  const res = await create(send("/campaigns", "POST", { name: "Two", actions: [{ name: "one", url: "https://a.example.com/1" }] }));
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; actions: { id: string; name: string }[] };
}
const storedNames = async (id: string) => (await db().action.findMany({ where: { campaignId: id }, orderBy: { position: "asc" } })).map((a) => a.name);

describe("two webhooks with one id", () => {
  it("PUT /api/v1/campaigns/{id} answers 400 at actions.1.id and keeps both as they were", async () => {
    const campaign = await savedCampaign();
    const x = campaign.actions[0]!.id;
    const body = { name: "Two", actions: [{ id: x, name: "one", url: "https://a.example.com/1" }, { id: x, name: "two", url: "https://a.example.com/2" }] };
    const res = await PUT(send(`/campaigns/${campaign.id}`, "PUT", body), params(campaign.id));
    expect(res.status).toBe(400);
    const answer = await res.json();
    expect(answer.error.message).toBe(`actions.1.id: Two webhooks have the id ${x}`);
    expect(answer.error.details).toContainEqual({ path: "actions.1.id", message: `Two webhooks have the id ${x}` });
    expect(await storedNames(campaign.id)).toEqual(["one"]);
  });

  it("saveCampaignAction answers the field error at actions.1.id, where the editor shows it (at that webhook's name)", async () => {
    const campaign = await savedCampaign();
    const x = campaign.actions[0]!.id;
    const res = await saveCampaignAction({ id: campaign.id, name: "Two", actions: [{ id: x, name: "one", url: "https://a.example.com/1" }, { id: x, name: "two", url: "https://a.example.com/2" }] });
    expect(res).toEqual({ ok: false, message: "Fix the highlighted field, then save again.", fieldErrors: { "actions.1.id": `Two webhooks have the id ${x}` } });
    expect(await storedNames(campaign.id)).toEqual(["one"]);
  });
});

describe("a host or port no request can reach", () => {
  it.each([
    ["http://exa mple.com/x", "URL: the host `exa mple.com` is not valid (spaces are not allowed)"],
    ["http://[::1/x", "URL: `[::1` is not a valid IPv6 address"],
    ["http://a.example:99999/x", "URL: port 99999 is out of range (1-65535)"],
  ])("%s is refused by both doors at actions.0.url: %s", async (url, message) => {
    const campaign = await savedCampaign();
    const body = { name: "Two", actions: [{ id: campaign.actions[0]!.id, name: "one", url }] };
    const res = await PUT(send(`/campaigns/${campaign.id}`, "PUT", body), params(campaign.id));
    expect(res.status).toBe(400);
    expect((await res.json()).error.details).toContainEqual({ path: "actions.0.url", message });
    expect(await saveCampaignAction({ ...body, id: campaign.id })).toMatchObject({ ok: false, fieldErrors: { "actions.0.url": message } });
    expect((await db().action.findFirstOrThrow({ where: { campaignId: campaign.id } })).urlTemplate).toBe("https://a.example.com/1");
  });
});

describe("a save refused for its name names its template errors too", () => {
  it("saveCampaignAction answers every problem at once: the empty name, an unclosed {{ in the URL and one in a data field", async () => {
    const res = await saveCampaignAction({ name: "", actions: [{ name: "CRM", url: "https://a.example.com/{{user.id", fields: [{ key: "plan", value: "{{user.plan", type: "text" }] }] });
    expect(res.ok).toBe(false);
    expect(!res.ok && res.message).toBe("Fix the 3 highlighted fields, then save again.");
    expect(Object.keys(!res.ok ? res.fieldErrors : {}).sort()).toEqual(["actions.0.fields.0.value", "actions.0.url", "name"]);
  });
});
