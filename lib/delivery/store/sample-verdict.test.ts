// Activate's dialog asks the dry run, then activates; Resume's asks resumeWarnings, then resumes: each
// rendered every webhook and variant for the audience's first users twice (up to a second each). The
// dry run's verdict is carried to the action as a token the server signed (sample-verdict.ts), and
// believed only for the campaign, webhooks and audience it judged, and for a few minutes.
import { describe, expect, it } from "vitest";
import { db } from "../../db";
import { activateCampaign, checkActivation, pauseCampaign, resumeCampaign, resumeWarnings } from "./lifecycle";
import { createCampaign } from "../testing/fixtures";
import { TOKEN_TTL_MS } from "./sample-verdict";
import { deliverySettingsSchema, saveDeliverySettings } from "../forms/settings";
import { getCampaignDraft, saveCampaign } from "../../campaigns/campaigns";
import { campaignDraftSchema } from "../../campaigns/schemas";

const URL = "https://hooks.example.com/hook";

async function usersOf(group: string, attributes: Record<string, unknown>[]) {
  await db().user.createMany({ data: attributes.map((a, i) => ({ id: `${group}_${i + 1}`, attributes: { group, ...a } as object })) });
}
const audienceOf = (group: string) => ({ match: "all", conditions: [{ key: "group", operator: "equals", value: group }] });
/** A campaign whose Number field reads the users' `n`: users whose n is not a number break every request. */
const numberCampaign = (group: string) => createCampaign({ url: URL, fields: [{ key: "n", value: "{{user.n}}", type: "number" }], audience: audienceOf(group) });
/** Every user of `group` now breaks the request (were the webhooks rendered for them again, the action would refuse). */
const breakUsers = (group: string) => db().user.updateMany({ where: { id: { startsWith: `${group}_` } }, data: { attributes: { group, n: "x" } } });

async function dryRun(campaignId: string, now?: Date) {
  const dry = await checkActivation(campaignId, { now });
  if (!dry.ok) throw new Error(dry.problems.join(" "));
  expect(dry.sampleCheck).toEqual(expect.any(String));
  return dry;
}

