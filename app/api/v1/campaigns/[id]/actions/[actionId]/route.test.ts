// Deleting one webhook of a campaign through the API, by the editor's own rule (deleteAction): only
// while it has no deliveries (its log, results and pending sends are never erased), never the last
// one of an active or paused campaign, at least an editor's key, audited as the key.
import { beforeAll, describe, expect, it } from "vitest";
import { apiKeyHeaders, apiRequest } from "@/lib/api/testing";
import { db } from "@/lib/db";
import { POST as create } from "../../../route";
import { GET as getOne, PUT } from "../../route";
import { DELETE } from "./route";

let editor: Record<string, string>;
let viewer: Record<string, string>;
let admin: Record<string, string>;
beforeAll(async () => {
  [editor, viewer, admin] = await Promise.all([apiKeyHeaders("editor"), apiKeyHeaders("viewer"), apiKeyHeaders("admin")]);
  await db().user.upsert({ where: { id: "del-hook-user" }, create: { id: "del-hook-user", attributes: {} }, update: {} });
});

const params = (id: string, actionId: string) => ({ params: Promise.resolve({ id, actionId }) });
const del = (id: string, actionId: string, key: Record<string, string> | undefined) =>
  DELETE(apiRequest("DELETE", `/campaigns/${id}/actions/${actionId}`, key ?? {}), params(id, actionId));
const webhooksOf = async (id: string) =>
  ((await (await getOne(apiRequest("GET", `/campaigns/${id}`, viewer), { params: Promise.resolve({ id }) })).json()) as { actions: { id: string; name: string }[] }).actions.map((a) => a.name);

async function campaignWith(...names: string[]) {
  const res = await create(apiRequest("POST", "/campaigns", editor, { name: "Two hooks", actions: names.map((name, i) => ({ name, url: `https://hooks.example.com/${i}` })) }));
  expect(res.status).toBe(201);
  const c = (await res.json()) as { id: string; actions: { id: string }[] };
  return { id: c.id, actionIds: c.actions.map((a) => a.id) };
}

function deliveryOf(campaignId: string, actionId: string, state: string) {
  return db().delivery.create({ data: { webhookId: `msg_${actionId}_${state}`, campaignId, actionId, userId: "del-hook-user", triggerKey: `t:${state}`, plannedAt: new Date(), dueAt: new Date(Date.now() + 3_600_000), state } });
}

describe("DELETE /api/v1/campaigns/{id}/actions/{actionId}", () => {
  it("deletes the webhook (204), the others stay; audited as the key; a second time is a 404", async () => {
    const { id, actionIds } = await campaignWith("CRM", "Slack");
    const res = await del(id, actionIds[0]!, editor);
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    expect(await webhooksOf(id)).toEqual(["Slack"]);
    expect(await db().auditLog.findFirst({ where: { action: "campaign.action_deleted", target: id } })).toMatchObject({ actor: 'API key "test editor"' });
    const again = await del(id, actionIds[0]!, editor);
    expect(again.status).toBe(404);
    expect((await again.json()).error).toEqual({ code: "not_found", message: `No webhook with id "${actionIds[0]}" in campaign "${id}"`, details: null });
  });

  it("needs an editor's key: no key 401, a viewer 403, and nothing changes", async () => {
    const { id, actionIds } = await campaignWith("CRM", "Slack");
    const anonymous = await del(id, actionIds[0]!, undefined);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect((await del(id, actionIds[0]!, { authorization: "Bearer hk_live_forged" })).status).toBe(401);
    const asViewer = await del(id, actionIds[0]!, viewer);
    expect(asViewer.status).toBe(403);
    expect((await asViewer.json()).error.code).toBe("forbidden");
    expect(await webhooksOf(id)).toEqual(["CRM", "Slack"]);
    expect(await db().auditLog.count({ where: { action: "campaign.action_deleted", target: id } })).toBe(0);
    expect((await del(id, actionIds[0]!, admin)).status).toBe(204);
  });

  it("is a 404 for another campaign's webhook, an unknown campaign or a variant's id, deleting nothing", async () => {
    const mine = await campaignWith("Mine", "Mine too");
    const theirs = await campaignWith("Theirs");
    const res = await del(mine.id, theirs.actionIds[0]!, editor);
    expect(res.status).toBe(404);
    expect(await webhooksOf(theirs.id)).toEqual(["Theirs"]);
    const noCampaign = await del("no-such-campaign", mine.actionIds[0]!, editor);
    expect(noCampaign.status).toBe(404);
    expect((await noCampaign.json()).error.message).toBe('No campaign with id "no-such-campaign"');
    expect(await webhooksOf(mine.id)).toEqual(["Mine", "Mine too"]);

    // a variant is not a webhook of its own: PUT the step without it
    const step = { id: mine.actionIds[0], name: "Mine", url: "https://hooks.example.com/0", splitPercent: 50, variants: [{ name: "B", url: "https://hooks.example.com/b", splitPercent: 50 }] };
    const saved = await PUT(apiRequest("PUT", `/campaigns/${mine.id}`, editor, { name: "Two hooks", actions: [step] }), { params: Promise.resolve({ id: mine.id }) });
    expect(saved.status).toBe(200);
    const variantId = ((await saved.json()) as { actions: { variants: { id: string }[] }[] }).actions[0]!.variants[0]!.id;
    expect((await del(mine.id, variantId, editor)).status).toBe(404);
    expect(await db().action.count({ where: { id: variantId } })).toBe(1);
  });

  it("is a 409 while the webhook has deliveries, waiting or sent: none is erased", async () => {
    const { id, actionIds } = await campaignWith("CRM", "Slack");
    const waiting = await deliveryOf(id, actionIds[0]!, "scheduled");
    const res = await del(id, actionIds[0]!, editor);
    expect(res.status).toBe(409);
    expect((await res.json()).error).toMatchObject({ code: "conflict", message: expect.stringContaining('The webhook "CRM" has deliveries') });
    expect(await db().delivery.count({ where: { id: waiting.id } })).toBe(1);
    expect(await webhooksOf(id)).toEqual(["CRM", "Slack"]);
    expect(await db().auditLog.count({ where: { action: "campaign.action_deleted", target: id } })).toBe(0);
  });

  it("is a 409 for the last webhook of an active or paused campaign, which would have nothing to send; a draft's may go", async () => {
    for (const status of ["active", "paused"]) {
      const { id, actionIds } = await campaignWith("Only");
      await db().campaign.update({ where: { id }, data: { status } });
      const res = await del(id, actionIds[0]!, editor);
      expect(res.status, status).toBe(409);
      expect((await res.json()).error).toMatchObject({ code: "conflict", message: expect.stringContaining(`last webhook of this ${status} campaign`) });
      expect(await webhooksOf(id)).toEqual(["Only"]);
    }
    const active = await campaignWith("One", "Two");
    await db().campaign.update({ where: { id: active.id }, data: { status: "active" } });
    expect((await del(active.id, active.actionIds[1]!, editor)).status).toBe(204);
    const draft = await campaignWith("Only");
    expect((await del(draft.id, draft.actionIds[0]!, editor)).status).toBe(204);
    expect(await webhooksOf(draft.id)).toEqual([]);
  });
});
