// When a campaign's version moves: only when a save changes what the editor or the API PUT writes
// (name, description, goal, webhooks, delivery settings). A save changing nothing keeps it, and one changing only the
// cap exemption moves the ETag but not the editor's lock, so another open tab is not told of a conflict it need not have. The Goal form's change moves it (an
// API PUT from an older ETag would put the old goal back) but is no conflict for the editor, whose
// save never writes the goal.
import { describe, expect, it } from "vitest";
import { db } from "../db";
import { CampaignConflictError, getCampaignDraft, saveCampaign } from "./campaigns";
import { saveCampaignGoal } from "./campaign-goal";
import { saveCampaignWithDelivery } from "./save-with-delivery";
import { campaignDraftSchema, type CampaignDraftInput } from "./schemas";
import { actionRef } from "./delivery-refs";

const draft = (input: CampaignDraftInput) => campaignDraftSchema.parse(input);
const versionOf = async (id: string) => (await db().campaign.findUniqueOrThrow({ where: { id }, select: { version: true } })).version;

async function loaded() {
  const { id } = await saveCampaign(
    draft({ name: "Weekly digest", actions: [{ url: "https://hooks.example.com/digest", fields: [{ key: "id", value: "{{user.id}}" }], headers: [{ name: "Authorization", value: "Bearer s3cret", secret: true }] }] }),
  );
  return (await getCampaignDraft(id, "editor"))!;
}

/** What the editor's page holds after loading: the draft it would save (secrets masked, as it sends them). */
const tabOf = (l: NonNullable<Awaited<ReturnType<typeof getCampaignDraft>>>) => ({ ...l, actions: l.actions.map((a) => ({ ...a })) });

const settings = (actionId: string, capExempt: boolean) => ({
  rule: { when: "immediate" },
  actions: [{ id: actionId, subDelivery: { kind: "immediate" }, retryPolicy: "default", rateLimitPerSecond: null }],
  audience: { match: "all", conditions: [] },
  startAt: "",
  endAt: "",
  capExempt,
});

describe("a save that changes nothing the editor or the API writes", () => {
  it("keeps the version and succeeds; another tab loaded before it then saves without a conflict", async () => {
    const l = await loaded();
    const saved = await saveCampaign(draft(tabOf(l)));
    expect(saved.version).toBe(1);
    expect(await versionOf(l.id)).toBe(1);
    const other = await saveCampaign(draft({ ...tabOf(l), description: "Every Monday" }));
    expect(other.version).toBe(2);
    expect(await versionOf(l.id)).toBe(2);
  });

  it("an admin's Save changing only the cap exemption moves the ETag, not the editor's lock: the editor's open tab saves its rename", async () => {
    const l = await loaded();
    const admin = await saveCampaignWithDelivery(draft(tabOf(l)), settings(l.actions[0]!.id!, true), { role: "admin" });
    expect(admin.ok).toBe(true);
    const stored = await db().campaign.findUniqueOrThrow({ where: { id: l.id } });
    // an If-Match "1" could otherwise put the exemption back; the editor's draft, which leaves it out, is no conflict for it
    expect([stored.capExempt, stored.version, stored.contentVersion]).toEqual([true, 2, 1]);
    const renamed = await saveCampaign(draft({ ...tabOf(l), name: "Weekly digest, renamed" }));
    expect(renamed.version).toBe(3);
  });

  it("a Save changing a delivery setting other than the exemption moves it: a tab loaded before is refused, not written over it", async () => {
    const l = await loaded();
    const actionId = l.actions[0]!.id!;
    const vip = { match: "all", conditions: [{ key: "plan", operator: "equals", value: "vip" }] };
    const a = await saveCampaignWithDelivery(draft(tabOf(l)), { ...settings(actionId, false), audience: vip }, { role: "editor" });
    expect(a.ok && a.data.version).toBe(2);
    expect(await versionOf(l.id)).toBe(2);
    // the other tab renames and sends the settings it loaded (everyone): a conflict, the audience stays
    await expect(saveCampaignWithDelivery(draft({ ...tabOf(l), name: "Digest 2" }), settings(actionId, false), { role: "editor" })).rejects.toBeInstanceOf(CampaignConflictError);
    const stored = await db().campaign.findUniqueOrThrow({ where: { id: l.id } });
    expect([stored.name, stored.audience]).toEqual(["Weekly digest", vip]);
    // the same from the Delivery section's own Save (or the API's PUT …/delivery)
    const again = await saveCampaignWithDelivery(draft(tabOf((await getCampaignDraft(l.id, "editor"))!)), { ...settings(actionId, false), audience: vip, rule: { when: "triggered", event: "signup" } }, { role: "editor" });
    expect(again.ok && again.data.version).toBe(3);
  });

  it("settings sent as the form holds them (quietHours: null beside a stored rule without it) are no change: the version stays", async () => {
    const l = await loaded();
    const actionId = l.actions[0]!.id!;
    const same = await saveCampaignWithDelivery(draft(tabOf(l)), { ...settings(actionId, false), rule: { when: "immediate", quietHours: null } }, { role: "editor" });
    expect(same.ok && same.data.version).toBe(1);
    expect(await db().auditLog.count({ where: { target: l.id, action: "campaign.delivery_changed" } })).toBe(0);
  });

  it("a change of any webhook part moves it: a header's secret, a webhook's place, a webhook added", async () => {
    const l = await loaded();
    const step = l.actions[0]!;
    await saveCampaign(draft({ ...tabOf(l), actions: [{ ...step, headers: [{ name: "Authorization", value: "Bearer n3w", secret: true }] }] }));
    expect(await versionOf(l.id)).toBe(2);
    const v2 = (await getCampaignDraft(l.id, "editor"))!;
    await saveCampaign(draft({ ...tabOf(v2), actions: [...tabOf(v2).actions, { url: "https://hooks.example.com/second" }] }));
    expect(await versionOf(l.id)).toBe(3);
    const v3 = (await getCampaignDraft(l.id, "editor"))!;
    await saveCampaign(draft({ ...tabOf(v3), actions: [v3.actions[1]!, v3.actions[0]!] }));
    expect(await versionOf(l.id)).toBe(4);
  });

  it("a save in the same transaction as settings names the version it wrote (not one read after commit)", async () => {
    const l = await loaded();
    const result = await saveCampaignWithDelivery(draft({ ...tabOf(l), name: "Digest" }), settings(actionRef(0), false), { role: "admin" });
    expect(result.ok && result.data.version).toBe(2);
  });
});

