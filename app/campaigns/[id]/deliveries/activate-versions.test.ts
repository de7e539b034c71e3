// Every saved change moves the campaign's version, whichever door saved it: Activate's save of the
// settings on screen (another setting than the exemption, Activate refused after), the Goal form's save
// (handed back to the tab, as a Save's is), and a Save that leaves the exemption out does not hand its
// tab a version past an exemption change it has not seen.
import { beforeAll, describe, expect, it, vi } from "vitest";
import { apiKeyHeaders, apiRequest, routeParams } from "@/lib/api/testing";
import { db } from "@/lib/db";
import { getCampaignDraft } from "@/lib/campaigns/campaigns";
import { createCampaign } from "@/lib/delivery/testing/fixtures";
import { memberCookies } from "@/test/sessions";

let requestHeaders = new Headers();
vi.mock("next/headers", () => ({ headers: async () => requestHeaders }));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

const { activateAction, pauseAction, resumeAction } = await import("./actions");
const { saveCampaignAction } = await import("../../actions");
const { saveCampaignGoalAction } = await import("../../goal-actions");
const { GET, PUT } = await import("@/app/api/v1/campaigns/[id]/delivery/route");

let cookies: Awaited<ReturnType<typeof memberCookies>>;
let apiKey: Record<string, string>;
beforeAll(async () => {
  cookies = await memberCookies();
  apiKey = await apiKeyHeaders("admin");
});
const as = (who: "admin" | "owner" | "editor") => (requestHeaders = new Headers({ cookie: cookies[who] }));

type Campaign = Awaited<ReturnType<typeof createCampaign>>;
const scheduled = (campaign: Campaign, sendAt: string, capExempt?: boolean) => ({
  rule: { when: "scheduled", sendAt, timeZone: "UTC" },
  actions: campaign.actions.map((a) => ({ id: a.id, subDelivery: { kind: "immediate" } })),
  ...(capExempt === undefined ? {} : { capExempt }),
});
const triggered = (campaign: Campaign, capExempt: boolean) => ({
  rule: { when: "triggered", event: `versions-${campaign.id}` },
  actions: campaign.actions.map((a) => ({ id: a.id, subDelivery: { kind: "immediate" } })),
  capExempt,
});
const tabOf = async (id: string) => (await getCampaignDraft(id, "admin"))!;
const stored = (id: string) => db().campaign.findUniqueOrThrow({ where: { id }, select: { version: true, contentVersion: true, capExempt: true, deliveryRule: true } });
const SOON = "2031-01-10T09:00";
const LATER = "2031-01-15T09:00";

describe("Activate's save of another setting than the exemption (Activate refused: a Number field that never renders)", () => {
  it("moves the version: the API's old ETag is refused, a second admin's older tab too; the activating tab holds the next", async () => {
    as("admin");
    const campaign = await createCampaign({ url: "http://127.0.0.1:9999/hook", rule: { when: "scheduled", sendAt: SOON, timeZone: "UTC" }, fields: [{ key: "amount", value: "lots", type: "number" }] });
    const tabB = await tabOf(campaign.id);
    const tabA = await tabOf(campaign.id);
    const before = await GET(apiRequest("GET", `/campaigns/${campaign.id}/delivery`, apiKey), routeParams(campaign.id));
    const etag = before.headers.get("etag")!;

    const refused = await activateAction(campaign.id, scheduled(campaign, LATER), undefined, tabA.version);
    expect(refused).toMatchObject({ ok: false, version: tabA.version + 1 });
    expect(await stored(campaign.id)).toMatchObject({ version: tabA.version + 1, contentVersion: tabA.version + 1, deliveryRule: { sendAt: LATER } });

    // the API: a new body has a new ETag, and a PUT from the old one is 412, nothing written
    const after = await GET(apiRequest("GET", `/campaigns/${campaign.id}/delivery`, apiKey), routeParams(campaign.id));
    expect(after.headers.get("etag")).not.toBe(etag);
    const put = apiRequest("PUT", `/campaigns/${campaign.id}/delivery`, apiKey, scheduled(campaign, SOON));
    put.headers.set("if-match", etag);
    expect((await PUT(put, routeParams(campaign.id))).status).toBe(412);
    expect(await stored(campaign.id)).toMatchObject({ deliveryRule: { sendAt: LATER } });

    // a second admin's tab loaded before: its Save of the old Send at is refused
    as("owner");
    expect(await saveCampaignAction({ ...tabB, description: "from B" } as never, scheduled(campaign, SOON, false))).toMatchObject({ ok: false, conflict: true });
    expect(await stored(campaign.id)).toMatchObject({ deliveryRule: { sendAt: LATER } });

    // the activating tab saves on, with the version Activate handed it
    as("admin");
    const saved = await saveCampaignAction({ ...tabA, version: (refused as { version: number }).version, description: "from A" } as never, scheduled(campaign, LATER, false));
    expect(saved).toMatchObject({ ok: true });
  });
});

