// A campaign's version at every door that writes it: a create with settings starts at 1, one Save moves
// it once, a stale admin tab cannot put back a cap exemption changed since, and deleting or copying a
// webhook moves it as a save changing the webhooks does.
import { describe, expect, it } from "vitest";
import { db } from "../db";
import { CampaignConflictError, deleteAction, duplicateAction, getCampaignDraft, saveCampaign } from "./campaigns";
import { saveCampaignWithDelivery } from "./save-with-delivery";
import { campaignDraftSchema, type CampaignDraftInput } from "./schemas";
import { actionRef } from "./delivery-refs";
import { saveDeliverySettings } from "../delivery/forms/settings";
import { deliverySettingsSchema } from "../delivery/forms/settings";

const draft = (input: CampaignDraftInput) => campaignDraftSchema.parse(input);
const stored = (id: string) => db().campaign.findUniqueOrThrow({ where: { id }, select: { version: true, contentVersion: true, capExempt: true, name: true } });
const admin = (email: string) => ({ role: "admin" as const, email });

const settings = (actionId: string, capExempt?: boolean, over: Record<string, unknown> = {}) => ({
  rule: { when: "immediate" },
  actions: [{ id: actionId, subDelivery: { kind: "immediate" }, retryPolicy: "default", rateLimitPerSecond: null }],
  audience: { match: "all", conditions: [] },
  startAt: "",
  endAt: "",
  ...(capExempt === undefined ? {} : { capExempt }),
  ...over,
});

async function loaded() {
  const { id } = await saveCampaign(draft({ name: "Weekly digest", actions: [{ url: "https://hooks.example.com/digest" }] }));
  return (await getCampaignDraft(id, "admin"))!;
}
const tabOf = (l: NonNullable<Awaited<ReturnType<typeof getCampaignDraft>>>) => ({ ...l, actions: l.actions.map((a) => ({ ...a })) });

describe("a campaign created with its delivery settings", () => {
  it("starts at version 1 (the editor's first Save, the API's POST with delivery)", async () => {
    const vip = { match: "all", conditions: [{ key: "plan", operator: "equals", value: "vip" }] };
    const result = await saveCampaignWithDelivery(draft({ name: "New", actions: [{ url: "https://hooks.example.com/a" }] }), settings(actionRef(0), true, { audience: vip, rule: { when: "triggered", event: "signup" } }), admin("a@example.com"));
    expect(result.ok && result.data.version).toBe(1);
    if (!result.ok) return;
    expect(await stored(result.data.id)).toMatchObject({ version: 1, contentVersion: 1, capExempt: true });
  });
});

describe("one Save moves the version once", () => {
  it("a rename and a new audience in the same Save: 1 -> 2", async () => {
    const l = await loaded();
    const vip = { match: "all", conditions: [{ key: "plan", operator: "equals", value: "vip" }] };
    const result = await saveCampaignWithDelivery(draft({ ...tabOf(l), name: "Renamed" }), settings(l.actions[0]!.id!, false, { audience: vip }), admin("a@example.com"));
    expect(result.ok && result.data.version).toBe(2);
    expect(await stored(l.id)).toMatchObject({ version: 2, contentVersion: 2 });
  });
});

describe("the cap exemption and a stale admin tab (the editor's Save, saveCampaignWithDelivery)", () => {
  it("another admin exempted the campaign since the tab opened: the tab's Save is refused, the exemption stays", async () => {
    const l = await loaded();
    const actionId = l.actions[0]!.id!;
    // admin B, in a tab of their own, exempts it
    const b = await saveCampaignWithDelivery(draft(tabOf(l)), settings(actionId, true), admin("b@example.com"));
    expect(b.ok).toBe(true);
    // admin A's tab still holds capExempt: false and renames
    await expect(saveCampaignWithDelivery(draft({ ...tabOf(l), name: "Renamed by A" }), settings(actionId, false), admin("a@example.com"))).rejects.toThrow(
      /changed by b@example\.com at .* since you opened it/,
    );
    expect(await stored(l.id)).toMatchObject({ name: "Weekly digest", capExempt: true });
  });

  it("an editor's stale tab (it sends no exemption) still saves its rename, and the exemption stays", async () => {
    const l = await loaded();
    const actionId = l.actions[0]!.id!;
    await saveCampaignWithDelivery(draft(tabOf(l)), settings(actionId, true), admin("b@example.com"));
    const editor = await saveCampaignWithDelivery(draft({ ...tabOf(l), name: "Renamed by an editor" }), settings(actionId), { role: "editor", email: "e@example.com" });
    expect(editor.ok).toBe(true);
    expect(await stored(l.id)).toMatchObject({ name: "Renamed by an editor", capExempt: true });
  });

  it("an admin's own change of the exemption from an up-to-date tab passes, and a second tab's save is then refused", async () => {
    const l = await loaded();
    const actionId = l.actions[0]!.id!;
    const own = await saveCampaignWithDelivery(draft(tabOf(l)), settings(actionId, true), admin("a@example.com"));
    expect(own.ok).toBe(true);
    // the same tab, given the version its save answered, lifts it again
    const fresh = (await getCampaignDraft(l.id, "admin"))!;
    expect((await saveCampaignWithDelivery(draft(tabOf(fresh)), settings(actionId, false), admin("a@example.com"))).ok).toBe(true);
    expect((await stored(l.id)).capExempt).toBe(false);
    await expect(saveCampaignWithDelivery(draft(tabOf(fresh)), settings(actionId, true), admin("c@example.com"))).rejects.toBeInstanceOf(CampaignConflictError);
  });

  it("Activate's save from a stale tab (saveDeliverySettings with the tab's version) is refused as the Save is", async () => {
    const l = await loaded();
    const actionId = l.actions[0]!.id!;
    await saveCampaignWithDelivery(draft(tabOf(l)), settings(actionId, true), admin("b@example.com"));
    const parsed = deliverySettingsSchema.parse(settings(actionId, false));
    await expect(saveDeliverySettings(l.id, parsed, { role: "admin", actor: "a@example.com", moveVersion: false, check: { version: l.version } })).rejects.toBeInstanceOf(CampaignConflictError);
    expect((await stored(l.id)).capExempt).toBe(true);
  });
});

describe("deleting or copying a webhook moves the version", () => {
  it("a tab loaded before either is refused rather than saving over it", async () => {
    const { id } = await saveCampaign(draft({ name: "Two hooks", actions: [{ url: "https://hooks.example.com/a" }, { url: "https://hooks.example.com/b" }] }));
    const l = (await getCampaignDraft(id, "editor"))!;
    await duplicateAction(l.actions[0]!.id!);
    expect((await stored(id)).version).toBe(2);
    await deleteAction(id, l.actions[1]!.id!, "b@example.com");
    expect(await stored(id)).toMatchObject({ version: 3, contentVersion: 3 });
    await expect(saveCampaign(draft({ ...tabOf(l), description: "stale" }))).rejects.toBeInstanceOf(CampaignConflictError);
  });
});
