// The API says a GET's actions can be sent back with PUT as they are. A viewer key's GET masks the
// credential parts (a Slack hook's path, ?token=, a secret-named field, a URL's password in a header): sent back by an editor's key,
// "••••" was stored over the real values, breaking the webhook (found by a review). Now a 400 naming
// the field, nothing written; an editor's own GET, unmasked, round-trips as before.
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { apiKeyHeaders } from "@/lib/api/testing";
import { saveCampaign } from "@/lib/campaigns/campaigns";
import { campaignDraftSchema } from "@/lib/campaigns/schemas";
import { GET, PUT } from "./[id]/route";

const HOOK = "https://hooks.slack.com/services/T000/B000/XXXXSECRET";

const SLACK_ACTION = { name: "Slack", url: `${HOOK}?token=tk_123`, fields: [{ key: "api_key", value: "ak_456" }] };

async function roundTrip(readAs: "viewer" | "editor", saved: Record<string, unknown> = SLACK_ACTION) {
  const { id } = await saveCampaign(campaignDraftSchema.parse({ name: `Slack ${readAs} ${saved.name}`, actions: [saved] }), { role: "admin" });
  const params = { params: Promise.resolve({ id }) };
  const read = await GET(new Request(`http://127.0.0.1/api/v1/campaigns/${id}`, { headers: await apiKeyHeaders(readAs) }), params);
  const shown = (await read.json()) as { name: string; description: string | null; actions: Record<string, unknown>[] };
  const put = await PUT(
    new Request(`http://127.0.0.1/api/v1/campaigns/${id}`, { method: "PUT", headers: { ...(await apiKeyHeaders("editor")), "content-type": "application/json" }, body: JSON.stringify({ name: shown.name, actions: shown.actions }) }),
    params,
  );
  const action = await db().action.findFirstOrThrow({ where: { campaignId: id } });
  return { put, shown, action };
}

describe("PUT of a campaign's actions as a GET showed them", () => {
  it("as a viewer read them (credential parts masked): 400 at the field, nothing stored over the credential", async () => {
    const { put, shown, action } = await roundTrip("viewer");
    expect(JSON.stringify(shown)).not.toMatch(/XXXXSECRET|tk_123|ak_456/);
    expect(put.status).toBe(400);
    expect(JSON.stringify(await put.json())).toMatch(/stands for a credential masked/);
    expect(action.urlTemplate).toBe(`${HOOK}?token=tk_123`);
    expect(JSON.stringify(action.fields)).toContain("ak_456");
  });

  it("a URL with a password in a header of an ordinary name, shown masked: 400 at the header, the header kept", async () => {
    const { put, shown, action } = await roundTrip("viewer", { name: "Callback", url: "https://api.example.com/a", headers: [{ name: "X-Callback", value: "https://bob:hunter2@example.com/cb" }] });
    expect(JSON.stringify(shown)).not.toContain("hunter2");
    expect(put.status).toBe(400);
    expect(JSON.stringify(await put.json())).toMatch(/headers\.0\.value/);
    expect(JSON.stringify(action.headers)).toContain("https://bob:hunter2@example.com/cb");
  });

  it("a header named like a credential but not kept as a secret (Idempotency-Key), shown as '••••' whole: 400 at the header, not stored empty", async () => {
    const { put, shown, action } = await roundTrip("viewer", { name: "Idem", url: "https://api.example.com/a", headers: [{ name: "Idempotency-Key", value: "idem-777", secret: false }] });
    expect(JSON.stringify(shown)).not.toContain("idem-777");
    expect(put.status).toBe(400);
    expect(JSON.stringify(await put.json())).toMatch(/headers\.0\.value/);
    expect(JSON.stringify(action.headers)).toContain("idem-777");
  });

  it("a secret header kept by the webhook, shown as '••••': the PUT keeps its stored value", async () => {
    const { put, action } = await roundTrip("viewer", { name: "Kept", url: "https://api.example.com/a", headers: [{ name: "X-Api-Key", value: "key-123", secret: true }] });
    expect(put.status).toBe(200);
    expect(JSON.stringify(action.headers)).not.toContain("key-123"); // encrypted
    const again = await db().action.findUniqueOrThrow({ where: { id: action.id } });
    expect((again.headers as { secret: boolean; value: string }[])[0]).toMatchObject({ secret: true });
    expect((again.headers as { value: string }[])[0]!.value).not.toBe("");
  });

  it("as an editor read them: saved as they were", async () => {
    const { put, action } = await roundTrip("editor");
    expect(put.status).toBe(200);
    expect(action.urlTemplate).toBe(`${HOOK}?token=tk_123`);
  });
});
