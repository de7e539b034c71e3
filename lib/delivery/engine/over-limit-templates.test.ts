// Campaigns saved before the template limits (lib/templating/source-check.ts: 500 expressions per
// field, 1,000 per webhook) may hold more. Such a campaign already active fails each delivery: the
// delivery log says which limit, plainly, and where; nothing is sent. Resuming one (and activating
// one) is refused before anything is sent, naming the limit at its field. Real receiver on 127.0.0.1.
import { describe, expect, it } from "vitest";
import { db } from "../../db";
import { activateCampaign, pauseCampaign, resumeCampaign } from "../store/lifecycle";
import { waitFor } from "../testing/receiver";
import { createCampaign } from "../testing/fixtures";
import { getCampaignDraft } from "../../campaigns/campaigns";
import { storedTemplateErrorsMessage, templateSyntaxErrors } from "../../campaigns/template-check";
import { engineHarness } from "../testing/engine-harness";

const harness = engineHarness();

/** `n` expressions reading the user's data */
const expressions = (n: number) => Array.from({ length: n }, (_, i) => `{{user.a${i % 7}}}`).join(" ");

/** An active campaign to one user whose webhook's fields were then given `fields`, as one saved before the limits holds them. */
async function activeWith(name: string, fields: { key: string; value: string; type: "text" }[]) {
  await db().user.create({ data: { id: `ol-${name}`, attributes: {} } });
  const campaign = await createCampaign({ name, url: `${harness.receiver.url}/${name}`, audience: { match: "all", conditions: [{ key: "id", operator: "equals", value: `ol-${name}` }] } });
  expect((await activateCampaign(campaign.id)).ok).toBe(true);
  await db().action.update({ where: { id: campaign.actions[0]!.id }, data: { fields } });
  return campaign;
}

describe("a campaign saved before the template limits", () => {
  it("fails its deliveries with the limit named plainly in the log, sending nothing", async () => {
    const perField = await activeWith("field", [{ key: "greeting", value: expressions(501), type: "text" }]);
    const perWebhook = await activeWith("webhook", [
      { key: "a", value: expressions(400), type: "text" },
      { key: "b", value: expressions(400), type: "text" },
      { key: "c", value: expressions(400), type: "text" },
    ]);
    await harness.startEngine();
    const failed = async (campaignId: string) => db().delivery.findFirst({ where: { campaignId, state: "failed" }, select: { reason: true } });
    await waitFor(async () => !!(await failed(perField.id)) && !!(await failed(perWebhook.id)), 20_000);
    expect((await failed(perField.id))!.reason).toBe(
      'Template over the limit of 500 expressions per field (Field "greeting" value): each variable, helper and value inside {{…}} counts one. ' +
        "Nothing was sent. The webhook was saved before these limits applied: simplify it in the editor (saving it shows where), then retry.",
    );
    expect((await failed(perWebhook.id))!.reason).toBe(
      'Template over the limit of 1,000 expressions per webhook, all its fields together (passed at Field "c" value): each variable, helper and value inside {{…}} counts one. ' +
        "Nothing was sent. The webhook was saved before these limits applied: simplify it in the editor (saving it shows where), then retry.",
    );
    expect(harness.receiver.received).toEqual([]);
  });

  it("is refused on resume, before anything is sent, with the limit at its field", async () => {
    const campaign = await activeWith("resume", [{ key: "greeting", value: expressions(501), type: "text" }]);
    expect(await pauseCampaign(campaign.id, "test")).toBe(true);
    const resumed = await resumeCampaign(campaign.id, "test");
    expect(resumed.ok).toBe(false);
    expect(!resumed.ok && resumed.message).toMatch(/^It cannot resume yet: Webhook 1 \(Hook\): Data field "greeting" \(line 1, column \d+\): Template too complex: more than 500 expressions in this field/);
    expect((await db().campaign.findUniqueOrThrow({ where: { id: campaign.id } })).status).toBe("paused");
  });

  it("the campaign page finds, as stored, what a save would refuse: at the field, with words over it", async () => {
    const campaign = await activeWith("page", [
      { key: "ok", value: "{{user.id}}", type: "text" },
      { key: "greeting", value: expressions(501), type: "text" },
    ]);
    // what app/campaigns/[id]/page.tsx reads and passes to the editor
    const stored = (await getCampaignDraft(campaign.id, "admin"))!;
    const errors = templateSyntaxErrors(stored);
    expect(Object.keys(errors)).toEqual(["actions.0.fields.1.value"]);
    expect(errors["actions.0.fields.1.value"]).toMatch(/^Template too complex: more than 500 expressions in this field .*\(line 1, column \d+\)$/);
    expect(storedTemplateErrorsMessage(errors, stored.status)).toBe(
      "A template of this campaign does not pass the checks a save makes now (such as the template limits, 500 expressions per field, 1,000 per webhook, which it was saved before): its deliveries fail, sending nothing, until it is fixed and saved. The fields are marked below.",
    );
    // a campaign within the limits: nothing to say
    const fine = await activeWith("page-fine", [{ key: "ok", value: expressions(10), type: "text" }]);
    expect(templateSyntaxErrors((await getCampaignDraft(fine.id, "admin"))!)).toEqual({});
    expect(storedTemplateErrorsMessage({}, "active")).toBeNull();
  });
});
