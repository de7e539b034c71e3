// The editor's Save (server action) cannot move a stored secret to another path of its host: "••••" at a
// changed path or query is refused at the field, asking for the secret again; nothing is written.
// Signed in as an editor, who cannot read the secret (lib/campaigns/secret-path.test.ts has the rule).
import { beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db";
import { loadWebhookTemplate } from "@/lib/campaigns/action-template";
import { getCampaignDraft, saveCampaign } from "@/lib/campaigns/campaigns";
import { campaignDraftSchema } from "@/lib/campaigns/schemas";
import { memberCookies } from "@/test/sessions";

let requestHeaders = new Headers();
vi.mock("next/headers", () => ({ headers: async () => requestHeaders }));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));
const { saveCampaignAction } = await import("./actions");

let campaignId = "";

beforeAll(async () => {
  requestHeaders = new Headers({ cookie: (await memberCookies()).editor });
  const saved = await saveCampaign(
    campaignDraftSchema.parse({ name: "Zapier", actions: [{ name: "Zap", url: "https://zap:hunter2@hooks.zapier.com/hooks/catch/111/victim/", headers: [{ name: "X-Api-Key", value: "key-123", secret: true }] }] }),
    { role: "admin" },
  );
  campaignId = saved.id;
});

const shown = async () => (await getCampaignDraft(campaignId, "admin"))!;
const stored = async () => loadWebhookTemplate(await db().action.findFirstOrThrow({ where: { campaignId } }));

describe("saveCampaignAction: a masked secret stays at its path", () => {
  it("refuses the editor's own catch hook on the same host, at the URL and the header", async () => {
    const draft = await shown();
    const moved = { ...draft, actions: draft.actions.map((a) => ({ ...a, url: a.url.replace("/111/victim/", "/222/mine/") })) };
    const result = await saveCampaignAction(moved, undefined);
    expect(result).toMatchObject({
      ok: false,
      fieldErrors: {
        "actions.0.url": expect.stringMatching(/path or query changed, so the saved password cannot be kept: type it again, or change the URL back/),
        "actions.0.headers.0.value": expect.stringMatching(/saved value of the header "X-Api-Key" cannot be kept/),
      },
    });
    expect(await stored()).toMatchObject({ url: "https://zap:hunter2@hooks.zapier.com/hooks/catch/111/victim/", headers: [{ value: "key-123" }] });
  });

  it("saves the same URL as shown (secrets kept), and a new path once the secrets are typed again", async () => {
    expect(await saveCampaignAction(await shown(), undefined)).toMatchObject({ ok: true });
    expect(await stored()).toMatchObject({ url: "https://zap:hunter2@hooks.zapier.com/hooks/catch/111/victim/", headers: [{ value: "key-123" }] });
    const draft = await shown();
    const retyped = { ...draft, actions: draft.actions.map((a) => ({ ...a, url: "https://zap:mine@hooks.zapier.com/hooks/catch/222/mine/", headers: [{ name: "X-Api-Key", value: "my-key", secret: true }] })) };
    expect(await saveCampaignAction(retyped, undefined)).toMatchObject({ ok: true });
    expect(await stored()).toMatchObject({ url: "https://zap:mine@hooks.zapier.com/hooks/catch/222/mine/", headers: [{ value: "my-key" }] });
  });
});
