// The editor deletes a saved webhook: the tab holds the version the delete hands back, so its own next
// Save and Activate are not refused as "changed by <themselves> since you opened it". A tab that was
// already behind is handed its old version back, and its Save is still refused.
// And an admin's Activate that changes only the cap exemption: a second admin tab opened before it is
// refused, not written over it.
import { describe, expect, it } from "vitest";
import { db } from "../db";
import { CampaignConflictError, deleteAction, getCampaignDraft, saveCampaign } from "./campaigns";
import { saveCampaignWithDelivery } from "./save-with-delivery";
import { campaignDraftSchema, type CampaignDraftInput } from "./schemas";
import { deliverySettingsSchema, saveDeliverySettings } from "../delivery/forms/settings";

const draft = (input: CampaignDraftInput) => campaignDraftSchema.parse(input);
const editor = { role: "editor" as const, email: "e@example.com" };
const settings = (actionId: string, capExempt?: boolean) => ({
  rule: { when: "immediate" },
  actions: [{ id: actionId, subDelivery: { kind: "immediate" }, retryPolicy: "default", rateLimitPerSecond: null }],
  ...(capExempt === undefined ? {} : { capExempt }),
});

async function twoHooks() {
  const { id } = await saveCampaign(draft({ name: "Two", actions: [{ url: "https://hooks.example.com/a" }, { url: "https://hooks.example.com/b" }] }));
  return (await getCampaignDraft(id, "editor"))!;
}

describe("the editor deletes a saved webhook, then saves or activates (same tab)", () => {
  it("the version the delete hands back lets the tab's Save and Activate's save through", async () => {
    const tab = await twoHooks();
    const { version } = await deleteAction(tab.id, tab.actions[1]!.id!, "e@example.com", { version: tab.version, role: "editor" });
    const next = { ...tab, version, name: "Two renamed", actions: tab.actions.slice(0, 1) };
    const saved = await saveCampaignWithDelivery(draft(next), settings(tab.actions[0]!.id!), editor);
    expect(saved.ok).toBe(true);

    const again = await twoHooks();
    const { version: v2 } = await deleteAction(again.id, again.actions[1]!.id!, "e@example.com", { version: again.version, role: "editor" });
    const parsed = deliverySettingsSchema.parse(settings(again.actions[0]!.id!));
    expect((await saveDeliverySettings(again.id, parsed, { role: "editor", actor: "e@example.com", check: { version: v2 } })).ok).toBe(true);
  });

  it("a tab already behind (renamed elsewhere) keeps its version: its Save is still refused", async () => {
    const tab = await twoHooks();
    await saveCampaign(draft({ ...tab, name: "Renamed elsewhere" }));
    const { version } = await deleteAction(tab.id, tab.actions[1]!.id!, "e@example.com", { version: tab.version, role: "editor" });
    expect(version).toBe(tab.version);
    await expect(saveCampaign(draft({ ...tab, version, actions: tab.actions.slice(0, 1) }))).rejects.toBeInstanceOf(CampaignConflictError);
  });
});

describe("an admin's Activate changing only the cap exemption", () => {
  it("a second admin tab opened before it is refused, not written over the exemption", async () => {
    const { id } = await saveCampaign(draft({ name: "Digest", actions: [{ url: "https://hooks.example.com/d" }] }));
    const l = (await getCampaignDraft(id, "admin"))!;
    const actionId = l.actions[0]!.id!;
    // tab A's Activate: its settings saved first, the exemption lifted (activateAction's save)
    const a = await saveDeliverySettings(id, deliverySettingsSchema.parse(settings(actionId, true)), { role: "admin", actor: "a@example.com", check: { version: l.version } });
    expect(a.ok).toBe(true);
    // tab B, opened before, still shows capExempt: false
    await expect(saveCampaignWithDelivery(draft({ ...l, description: "from B" }), settings(actionId, false), { role: "admin", email: "b@example.com" })).rejects.toBeInstanceOf(CampaignConflictError);
    expect((await db().campaign.findUniqueOrThrow({ where: { id } })).capExempt).toBe(true);
    // tab A's own next Save (the same version it sent, the exemption as stored) is no conflict
    expect((await saveCampaignWithDelivery(draft({ ...l, description: "from A" }), settings(actionId, true), { role: "admin", email: "a@example.com" })).ok).toBe(true);
  });

  it("a tab that missed another admin's exemption change is handed its old version by a delete: its Save is refused, not written over the exemption", async () => {
    const { id } = await saveCampaign(draft({ name: "Two", actions: [{ url: "https://hooks.example.com/a" }, { url: "https://hooks.example.com/b" }] }));
    const tabA = (await getCampaignDraft(id, "admin"))!;
    const a0 = tabA.actions[0]!.id!;
    // admin B exempts the campaign from the cap: `version` moves, `contentVersion` does not
    expect((await saveDeliverySettings(id, deliverySettingsSchema.parse(settings(a0, true)), { role: "admin", actor: "b@example.com", check: { version: tabA.version } })).ok).toBe(true);
    // admin A, whose tab missed it, deletes webhook 2: handed back the version it held, not the new one
    const { version } = await deleteAction(id, tabA.actions[1]!.id!, "a@example.com", { version: tabA.version, role: "admin", capExempt: false });
    expect(version).toBe(tabA.version);
    // A's next Save, its page still showing capExempt false: refused, B's exemption kept
    await expect(saveCampaignWithDelivery(draft({ ...tabA, version, actions: tabA.actions.slice(0, 1), description: "from A" }), settings(a0, false), { role: "admin", email: "a@example.com" })).rejects.toBeInstanceOf(CampaignConflictError);
    expect((await db().campaign.findUniqueOrThrow({ where: { id } })).capExempt).toBe(true);
  });
});