describe("Activate carries its dry run's verdict on the audience's first users", () => {
  it("does not render again for the activation that follows the dry run (the users broken since are not seen)", async () => {
    await usersOf("carried", [{ n: 1 }, { n: 2 }, { n: "three" }]);
    const campaign = await numberCampaign("carried");
    const dry = await dryRun(campaign.id);
    expect(dry.sampleFailures).toEqual([expect.stringMatching(/^Webhook 1 \(Hook\): fails for 1 of 3 users tried, e\.g\. user carried_3: /)]);
    await breakUsers("carried");
    const result = await activateCampaign(campaign.id, { sampleCheck: dry.sampleCheck });
    // the dry run's warning, not a refusal "for every user tried": nothing was rendered again
    expect(result).toMatchObject({ ok: true, sampleFailures: dry.sampleFailures });
  });

  it("renders again, and refuses, when a webhook was edited since the dry run", async () => {
    await usersOf("edited", [{ n: 1, city: "Paris" }, { n: 2, city: "Lyon" }]);
    const campaign = await numberCampaign("edited");
    const dry = await dryRun(campaign.id);
    await db().action.update({ where: { id: campaign.actions[0]!.id }, data: { fields: [{ key: "meta", value: "{{user.city}}", type: "json" }] } });
    // as a save changing a webhook moves them: both versions
    const { version } = await db().campaign.findUniqueOrThrow({ where: { id: campaign.id }, select: { version: true } });
    await db().campaign.update({ where: { id: campaign.id }, data: { version: version + 1, contentVersion: version + 1 } });
    const result = await activateCampaign(campaign.id, { sampleCheck: dry.sampleCheck });
    expect(result).toMatchObject({ ok: false, problems: [expect.stringMatching(/^Webhook 1 \(Hook\): Data field "meta": The value is not valid JSON .+ for every user tried \(2 of 2, e\.g\. user edited_1\)$/)] });
  });

  it("renders again when the audience changed since the dry run", async () => {
    await usersOf("before", [{ n: 1 }]);
    await usersOf("after", [{ n: 1 }]);
    const campaign = await numberCampaign("before");
    const dry = await dryRun(campaign.id);
    await db().campaign.update({ where: { id: campaign.id }, data: { audience: audienceOf("after") } });
    await breakUsers("after");
    expect(await activateCampaign(campaign.id, { sampleCheck: dry.sampleCheck })).toMatchObject({ ok: false, problems: [expect.stringMatching(/for every user tried \(1 of 1, e\.g\. user after_1\)$/)] });
  });

  it("carries it through an admin's Activate that changes only the cap exemption (it moves `version`, not what the renders read)", async () => {
    await usersOf("exempted", [{ n: 1 }, { n: "two" }]);
    const campaign = await numberCampaign("exempted");
    const settings = deliverySettingsSchema.parse({ rule: { when: "immediate" }, audience: audienceOf("exempted"), actions: [{ id: campaign.actions[0]!.id, subDelivery: { kind: "immediate" } }], capExempt: true });
    // the dialog's dry run judges the settings on screen, the exemption on
    const dry = await checkActivation(campaign.id, { settings });
    if (!dry.ok) throw new Error(dry.problems.join(" "));
    await breakUsers("exempted");
    // Activate's save of them (activateAction): the exemption alone changed, `version` moved
    const before = await db().campaign.findUniqueOrThrow({ where: { id: campaign.id }, select: { version: true, contentVersion: true } });
    expect(await saveDeliverySettings(campaign.id, settings, { role: "admin", actor: "a@example.com", check: { version: before.version } })).toMatchObject({ ok: true, version: before.version + 1 });
    expect(await activateCampaign(campaign.id, { sampleCheck: dry.sampleCheck })).toMatchObject({ ok: true, sampleFailures: dry.sampleFailures });
  });

  it("renders again after a content change the digest does not read itself (the description: it moves `contentVersion`)", async () => {
    await usersOf("described", [{ n: 1 }]);
    const campaign = await numberCampaign("described");
    const dry = await dryRun(campaign.id);
    await breakUsers("described");
    const tab = (await getCampaignDraft(campaign.id, "editor"))!;
    await saveCampaign(campaignDraftSchema.parse({ ...tab, description: "described since the dry run" }));
    expect(await activateCampaign(campaign.id, { sampleCheck: dry.sampleCheck })).toMatchObject({ ok: false, problems: [expect.stringMatching(/for every user tried \(1 of 1, e\.g\. user described_1\)$/)] });
  });

  it("renders again for a token of another campaign, a tampered one, or one past its few minutes", async () => {
    await usersOf("tokens", [{ n: 1 }]);
    const campaign = await numberCampaign("tokens");
    const other = await numberCampaign("tokens");
    const now = new Date();
    const dry = await dryRun(campaign.id, now);
    const otherDry = await dryRun(other.id, now);
    await breakUsers("tokens");
    const refused = { ok: false, problems: [expect.stringMatching(/for every user tried \(1 of 1, e\.g\. user tokens_1\)$/)] };
    const [expires, body, mac] = dry.sampleCheck!.split(".");
    const forged = `${expires}.${Buffer.from(JSON.stringify(["forged"])).toString("base64url")}.${mac}`;
    for (const sampleCheck of [otherDry.sampleCheck, forged, `${body}`, "x"]) expect(await activateCampaign(campaign.id, { sampleCheck, now })).toMatchObject(refused);
    expect(await activateCampaign(campaign.id, { sampleCheck: dry.sampleCheck, now: new Date(now.getTime() + TOKEN_TTL_MS + 1) })).toMatchObject(refused);
    // while still within them, the same token is believed
    expect(await activateCampaign(campaign.id, { sampleCheck: dry.sampleCheck, now: new Date(now.getTime() + TOKEN_TTL_MS - 1000) })).toMatchObject({ ok: true });
  });

  it("gives no token when the sample renders refuse, so nothing can carry a refusal to an activation", async () => {
    await usersOf("nope", [{ n: "x" }]);
    const campaign = await numberCampaign("nope");
    const dry = await checkActivation(campaign.id);
    expect(dry).toMatchObject({ ok: false });
    expect("sampleCheck" in dry).toBe(false);
  });
});

describe("Resume carries its check's verdict", () => {
  it("does not render again for the resume that follows resumeWarnings, and does after an edit", async () => {
    await usersOf("resumed", [{ n: 1 }, { n: "two" }]);
    const campaign = await numberCampaign("resumed");
    expect((await activateCampaign(campaign.id)).ok).toBe(true);
    expect(await pauseCampaign(campaign.id, "me")).toBe(true);
    const warned = await resumeWarnings(campaign.id);
    expect(warned.sampleFailures).toHaveLength(1);
    await breakUsers("resumed");
    expect(await resumeCampaign(campaign.id, "me", { sampleCheck: warned.sampleCheck })).toMatchObject({ ok: true, sampleFailures: warned.sampleFailures });

    // paused again and edited: the check's token no longer stands
    expect(await pauseCampaign(campaign.id, "me")).toBe(true);
    const again = await resumeWarnings(campaign.id);
    expect(again.sampleCheck).toBeUndefined(); // every user breaks it now: refused, no verdict to carry
    const stale = warned.sampleCheck;
    expect(await resumeCampaign(campaign.id, "me", { sampleCheck: stale })).toMatchObject({ ok: true }); // the same inputs: carried
    expect(await pauseCampaign(campaign.id, "me")).toBe(true);
    await db().action.update({ where: { id: campaign.actions[0]!.id }, data: { urlTemplate: `${URL}?v=2` } });
    const refused = await resumeCampaign(campaign.id, "me", { sampleCheck: stale });
    expect(refused).toMatchObject({ ok: false, message: expect.stringMatching(/^It cannot resume yet: .+for every user tried \(2 of 2, e\.g\. user resumed_1\)$/) });
  });
});
