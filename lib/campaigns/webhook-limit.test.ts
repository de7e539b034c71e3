// "A campaign can have at most 20 webhooks" holds for what the campaign holds, not one save: webhooks a
// save leaves out stay, so twenty saves of one new webhook each (PUT /api/v1/campaigns/{id}, or the
// editor's save action crafted by hand) grew a campaign without bound, and every delivery fans out to
// each of its webhooks.
import { describe, expect, it } from "vitest";
import { db } from "../db";
import { MAX_WEBHOOKS } from "./limits";
import { duplicateAction, saveCampaign, WebhookLimitError } from "./campaigns";
import { campaignDraftSchema } from "./schemas";
import { actionFailure } from "@/app/define-action";
import { saveCampaignByApi } from "../api/campaigns";
import { ApiError } from "../api/errors";

const webhook = (n: number) => ({ name: `Hook ${n}`, url: `https://hooks.example.com/${n}` });
const steps = (campaignId: string) => db().action.count({ where: { campaignId, variantOfId: null } });

describe("the webhook limit of a campaign", () => {
  it("refuses a save that would leave the campaign with more webhooks than the limit, and keeps what was there", async () => {
    const first = campaignDraftSchema.parse({ name: "Fan-out", actions: Array.from({ length: MAX_WEBHOOKS }, (_, i) => webhook(i)) });
    const { id } = await saveCampaign(first);
    expect(await steps(id)).toBe(MAX_WEBHOOKS);

    // one new webhook, the twenty saved ones left out (they stay)
    const more = campaignDraftSchema.parse({ id, name: "Fan-out renamed", actions: [webhook(99)] });
    const refused = await saveCampaign(more).catch((err) => err);
    expect(refused).toBeInstanceOf(WebhookLimitError);
    expect(refused.message).toBe(`A campaign can have at most ${MAX_WEBHOOKS} webhooks: this save would leave it with ${MAX_WEBHOOKS + 1} (webhooks left out of a save stay). Delete one first.`);
    expect(await steps(id)).toBe(MAX_WEBHOOKS);
    expect((await db().campaign.findUniqueOrThrow({ where: { id } })).name).toBe("Fan-out");

    // the editor's form shows the sentence, the API answers 409 with it: never a 500
    expect(actionFailure("Saving", refused)).toMatchObject({ ok: false, message: refused.message });
    const api = await saveCampaignByApi(more, "API key \"ci\"").catch((err) => err);
    expect(api).toBeInstanceOf(ApiError);
    expect(api).toMatchObject({ status: 409, code: "conflict", message: refused.message });
    expect(await steps(id)).toBe(MAX_WEBHOOKS);

    // editing the saved ones in place is still a save like any other
    const saved = await db().action.findMany({ where: { campaignId: id }, orderBy: { position: "asc" } });
    const edit = campaignDraftSchema.parse({ id, name: "Fan-out", actions: saved.map((a, i) => ({ id: a.id, ...webhook(i), name: `Edited ${i}` })) });
    await expect(saveCampaign(edit)).resolves.toMatchObject({ id });

    // duplicating one of its webhooks is refused the same way
    await expect(duplicateAction(saved[0]!.id)).rejects.toBeInstanceOf(WebhookLimitError);
    expect(await steps(id)).toBe(MAX_WEBHOOKS);
  });

  it("lets a campaign grow by saves up to the limit", async () => {
    const { id } = await saveCampaign(campaignDraftSchema.parse({ name: "Grows", actions: [webhook(0)] }));
    for (let i = 1; i < MAX_WEBHOOKS; i++) await saveCampaign(campaignDraftSchema.parse({ id, name: "Grows", actions: [webhook(i)] }));
    expect(await steps(id)).toBe(MAX_WEBHOOKS);
    await expect(saveCampaign(campaignDraftSchema.parse({ id, name: "Grows", actions: [webhook(MAX_WEBHOOKS)] }))).rejects.toBeInstanceOf(WebhookLimitError);
  });
});