describe("the goal and the version", () => {
  it("the Goal form's change moves the version (only when it changes the goal)", async () => {
    const l = await loaded();
    expect((await saveCampaignGoal(l.id, { goalEvent: "purchase", goalWindowHours: 24 })).version).toBe(2);
    expect((await saveCampaignGoal(l.id, { goalEvent: "purchase", goalWindowHours: 24 })).version).toBe(2);
    expect(await versionOf(l.id)).toBe(2);
  });

  it("is no conflict for the editor's save, which leaves the goal as the Goal form set it", async () => {
    const l = await loaded();
    await saveCampaignGoal(l.id, { goalEvent: "purchase", goalWindowHours: 24 });
    const saved = await saveCampaign(draft({ ...tabOf(l), description: "Every Monday" }));
    expect(saved.version).toBe(3);
    const stored = await db().campaign.findUniqueOrThrow({ where: { id: l.id } });
    expect([stored.description, stored.goalEvent, stored.goalWindowHours]).toEqual(["Every Monday", "purchase", 24]);
  });

  it("the editor's save is still refused when the name, description or webhooks changed since, goal change or not", async () => {
    const l = await loaded();
    await saveCampaign(draft({ ...tabOf(l), name: "Renamed" }));
    await saveCampaignGoal(l.id, { goalEvent: "purchase", goalWindowHours: 24 });
    await expect(saveCampaign(draft({ ...tabOf(l), description: "stale" }))).rejects.toBeInstanceOf(CampaignConflictError);
    const fresh = (await getCampaignDraft(l.id, "editor"))!;
    expect(fresh.version).toBe(3);
    expect((await saveCampaign(draft({ ...tabOf(fresh), description: "fresh" }))).version).toBe(4);
  });

  it("a save from an older ETag (the API's If-Match) is refused after a goal change, and the goal stays", async () => {
    const l = await loaded();
    await saveCampaignGoal(l.id, { goalEvent: "purchase", goalWindowHours: 24 });
    const { version: _editor, ...body } = tabOf(l);
    await expect(saveCampaign({ ...draft({ ...body, goalEvent: null }), ifMatch: [1] })).rejects.toBeInstanceOf(CampaignConflictError);
    expect((await db().campaign.findUniqueOrThrow({ where: { id: l.id } })).goalEvent).toBe("purchase");
    expect((await saveCampaign({ ...draft({ ...body, goalEvent: null }), ifMatch: [2] })).version).toBe(3);
  });
});
