import { describe, expect, it } from "vitest";
import { db } from "../db";
import { campaignSnapshot, diffCampaigns, type CampaignSnapshot } from "./campaign-diff";
import { campaignSaveAudit, getCampaignDraft, saveCampaign } from "./campaigns";
import { SECRET_MASK } from "./limits";
import { campaignDraftSchema } from "./schemas";

const action = (over: Partial<CampaignSnapshot["actions"][number]> = {}): CampaignSnapshot["actions"][number] => ({
  id: "a1",
  name: "Order paid",
  method: "POST",
  url: "https://api.example.com/hook",
  urlPassword: null,
  contentType: "application/json",
  timeoutSeconds: 10,
  fields: [{ key: "email", value: "{{user.email}}", type: "text" }],
  headers: [{ name: "X-Api-Key", value: { secret: "fp-1" }, secret: true }],
  ...over,
});
const campaign = (over: Partial<CampaignSnapshot> = {}): CampaignSnapshot => ({ name: "Welcome", description: "", actions: [action()], ...over });

describe("diffCampaigns", () => {
  it("finds nothing when nothing changed", () => {
    expect(diffCampaigns(campaign(), campaign())).toEqual([]);
  });

  it("lists each changed field with its value before and after", () => {
    const after = campaign({ name: "Welcome v2", actions: [action({ url: "https://api.example.com/v2", fields: [{ key: "email", value: "{{user.id}}", type: "text" }] })] });
    expect(diffCampaigns(campaign(), after)).toEqual([
      { field: "name", before: "Welcome", after: "Welcome v2" },
      { field: "actions[0] (Order paid).url", before: "https://api.example.com/hook", after: "https://api.example.com/v2" },
      { field: "actions[0] (Order paid).fields[0].value", before: "{{user.email}}", after: "{{user.id}}" },
    ]);
  });

  it("says a secret changed, was added or removed, and never shows it", () => {
    const after = campaign({ actions: [action({ urlPassword: { secret: "pw" }, headers: [{ name: "X-Api-Key", value: { secret: "fp-2" }, secret: true }] })] });
    const diff = diffCampaigns(campaign(), after);
    expect(diff).toEqual([
      { field: "actions[0] (Order paid).urlPassword", secret: "added" },
      { field: "actions[0] (Order paid).headers[0].value", secret: "changed" },
    ]);
    const back = diffCampaigns(after, campaign({ actions: [action({ headers: [] })] }));
    expect(back).toContainEqual({ field: "actions[0] (Order paid).urlPassword", secret: "removed" });
    expect(back).toContainEqual({ field: "actions[0] (Order paid).headers[0].value", secret: "removed" });
  });

  it("does not reveal a plain value that became secret", () => {
    const before = campaign({ actions: [action({ headers: [{ name: "X-Token", value: "plain-token", secret: false }] })] });
    const after = campaign({ actions: [action({ headers: [{ name: "X-Token", value: { secret: "fp" }, secret: true }] })] });
    const diff = diffCampaigns(before, after);
    expect(diff).toContainEqual({ field: "actions[0] (Order paid).headers[0].value", secret: "changed" });
    expect(JSON.stringify(diff)).not.toContain("plain-token");
  });

  it("names webhooks added and removed", () => {
    const after = campaign({ actions: [action({ id: "a2", name: "Reminder" })] });
    expect(diffCampaigns(campaign(), after)).toEqual([
      { field: "actions[0] (Reminder)", before: null, after: "added" },
      { field: "webhook (Order paid)", before: "present", after: "removed" },
    ]);
  });
});

describe("saveCampaign's changes (real database)", () => {
  it("reports what an update changed, secrets as changed only, for the campaign.updated audit entry", async () => {
    const input = { name: "Diffed", actions: [{ url: "https://u:pw-one@api.example.com/a", headers: [{ name: "X-Key", value: "key-one", secret: true }], fields: [] }] };
    const created = await saveCampaign(campaignDraftSchema.parse(input));
    expect(created.changes).toEqual([]);
    expect(campaignSaveAudit(campaignDraftSchema.parse(input), created).action).toBe("campaign.created");

    // Saving the masked draft as shown changes nothing (the secrets are re-encrypted, not changed).
    const shown = (await getCampaignDraft(created.id))!;
    const same = campaignDraftSchema.parse(shown);
    expect((await saveCampaign(same)).changes).toEqual([]);

    const edited = campaignDraftSchema.parse({
      ...shown,
      actions: shown.actions!.map((a) => ({ ...a, url: a.url.replace("/a", "/b"), headers: [{ name: "X-Key", value: "key-two", secret: true }] })),
    });
    expect(shown.actions![0]!.url).toContain(SECRET_MASK);
    const saved = await saveCampaign(edited);
    expect(saved.changes).toEqual([
      { field: "actions[0] (Webhook).url", before: "https://u@api.example.com/a", after: "https://u@api.example.com/b" },
      { field: "actions[0] (Webhook).headers[0].value", secret: "changed" },
    ]);
    const audit = campaignSaveAudit(edited, saved);
    expect(audit).toEqual({ action: "campaign.updated", details: { name: "Diffed", diff: saved.changes } });
    expect(JSON.stringify(audit)).not.toMatch(/key-two|key-one|pw-one/);
  });

  it("snapshots the stored row with secrets fingerprinted", async () => {
    const { id } = await saveCampaign(campaignDraftSchema.parse({ name: "Snap", actions: [{ url: "https://x.example.com", headers: [{ name: "X-Key", value: "very-secret", secret: true }] }] }));
    const row = await db().campaign.findUniqueOrThrow({ where: { id }, include: { actions: true } });
    expect(JSON.stringify(campaignSnapshot(row))).not.toContain("very-secret");
  });
});
