// Every action of the campaign page that moves the version hands the tab the one it wrote through one
// rule (versionHeldNext): its own change is never its next save's conflict, while a change it has not
// seen still is. And the Goal form's save is version-checked: from a stale tab it is refused.
import { beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db";
import { getCampaignDraft, saveCampaign } from "@/lib/campaigns/campaigns";
import { campaignDraftSchema } from "@/lib/campaigns/schemas";
import { deliverySettingsSchema, saveDeliverySettings } from "@/lib/delivery/forms/settings";
import { memberCookies } from "@/test/sessions";

let requestHeaders = new Headers();
vi.mock("next/headers", () => ({ headers: async () => requestHeaders }));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

const { saveCampaignAction, deleteActionAction } = await import("./actions");
const { saveCampaignGoalAction } = await import("./goal-actions");
const { activateAction } = await import("./[id]/deliveries/actions");

let cookies: Awaited<ReturnType<typeof memberCookies>>;
beforeAll(async () => {
  cookies = await memberCookies();
});
const as = (who: "admin" | "owner" | "editor") => (requestHeaders = new Headers({ cookie: cookies[who] }));

type Tab = NonNullable<Awaited<ReturnType<typeof getCampaignDraft>>>;
/** A campaign with two saved webhooks (the second one a Number field that never renders: Activate is refused after its save), and a tab of it. */
async function twoHooks(role: "admin" | "editor"): Promise<Tab> {
  const draft = campaignDraftSchema.parse({
    name: "Two",
    actions: [{ url: "https://hooks.example.com/a", fields: [{ key: "amount", value: "lots", type: "number" }] }, { url: "https://hooks.example.com/b" }],
  });
  const { id } = await saveCampaign(draft);
  const tab = (await getCampaignDraft(id, role))!;
  // its delivery settings saved once: a Save sending the same ones changes nothing but what it changes
  expect((await saveDeliverySettings(id, deliverySettingsSchema.parse(settingsOf(tab)))).ok).toBe(true);
  return (await getCampaignDraft(id, role))!;
}
const settingsOf = (tab: Tab, over: Record<string, unknown> = {}) => ({
  rule: { when: "triggered", event: `hand-over-${tab.id}` },
  actions: tab.actions.map((a) => ({ id: a.id!, subDelivery: { kind: "immediate" }, retryPolicy: "default", rateLimitPerSecond: null })),
  ...over,
});
/** Another admin exempts the campaign from the cap (its Save, nothing else changed): `version` moves alone. */
async function exemptElsewhere(tab: Tab) {
  as("owner");
  const before = await stored(tab.id!);
  expect(await saveCampaignAction({ ...tab } as never, settingsOf(tab, { capExempt: true }))).toMatchObject({ ok: true });
  const after = await db().campaign.findUniqueOrThrow({ where: { id: tab.id! }, select: { version: true, contentVersion: true } });
  expect(after).toEqual({ version: before.version + 1, contentVersion: tab.version });
}
const stored = (id: string) => db().campaign.findUniqueOrThrow({ where: { id }, select: { name: true, description: true, goalEvent: true, capExempt: true, version: true } });
/** The second webhook deleted from the tab; the tab after it, as useCampaignDraft keeps it. */
async function deleteSecond(tab: Tab, capExempt?: boolean): Promise<Tab> {
  const result = await deleteActionAction(tab.id!, tab.actions[1]!.id!, tab.version, capExempt);
  expect(result).toMatchObject({ ok: true });
  return { ...tab, version: (result as { data: { version: number } }).data.version, actions: tab.actions.slice(0, 1) } as Tab;
}
/** Another member's goal, set from elsewhere (the API, another tab): `version` moves alone. */
async function goalElsewhere(id: string, goalEvent = "elsewhere") {
  as("owner");
  expect(await saveCampaignGoalAction(id, { goalEvent, goalWindowHours: 24 })).toMatchObject({ ok: true });
}

describe("an editor's tab that missed a version-only change (a goal or an exemption set elsewhere)", () => {
  it("deletes a webhook, then saves: no conflict with its own delete", async () => {
    const tab = await twoHooks("editor");
    await goalElsewhere(tab.id!);
    as("editor");
    const next = await deleteSecond(tab);
    expect(await saveCampaignAction({ ...next, description: "after my delete" } as never)).toMatchObject({ ok: true });
    expect(await stored(tab.id!)).toMatchObject({ description: "after my delete", goalEvent: "elsewhere" });
  });

  it("deletes a webhook, sets the goal, then saves: neither is refused", async () => {
    const tab = await twoHooks("editor");
    await exemptElsewhere(tab);
    as("editor");
    const next = await deleteSecond(tab);
    const goal = await saveCampaignGoalAction(tab.id!, { goalEvent: "purchase", goalWindowHours: 24 }, next.version);
    expect(goal).toMatchObject({ ok: true });
    const saved = await saveCampaignAction({ ...next, version: (goal as { data: { version: number } }).data.version, description: "mine" } as never);
    expect(saved).toMatchObject({ ok: true });
    expect(await stored(tab.id!)).toMatchObject({ description: "mine", goalEvent: "purchase", capExempt: true });
  });

  it("a tab that missed a rename elsewhere keeps its version on a delete: its Save is still refused", async () => {
    const tab = await twoHooks("editor");
    as("owner");
    expect(await saveCampaignAction({ ...tab, name: "Renamed elsewhere" } as never)).toMatchObject({ ok: true });
    as("editor");
    const next = await deleteSecond(tab);
    expect(next.version).toBe(tab.version);
    expect(await saveCampaignAction({ ...next, description: "stale" } as never)).toMatchObject({ ok: false, conflict: true });
    expect(await stored(tab.id!)).toMatchObject({ name: "Renamed elsewhere" });
  });
});

describe("the Goal form's save from a stale tab", () => {
  it("is refused as a conflict (the goal set elsewhere stays); from the tab's current version it is saved", async () => {
    const tab = await twoHooks("editor");
    await goalElsewhere(tab.id!, "signup");
    as("editor");
    expect(await saveCampaignGoalAction(tab.id!, { goalEvent: "purchase", goalWindowHours: 24 }, tab.version)).toMatchObject({ ok: false, conflict: true });
    expect(await stored(tab.id!)).toMatchObject({ goalEvent: "signup" });
    const fresh = (await getCampaignDraft(tab.id!, "editor"))!;
    expect(await saveCampaignGoalAction(tab.id!, { goalEvent: "purchase", goalWindowHours: 24 }, fresh.version)).toMatchObject({ ok: true, data: { version: fresh.version + 1 } });
  });

  it("a tab handed a version past a goal set elsewhere (by its own delete) is still refused: its form never showed that goal", async () => {
    const tab = await twoHooks("editor");
    const seen = await db().campaign.findUniqueOrThrow({ where: { id: tab.id! }, select: { goalEvent: true, goalWindowHours: true } });
    await goalElsewhere(tab.id!, "signup");
    as("editor");
    const next = await deleteSecond(tab);
    expect(await saveCampaignGoalAction(tab.id!, { goalEvent: "purchase", goalWindowHours: 24 }, next.version, seen)).toMatchObject({ ok: false, conflict: true });
    expect(await stored(tab.id!)).toMatchObject({ goalEvent: "signup" });
    // the form showing the stored goal saves
    expect(await saveCampaignGoalAction(tab.id!, { goalEvent: "purchase", goalWindowHours: 24 }, next.version, { goalEvent: "signup", goalWindowHours: 24 })).toMatchObject({ ok: true });
  });

  it("a rename elsewhere refuses it too (as any save from a tab holding an older version)", async () => {
    const tab = await twoHooks("editor");
    as("owner");
    expect(await saveCampaignAction({ ...tab, name: "Renamed elsewhere" } as never)).toMatchObject({ ok: true });
    as("editor");
    expect(await saveCampaignGoalAction(tab.id!, { goalEvent: "purchase", goalWindowHours: 24 }, tab.version)).toMatchObject({ ok: false, conflict: true });
    expect(await stored(tab.id!)).toMatchObject({ goalEvent: null });
  });
});

describe("an admin's tab that missed a goal set elsewhere (a version-only change)", () => {
  it("deletes a webhook, its exemption box as stored: its next Save is no conflict", async () => {
    const tab = await twoHooks("admin");
    await goalElsewhere(tab.id!);
    as("admin");
    const next = await deleteSecond(tab, false);
    expect(await saveCampaignAction({ ...next, description: "after my delete" } as never, settingsOf(next, { capExempt: false }))).toMatchObject({ ok: true });
  });

  it("activates (its settings saved, Activate refused after): its next Save is no conflict", async () => {
    const tab = await twoHooks("admin");
    await goalElsewhere(tab.id!);
    as("admin");
    const refused = await activateAction(tab.id!, settingsOf(tab, { capExempt: false }), undefined, tab.version);
    expect(refused).toMatchObject({ ok: false });
    const version = (refused as { version: number }).version;
    expect(await saveCampaignAction({ ...tab, version, description: "after my Activate" } as never, settingsOf(tab, { capExempt: false }))).toMatchObject({ ok: true });
  });

  it("a tab that missed another admin's exemption change, its box still showing the old one: the delete keeps its version, its Save is refused", async () => {
    const tab = await twoHooks("admin");
    await exemptElsewhere(tab);
    as("admin");
    const next = await deleteSecond(tab, false);
    expect(next.version).toBe(tab.version);
    expect(await saveCampaignAction({ ...next, description: "stale" } as never, settingsOf(next, { capExempt: false }))).toMatchObject({ ok: false, conflict: true });
    expect(await stored(tab.id!)).toMatchObject({ capExempt: true });
  });
});
