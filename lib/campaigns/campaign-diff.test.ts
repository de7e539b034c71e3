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

  it("lists a changed variant split and control group", () => {
    const before = campaign({ actions: [action({ splitPercent: 50, controlPercent: 0 }), action({ id: "b1", name: "Order paid B", splitPercent: 50, controlPercent: 0 })] });
    const after = campaign({ actions: [action({ splitPercent: 70, controlPercent: 10 }), action({ id: "b1", name: "Order paid B", splitPercent: 30, controlPercent: 0 })] });
    expect(diffCampaigns(before, after)).toEqual([
      { field: "actions[0] (Order paid).splitPercent", before: 50, after: 70 },
      { field: "actions[0] (Order paid).controlPercent", before: 0, after: 10 },
      { field: "actions[1] (Order paid B).splitPercent", before: 50, after: 30 },
    ]);
  });
});

describe("saveCampaign's changes (real database)", () => {
  it("reports what an update changed, secrets as changed only, for the campaign.updated audit entry", async () => {
    const input = { name: "Diffed", actions: [{ url: "https://u:pw-one@api.example.com/a/{{user.id}}", headers: [{ name: "X-Key", value: "key-one", secret: true }], fields: [] }] };
    const created = await saveCampaign(campaignDraftSchema.parse(input));
    expect(created.changes).toEqual([]);
    expect(campaignSaveAudit(campaignDraftSchema.parse(input), created).action).toBe("campaign.created");

    // Saving the masked draft as shown changes nothing (the secrets are re-encrypted, not changed).
    // edited twice from what the page showed: without its version, as the page holds the fresh one after a save
    const { version: _version, ...shown } = (await getCampaignDraft(created.id, "admin"))!;
    const same = campaignDraftSchema.parse(shown);
    expect((await saveCampaign(same)).changes).toEqual([]);

    const edited = campaignDraftSchema.parse({
      ...shown,
      actions: shown.actions!.map((a) => ({ ...a, url: a.url.replace("/a/{{user.id}}", "/a/{{user.id}}/b"), headers: [{ name: "X-Key", value: "key-two", secret: true }] })),
    });
    expect(shown.actions![0]!.url).toContain(SECRET_MASK);
    const saved = await saveCampaign(edited);
    expect(saved.changes).toEqual([
      // as the editor shows it (url-password.ts maskedUrlTemplate): a key saved in the template before it was split out shows masked too
      { field: "actions[0] (Webhook).url", before: "https://u:••••@api.example.com/a/{{user.id}}", after: "https://u:••••@api.example.com/a/{{user.id}}/b" },
      { field: "actions[0] (Webhook).headers[0].value", secret: "changed" },
    ]);
    const audit = campaignSaveAudit(edited, saved);
    expect(audit).toEqual({ action: "campaign.updated", details: { name: "Diffed", diff: saved.changes } });
    expect(JSON.stringify(audit)).not.toMatch(/key-two|key-one|pw-one/);
  });

  it("reports a saved change of the variant splits and the control group", async () => {
    const input = { name: "Split", actions: [{ url: "https://x.example.com/a", splitPercent: 50, controlPercent: 0, variants: [{ url: "https://x.example.com/b", splitPercent: 50 }] }] };
    const created = await saveCampaign(campaignDraftSchema.parse(input));
    const shown = (await getCampaignDraft(created.id, "admin"))!;
    const edited = campaignDraftSchema.parse({
      ...shown,
      actions: shown.actions!.map((a) => ({ ...a, splitPercent: 80, controlPercent: 5, variants: a.variants!.map((v) => ({ ...v, splitPercent: 20 })) })),
    });
    const { changes } = await saveCampaign(edited);
    expect(changes).toContainEqual({ field: "actions[0] (Webhook).splitPercent", before: 50, after: 80 });
    expect(changes).toContainEqual({ field: "actions[0] (Webhook).controlPercent", before: 0, after: 5 });
    expect(changes.some((c) => "before" in c && c.field.endsWith(".splitPercent") && c.before === 50 && c.after === 20)).toBe(true);
  });

  it("snapshots the stored row with secrets fingerprinted", async () => {
    const { id } = await saveCampaign(campaignDraftSchema.parse({ name: "Snap", actions: [{ url: "https://x.example.com", headers: [{ name: "X-Key", value: "very-secret", secret: true }] }] }));
    const row = await db().campaign.findUniqueOrThrow({ where: { id }, include: { actions: true } });
    expect(JSON.stringify(campaignSnapshot(row))).not.toContain("very-secret");
  });
});
