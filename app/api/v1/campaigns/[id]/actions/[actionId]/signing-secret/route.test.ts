// A webhook's signing secret through the API, as the editor's buttons set it: shown once, rotated with
// the old one valid 24 h, removed; by role; audited as the key.
import { beforeAll, describe, expect, it } from "vitest";
import { apiKeyHeaders, apiRequest } from "@/lib/api/testing";
import { db } from "@/lib/db";
import { POST as create } from "../../../../route";
import { GET as getOne } from "../../../route";
import { DELETE, POST } from "./route";

let editor: Record<string, string>;
let viewer: Record<string, string>;
beforeAll(async () => {
  editor = await apiKeyHeaders("editor");
  viewer = await apiKeyHeaders("viewer");
});

const params = (id: string, actionId: string) => ({ params: Promise.resolve({ id, actionId }) });
const path = (id: string, actionId: string) => `/campaigns/${id}/actions/${actionId}/signing-secret`;
async function campaignWith(url: string) {
  const res = await create(apiRequest("POST", "/campaigns", editor, { name: "Signed", actions: [{ name: "CRM", url }] }));
  expect(res.status).toBe(201);
  const c = (await res.json()) as { id: string; actions: { id: string }[] };
  return { id: c.id, actionId: c.actions[0]!.id };
}

describe("POST and DELETE /api/v1/campaigns/{id}/actions/{actionId}/signing-secret", () => {
  it("generates a secret shown once, rotates it keeping the old one a day, removes it; not a viewer; audited", async () => {
    const { id, actionId } = await campaignWith("https://crm.example.com/hook");
    expect((await POST(apiRequest("POST", path(id, actionId), viewer), params(id, actionId))).status).toBe(403);

    const first = await POST(apiRequest("POST", path(id, actionId), editor), params(id, actionId));
    expect(first.status).toBe(200);
    const created = await first.json();
    expect(created).toMatchObject({ enabled: true, previousValidUntil: null });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/=]{32,}$/);
    const read = await (await getOne(apiRequest("GET", `/campaigns/${id}`, viewer), { params: Promise.resolve({ id }) })).text();
    expect(read).not.toContain(created.secret.slice("whsec_".length));
    expect(JSON.parse(read).actions[0].signing).toMatchObject({ enabled: true });

    const rotated = await (await POST(apiRequest("POST", path(id, actionId), editor), params(id, actionId))).json();
    expect(rotated.secret).not.toBe(created.secret);
    expect(Date.parse(rotated.previousValidUntil) - Date.now()).toBeGreaterThan(23 * 3_600_000);

    expect((await DELETE(apiRequest("DELETE", path(id, actionId), viewer), params(id, actionId))).status).toBe(403);
    expect((await DELETE(apiRequest("DELETE", path(id, actionId), editor), params(id, actionId))).status).toBe(204);
    const after = await (await getOne(apiRequest("GET", `/campaigns/${id}`, viewer), { params: Promise.resolve({ id }) })).json();
    expect(after.actions[0].signing).toEqual({ enabled: false, previousValidUntil: null });

    const audit = await db().auditLog.findMany({ where: { target: actionId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
    expect(audit.map((a) => [a.action, a.actor])).toEqual([
      ["signing_secret.created", 'API key "test editor"'],
      ["signing_secret.rotated", 'API key "test editor"'],
      ["signing_secret.removed", 'API key "test editor"'],
    ]);
    expect(JSON.stringify(audit)).not.toContain(created.secret.slice("whsec_".length));
  });

  it("a webhook of another campaign, or none, is a 404; a templated host cannot be signed (409)", async () => {
    const mine = await campaignWith("https://crm.example.com/hook");
    const theirs = await campaignWith("https://crm.example.com/other");
    expect((await POST(apiRequest("POST", path(mine.id, theirs.actionId), editor), params(mine.id, theirs.actionId))).status).toBe(404);
    expect((await DELETE(apiRequest("DELETE", path(mine.id, "nope"), editor), params(mine.id, "nope"))).status).toBe(404);
    // removal, from my campaign, of a signed webhook of another: 404, and its secret stays
    expect((await POST(apiRequest("POST", path(theirs.id, theirs.actionId), editor), params(theirs.id, theirs.actionId))).status).toBe(200);
    const removal = await DELETE(apiRequest("DELETE", path(mine.id, theirs.actionId), editor), params(mine.id, theirs.actionId));
    expect(removal.status).toBe(404);
    expect((await removal.json()).error.message).toMatch(/No webhook with id/);
    expect((await db().action.findUniqueOrThrow({ where: { id: theirs.actionId } })).signingSecretEnc).not.toBeNull();
    const templated = await campaignWith("https://{{user.region}}.example.com/hook");
    const res = await POST(apiRequest("POST", path(templated.id, templated.actionId), editor), params(templated.id, templated.actionId));
    expect(res.status).toBe(409);
    expect((await res.json()).error.message).toMatch(/host is a template cannot be signed/);
  });
});
