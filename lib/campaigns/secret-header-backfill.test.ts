// Headers named like a credential, saved with their "secret" box unticked, were stored and read back in
// clear (every role, through the API and the editor). A save now seals them; the boot backfill seals
// the ones saved before, and what the action sends is unchanged.
import { describe, expect, it } from "vitest";
import { db } from "../db";
import { decryptSecret } from "../crypto/secret-box";
import { prepareInstall } from "../bootstrap";
import { actionToDraft, loadWebhookTemplate } from "./action-template";
import { saveCampaign } from "./campaigns";
import { campaignDraftSchema } from "./schemas";
import { backfillSecretHeaders } from "./secret-header-backfill";

const headers = [
  { name: "Authorization", value: "Bearer sk_live_UNTICKED", secret: false },
  { name: "X-Api-Key", value: "key-123", secret: false },
  { name: "X-Empty-Token", value: "", secret: false },
  { name: "X-City", value: "{{user.city}}", secret: false },
  // nothing literal in it: no secret of its own, readable in the editor
  { name: "X-Auth-Token", value: "Bearer {{userAttribute.token}}", secret: false },
  // ids as often as secrets: kept as typed (a sealed value is lost when the host changes)
  { name: "Idempotency-Key", value: "{{user.id}}-welcome", secret: false },
  { name: "X-Session-Id", value: "s-123456", secret: false },
];

describe("credential headers saved unticked", () => {
  it("a save stores them as secrets: the editor and the API show them masked, the request carries them", async () => {
    const { id } = await saveCampaign(campaignDraftSchema.parse({ name: "c", actions: [{ name: "CRM", url: "https://crm.example.com/x", headers }] }));
    const action = await db().action.findFirstOrThrow({ where: { campaignId: id } });
    expect(JSON.stringify(action.headers)).not.toMatch(/sk_live_UNTICKED|key-123/);
    expect(actionToDraft(action, "admin").headers).toEqual([
      { name: "Authorization", value: "••••", secret: true },
      { name: "X-Api-Key", value: "••••", secret: true },
      // nothing in it yet: sealed once something is typed
      { name: "X-Empty-Token", value: "", secret: false },
      { name: "X-City", value: "{{user.city}}", secret: false },
      { name: "X-Auth-Token", value: "Bearer {{userAttribute.token}}", secret: false },
      { name: "Idempotency-Key", value: "{{user.id}}-welcome", secret: false },
      { name: "X-Session-Id", value: "s-123456", secret: false },
    ]);
    expect(loadWebhookTemplate(action).headers.map((h) => h.value)).toEqual(["Bearer sk_live_UNTICKED", "key-123", "", "{{user.city}}", "Bearer {{userAttribute.token}}", "{{user.id}}-welcome", "s-123456"]);
  });

  it("the boot backfill seals those saved before, once; npm start's preparation runs it", async () => {
    const create = (name: string) =>
      db().action.create({ data: { name, urlTemplate: "https://crm.example.com/x", fields: [], headers, campaign: { create: { name, deliveryRule: { when: "immediate" } } } } });
    const old = await create("old");
    const sealed = await backfillSecretHeaders();
    expect(sealed.sealed).toContain(old.id);
    const after = await db().action.findUniqueOrThrow({ where: { id: old.id } });
    expect(JSON.stringify(after.headers)).not.toMatch(/sk_live_UNTICKED|key-123/);
    expect(decryptSecret((after.headers as { value: string }[])[0]!.value)).toBe("Bearer sk_live_UNTICKED");
    expect(loadWebhookTemplate(after).headers).toEqual(loadWebhookTemplate(old).headers.map((h) => ({ ...h, secret: ["Authorization", "X-Api-Key"].includes(h.name) })));
    expect((await backfillSecretHeaders()).sealed).not.toContain(old.id);

    const boot = await create("boot");
    await prepareInstall({ seed: false });
    expect(JSON.stringify((await db().action.findUniqueOrThrow({ where: { id: boot.id } })).headers)).not.toMatch(/sk_live_UNTICKED|key-123/);
  });
});