describe("the Goal form's save, then the exemption changed and saved from the same tab", () => {
  it("is saved: the goal's save handed the tab the version it moved to", async () => {
    as("admin");
    const campaign = await createCampaign({ url: "http://127.0.0.1:9999/hook", rule: { when: "triggered", event: "x" } });
    const tab = await tabOf(campaign.id);
    const goal = await saveCampaignGoalAction(campaign.id, { goalEvent: "purchase", goalWindowHours: 24 }, tab.version);
    expect(goal).toMatchObject({ ok: true, data: { version: tab.version + 1 } });
    if (!goal.ok) return;
    const saved = await saveCampaignAction({ ...tab, version: goal.data.version } as never, triggered(campaign, true));
    expect(saved).toMatchObject({ ok: true });
    expect(await stored(campaign.id)).toMatchObject({ capExempt: true });
  });

  it("from a tab that missed a change, is refused as a conflict (nothing saved)", async () => {
    as("admin");
    const campaign = await createCampaign({ url: "http://127.0.0.1:9999/hook", rule: { when: "triggered", event: "x" } });
    const tab = await tabOf(campaign.id);
    expect(await saveCampaignAction({ ...tab, description: "elsewhere" } as never, triggered(campaign, false))).toMatchObject({ ok: true });
    const goal = await saveCampaignGoalAction(campaign.id, { goalEvent: "purchase", goalWindowHours: 24 }, tab.version);
    expect(goal).toMatchObject({ ok: false, conflict: true });
    expect((await db().campaign.findUniqueOrThrow({ where: { id: campaign.id } })).goalEvent).toBeNull();
  });
});

describe("a Save leaving the exemption out (the campaign running) after another admin changed it", () => {
  it("keeps its tab's version: once paused, its Save of the old exemption is refused, the other admin's kept", async () => {
    as("admin");
    const campaign = await createCampaign({ url: "http://127.0.0.1:9999/hook", rule: { when: "triggered", event: "x" } });
    const tabA = await tabOf(campaign.id);
    expect(await activateAction(campaign.id, triggered(campaign, false), undefined, tabA.version)).toMatchObject({ ok: true });
    const loaded = await tabOf(campaign.id); // tab A, reloaded once active: the exemption off
    // admin B pauses, exempts the campaign, resumes
    as("owner");
    expect(await pauseAction(campaign.id)).toMatchObject({ ok: true });
    const tabB = await tabOf(campaign.id);
    expect(await saveCampaignAction(tabB as never, triggered(campaign, true))).toMatchObject({ ok: true });
    expect(await resumeAction(campaign.id)).toMatchObject({ ok: true });
    // tab A saves a webhook change while it runs (no settings sent): not handed the version past B's exemption
    as("admin");
    const saved = await saveCampaignAction({ ...loaded, description: "from A" } as never, undefined);
    expect(saved).toMatchObject({ ok: true });
    if (!saved.ok) return;
    expect(saved.data.draft.version).toBe(loaded.version);
    // paused again: A's Save, its box still showing the exemption off, is refused
    expect(await pauseAction(campaign.id)).toMatchObject({ ok: true });
    expect(await saveCampaignAction({ ...saved.data.draft, description: "from A again" } as never, triggered(campaign, false))).toMatchObject({ ok: false, conflict: true });
    expect(await stored(campaign.id)).toMatchObject({ capExempt: true });
  });

  it("an editor's Save with no change missed hands the tab the version it moved to", async () => {
    as("editor");
    const campaign = await createCampaign({ url: "http://127.0.0.1:9999/hook", rule: { when: "triggered", event: "x" } });
    const tab = (await getCampaignDraft(campaign.id, "editor"))!;
    const saved = await saveCampaignAction({ ...tab, description: "from the editor" } as never, { rule: { when: "triggered", event: "x" }, actions: [] });
    expect(saved).toMatchObject({ ok: true, data: { draft: { version: tab.version + 1 } } });
  });

  it("an editor's tab that missed a goal set elsewhere is handed the version its Save wrote: its next Save is no conflict with its own (it never writes the exemption)", async () => {
    as("editor");
    const campaign = await createCampaign({ url: "http://127.0.0.1:9999/hook", rule: { when: "triggered", event: "x" } });
    const tab = (await getCampaignDraft(campaign.id, "editor"))!;
    // another tab (or the API) sets the goal: `version` moves alone
    expect(await saveCampaignGoalAction(campaign.id, { goalEvent: "purchase", goalWindowHours: 24 })).toMatchObject({ ok: true });
    const first = await saveCampaignAction({ ...tab, description: "a" } as never, { rule: { when: "triggered", event: "x" }, actions: [] });
    expect(first).toMatchObject({ ok: true, data: { draft: { version: (await stored(campaign.id)).version } } });
    const second = await saveCampaignAction({ ...(first as { data: { draft: object } }).data.draft, description: "b" } as never, { rule: { when: "triggered", event: "x" }, actions: [] });
    expect(second).toMatchObject({ ok: true });
    expect((await db().campaign.findUniqueOrThrow({ where: { id: campaign.id } })).description).toBe("b");
  });
});
