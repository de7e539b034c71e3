// An admin's Activate that changes only the cap exemption moves the campaign's version (another admin's
// older tab is then refused): the tab that activated holds the version it hands back, as after a Save or
// a webhook's delete, so changing the exemption again from that same tab (once paused) is not refused as
// a conflict with its own change. A tab that had missed a change keeps its own version, and is refused.
import { beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db";
import { saveCampaignGoal } from "@/lib/campaigns/campaign-goal";
import { getCampaignDraft } from "@/lib/campaigns/campaigns";
import { createCampaign } from "@/lib/delivery/testing/fixtures";
import { memberCookies } from "@/test/sessions";
import { resetPreviewTime, withinPreviewTime } from "@/lib/campaigns/preview-rate";

let requestHeaders = new Headers();
vi.mock("next/headers", () => ({ headers: async () => requestHeaders }));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

const { activateAction, pauseAction } = await import("./actions");
const { saveCampaignAction } = await import("../../actions");

let cookies: Awaited<ReturnType<typeof memberCookies>>;
beforeAll(async () => {
  cookies = await memberCookies();
});
const as = (who: "admin" | "owner") => (requestHeaders = new Headers({ cookie: cookies[who] }));

type Campaign = Awaited<ReturnType<typeof createCampaign>>;
const settings = (campaign: Campaign, capExempt: boolean) => ({
  rule: { when: "triggered", event: "exempt" },
  actions: campaign.actions.map((a) => ({ id: a.id, subDelivery: { kind: "immediate" } })),
  capExempt,
});
const triggered = (fields?: Parameters<typeof createCampaign>[0]["fields"]) => createCampaign({ url: "http://127.0.0.1:9999/hook", rule: { when: "triggered", event: "exempt" }, fields });
const tabOf = async (id: string) => (await getCampaignDraft(id, "admin"))!;
const stored = (id: string) => db().campaign.findUniqueOrThrow({ where: { id }, select: { version: true, contentVersion: true, capExempt: true, status: true } });

describe("an admin activates with the cap exemption, pauses, then changes it again from the same tab", () => {
  it("is saved: the Activate handed the tab the version its exemption change moved to", async () => {
    as("admin");
    const campaign = await triggered();
    const tab = await tabOf(campaign.id);
    const activated = await activateAction(campaign.id, settings(campaign, true), undefined, tab.version);
    expect(activated).toMatchObject({ ok: true, data: { status: "active", version: tab.version + 1 } });
    if (!activated.ok) return;
    expect(await stored(campaign.id)).toMatchObject({ version: tab.version + 1, contentVersion: tab.version, capExempt: true });
    expect(await pauseAction(campaign.id)).toMatchObject({ ok: true });
    // the same tab, without a reload: the version Activate answered, its page showing the exemption on, turned off now
    const saved = await saveCampaignAction({ ...tab, version: activated.data.version } as never, settings(campaign, false));
    expect(saved).toMatchObject({ ok: true });
    expect(await stored(campaign.id)).toMatchObject({ capExempt: false, status: "paused" });
  });

  it("a second admin's tab opened before the Activate is still refused, and the exemption kept", async () => {
    const campaign = await triggered();
    const tabB = await tabOf(campaign.id);
    as("admin");
    const tabA = await tabOf(campaign.id);
    expect(await activateAction(campaign.id, settings(campaign, true), undefined, tabA.version)).toMatchObject({ ok: true });
    expect(await pauseAction(campaign.id)).toMatchObject({ ok: true });
    as("owner");
    // B's page still shows the exemption off, as loaded: writing it would undo A's change unseen
    expect(await saveCampaignAction({ ...tabB, description: "from B" } as never, settings(campaign, false))).toMatchObject({ ok: false, conflict: true });
    expect(await stored(campaign.id)).toMatchObject({ capExempt: true });
  });

  it("a refused activation still hands back the version its save of the exemption moved to", async () => {
    as("admin");
    // a Number field that never renders: Activate saves the settings, then refuses
    const campaign = await triggered([{ key: "amount", value: "lots", type: "number" }]);
    const tab = await tabOf(campaign.id);
    const refused = await activateAction(campaign.id, settings(campaign, true), undefined, tab.version);
    expect(refused).toMatchObject({ ok: false, version: tab.version + 1 });
    expect(await stored(campaign.id)).toMatchObject({ capExempt: true, status: "draft" });
    const saved = await saveCampaignAction({ ...tab, version: (refused as { version: number }).version } as never, settings(campaign, false));
    expect(saved).toMatchObject({ ok: true });
    expect(await stored(campaign.id)).toMatchObject({ capExempt: false });
  });

  it("a tab that had missed a goal set elsewhere (`version` alone), its box showing the stored exemption, is handed the new one", async () => {
    as("admin");
    const campaign = await triggered();
    const tab = await tabOf(campaign.id);
    await saveCampaignGoal(campaign.id, { goalEvent: "purchase", goalWindowHours: 24 });
    const activated = await activateAction(campaign.id, settings(campaign, false), undefined, tab.version);
    // its own next Save is no conflict with its own Activate (the tab had conflicted with itself until a reload)
    expect(activated).toMatchObject({ ok: true, data: { version: (await stored(campaign.id)).version } });
  });
});

describe("an Activate whose activation throws after its save of the exemption", () => {
  it("still hands the tab the version that save moved to (the member's share of rendering time spent, no dry run's verdict)", async () => {
    as("admin");
    const campaign = await triggered();
    const tab = await tabOf(campaign.id);
    const admin = await db().member.findFirstOrThrow({ where: { email: "admin@example.com" } });
    // one 3 s preview leaves the admin refused for ~9 s: the activation's sample renders throw
    withinPreviewTime(admin.id, () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 3000));
    try {
      const answer = await activateAction(campaign.id, settings(campaign, true), undefined, tab.version);
      expect(answer).toMatchObject({ ok: false, message: expect.stringMatching(/try again in \d+ s/) });
      const now = await stored(campaign.id);
      expect(now).toMatchObject({ capExempt: true, status: "draft", version: tab.version + 1 });
      expect((answer as { version?: number }).version).toBe(now.version);
    } finally {
      resetPreviewTime();
    }
  }, 30_000);
});
