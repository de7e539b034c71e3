// Activation renders each webhook for the audience's first real users too (sample-renders.ts): a JSON
// field of "{{user.city}}" passed the check with its attribute-less user, yet every delivery failed
// ("Paris" is not valid JSON). Failing for every user tried refuses the activation (and the resume);
// for some, it is a warning the Activate dialog shows. A user {{required}} skips is not a failure.
import { describe, expect, it } from "vitest";
import { db } from "../../db";
import { activateCampaign, checkActivation, pauseCampaign, resumeCampaign, resumeWarnings } from "./lifecycle";
import { activateByApi } from "../../api/campaigns";
import { createCampaign } from "../testing/fixtures";
import { SAMPLE_USERS } from "./sample-renders";

type Field = { key: string; value: string; type: "text" | "number" | "boolean" | "json" };
const URL = "https://hooks.example.com/hook";

/** Users of one test's own audience (the segment `group`), so the tests of this file do not see each other's. */
async function usersOf(group: string, attributes: Record<string, unknown>[]) {
  const ids = attributes.map((_, i) => `${group}_${String(i + 1).padStart(2, "0")}`);
  await db().user.createMany({ data: attributes.map((a, i) => ({ id: ids[i]!, attributes: { group, ...a } as object })) });
  return ids;
}
const audienceOf = (group: string) => ({ match: "all", conditions: [{ key: "group", operator: "equals", value: group }] });

async function campaignFor(group: string, fields: Field[], rule: object = { when: "immediate" }) {
  return createCampaign({ url: URL, fields, rule, audience: audienceOf(group) });
}

const statusOf = async (id: string) => (await db().campaign.findUniqueOrThrow({ where: { id } })).status;

describe("activation renders each webhook for the audience's first users", () => {
  it("refuses a webhook whose request cannot be built for any of them, saying so at the field, and plans nothing", async () => {
    await usersOf("paris", Array.from({ length: 3 }, () => ({ city: "Paris" })));
    const campaign = await campaignFor("paris", [{ key: "meta", value: "{{user.city}}", type: "json" }]);
    const result = await activateCampaign(campaign.id);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([expect.stringMatching(/^Webhook 1 \(Hook\): Data field "meta": The value is not valid JSON .+ for every user tried \(3 of 3, e\.g\. user paris_01\)$/)]);
    expect(result.fieldErrors?.["actions.0.fields.0.value"]).toMatch(/^The value is not valid JSON .+ for every user tried \(3 of 3, e\.g\. user paris_01\)$/);
    expect(await statusOf(campaign.id)).toBe("draft");
    expect(await db().delivery.count({ where: { campaignId: campaign.id } })).toBe(0);
    // the dry run the editor's dialog asks refuses it in the same words, and so does the API
    expect(await checkActivation(campaign.id)).toEqual(result);
    await expect(activateByApi(campaign.id, "api")).rejects.toMatchObject({ status: 409, message: result.problems.join(" ") });
  });

  it("warns of a webhook that fails for some of them: the dry run says how many and who, and activation proceeds", async () => {
    // the 3rd and 7th lack a number where the Number field needs one
    const ids = await usersOf("some", Array.from({ length: 8 }, (_, i) => ({ age: i === 2 ? "old" : i === 6 ? "n/a" : 30 + i })));
    const campaign = await campaignFor("some", [{ key: "age", value: "{{user.age}}", type: "number" }]);
    const dry = await checkActivation(campaign.id);
    expect(dry).toMatchObject({ ok: true, sampleFailures: [`Webhook 1 (Hook): fails for 2 of 8 users tried, e.g. user ${ids[2]}: Data field "age": "old" is not a number`] });
    expect(await statusOf(campaign.id)).toBe("draft");
    // accepted in the dialog, Activate sends it: the others' deliveries are planned
    const result = await activateCampaign(campaign.id);
    expect(result).toMatchObject({ ok: true, sampleFailures: dry.ok ? dry.sampleFailures : [] });
    expect(await db().delivery.count({ where: { campaignId: campaign.id } })).toBe(8);
  });

  // A review: step 1 saves crmId from its response (a mapping) and step 2's Number field reads it: no user
  // has it before the campaign runs, and the campaign was refused "for every user tried". A value users
  // lack may yet come (a mapping, an import, the API before the send): a warning, however many lack it.
  it("warns, and does not refuse, when every user tried lacks a value the field needs (it may yet come)", async () => {
    const ids = await usersOf("later", [{ city: "Paris" }, { city: "Lyon" }]);
    const campaign = await campaignFor("later", [{ key: "crm", value: "{{user.crmId}}", type: "number" }]);
    const dry = await checkActivation(campaign.id);
    expect(dry).toMatchObject({ ok: true, sampleFailures: [`Webhook 1 (Hook): fails for 2 of 2 users tried, e.g. user ${ids[0]}: Data field "crm": "" is not a number`] });
    const result = await activateCampaign(campaign.id);
    expect(result.ok).toBe(true);
    expect(await statusOf(campaign.id)).toBe("active");
  });

  // The e2e database held 1,800 users and a test's three came after the first thousand by id: the
  // segment's sample read one page of 1,000 and found nobody, so nothing was judged.
  it("finds a segment's users past the first thousand by id", async () => {
    await db().user.createMany({ data: Array.from({ length: 1100 }, (_, i) => ({ id: `0000-filler-${String(i).padStart(4, "0")}`, attributes: {} })) });
    await usersOf("zfar", Array.from({ length: 2 }, () => ({ city: "Paris" })));
    const campaign = await campaignFor("zfar", [{ key: "meta", value: "{{user.city}}", type: "json" }]);
    const result = await activateCampaign(campaign.id);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems).toEqual([expect.stringMatching(/for every user tried \(2 of 2, e\.g\. user zfar_01\)$/)]);
  });

  it("says nothing when every user's request builds, as before", async () => {
    await usersOf("fine", [{ city: "Paris" }, { city: "Lyon" }]);
    const campaign = await campaignFor("fine", [{ key: "meta", value: '{"city": "{{user.city}}"}', type: "json" }]);
    const result = await activateCampaign(campaign.id);
    expect(result.ok && result.sampleFailures).toBeUndefined();
  });

  it("does not count a user {{required}} skips as a failure, whether some or all are skipped", async () => {
    await usersOf("req", [{ crmId: "12" }, {}, { crmId: "" }]);
    const campaign = await campaignFor("req", [{ key: "crm", value: "{{required user.crmId}}", type: "number" }]);
    expect(await checkActivation(campaign.id)).toMatchObject({ ok: true, sampleFailures: [] });
    await usersOf("reqnone", [{}, { crmId: " " }]);
    const none = await campaignFor("reqnone", [{ key: "crm", value: "{{required user.crmId}}", type: "number" }]);
    const activated = await activateCampaign(none.id);
    expect(activated.ok && activated.sampleFailures).toBeUndefined();
    // among those not skipped, one fails: it is said of the one tried
    await usersOf("reqbad", [{}, { crmId: "abc" }]);
    const bad = await campaignFor("reqbad", [{ key: "crm", value: "{{required user.crmId}}", type: "number" }]);
    const refused = await checkActivation(bad.id);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.problems).toEqual(['Webhook 1 (Hook): Data field "crm": "abc" is not a number for every user tried (1 of 1, e.g. user reqbad_02)']);
  });

  it("renders nothing for an audience of nobody, and at most SAMPLE_USERS users", async () => {
    const nobody = await campaignFor("nobody", [{ key: "meta", value: "{{user.city}}", type: "json" }]);
    expect(await checkActivation(nobody.id)).toMatchObject({ ok: true, sampleFailures: [] });
    // the first twenty by id fail; the twenty-first and later are not rendered
    await usersOf("many", Array.from({ length: SAMPLE_USERS + 5 }, (_, i) => ({ city: i < SAMPLE_USERS ? "Paris" : 75 })));
    const many = await campaignFor("many", [{ key: "meta", value: "{{user.city}}", type: "json" }]);
    const refused = await checkActivation(many.id);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.problems[0]).toContain(`for every user tried (${SAMPLE_USERS} of ${SAMPLE_USERS}, e.g. user many_01)`);
  });

  it("renders every variant, naming the one that fails", async () => {
    await usersOf("variant", [{ city: "Paris" }, { city: "Lyon" }]);
    const campaign = await campaignFor("variant", [{ key: "meta", value: '{"c": "{{user.city}}"}', type: "json" }]);
    const [step] = campaign.actions;
    await db().action.update({ where: { id: step!.id }, data: { splitPercent: 50 } });
    await db().action.create({
      data: { campaignId: campaign.id, variantOfId: step!.id, splitPercent: 50, position: 0, name: "Hook", urlTemplate: URL, fields: [{ key: "meta", value: "{{user.city}}", type: "json" }], headers: [], retryPolicy: "default", timeoutMs: 5000 },
    });
    const result = await checkActivation(campaign.id);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problems).toEqual([expect.stringMatching(/^Webhook 1 \(Hook\), variant B: Data field "meta": The value is not valid JSON .+ for every user tried \(2 of 2, e\.g\. user variant_01\)$/)]);
      expect(Object.keys(result.fieldErrors ?? {})).toEqual(["actions.0.variants.0.fields.0.value"]);
    }
  });

  it("leaves a value the sample event lacks to each delivery (a triggered campaign), but judges the user's data with it", async () => {
    await usersOf("trig", [{ city: "Paris" }]);
    const rule = { when: "triggered", event: "sample_renders_event" };
    const eventOnly = await campaignFor("trig", [{ key: "amount", value: "{{event.params.amount}}", type: "number" }], rule);
    expect(await checkActivation(eventOnly.id)).toMatchObject({ ok: true, sampleFailures: [] });
    const userData = await campaignFor("trig", [{ key: "meta", value: "{{user.city}}", type: "json" }], rule);
    expect((await checkActivation(userData.id)).ok).toBe(false);
  });

  it("refuses Resume of a paused campaign edited to fail for every user, and warns before a Resume of one failing for some", async () => {
    await usersOf("resume", [{ city: "Paris" }, { city: 75 }]);
    const campaign = await campaignFor("resume", [{ key: "meta", value: '{"c": "{{user.city}}"}', type: "json" }]);
    expect((await activateCampaign(campaign.id)).ok).toBe(true);
    expect(await pauseCampaign(campaign.id, "me")).toBe(true);
    const [action] = campaign.actions;
    // fails for the first user only ("Paris" is not JSON, 75 is)
    await db().action.update({ where: { id: action!.id }, data: { fields: [{ key: "meta", value: "{{user.city}}", type: "json" }] } });
    const warned = await resumeWarnings(campaign.id);
    expect(warned.sampleFailures).toEqual([expect.stringMatching(/^Webhook 1 \(Hook\): fails for 1 of 2 users tried, e\.g\. user resume_01: Data field "meta": The value is not valid JSON/)]);
    await db().user.update({ where: { id: "resume_02" }, data: { attributes: { group: "resume", city: "Lyon" } } });
    const refused = await resumeCampaign(campaign.id, "me");
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.message).toMatch(/^It cannot resume yet: Webhook 1 \(Hook\): Data field "meta": The value is not valid JSON .+ for every user tried \(2 of 2, e\.g\. user resume_01\)$/);
    expect(await statusOf(campaign.id)).toBe("paused");
  });
});

// A marketer's URL https://crm.example.com/crm/{{user.crmId}}, crmId on 5 of 8 users: the 3 others' requests
// went to /crm/, the CRM's collection address. The unknown-attribute warning says only a value NO user has.
describe("a URL variable empty for some of the users tried", () => {
  const crmUrl = "https://crm.example.com/crm/{{user.crmId}}";
  const crmUsers = (group: string) => usersOf(group, Array.from({ length: 8 }, (_, i) => (i % 3 === 1 ? {} : { crmId: `c${i}` })));
  const message = "Webhook 1 (Hook): user.crmId is empty for 3 of 8 users tried; it is in the URL's path, so their requests go to another address, /crm/ (write {{required user.crmId}} to skip users without it)";

  it("is a warning of its own in the dry run, carried by its verdict to the activation, which proceeds", async () => {
    const ids = await crmUsers("urlsome");
    const campaign = await createCampaign({ url: crmUrl, audience: audienceOf("urlsome") });
    const dry = await checkActivation(campaign.id);
    expect(dry).toMatchObject({ ok: true, sampleFailures: [], emptyInUrl: [message] });
    // the users' data changes after the dry run: the activation believes its verdict, not renders again
    for (const id of ids) await db().user.update({ where: { id }, data: { attributes: { group: "urlsome", crmId: id } } });
    const result = await activateCampaign(campaign.id, { sampleCheck: dry.ok ? dry.sampleCheck : undefined });
    expect(result).toMatchObject({ ok: true, emptyInUrl: [message] });
    expect(await statusOf(campaign.id)).toBe("active");
  });

  it("says it before a Resume too, and in the API's warnings", async () => {
    await crmUsers("urlapi");
    const campaign = await createCampaign({ url: crmUrl, fields: [{ key: "plan", value: "gold", type: "text" }], audience: audienceOf("urlapi") });
    const activated = await activateByApi(campaign.id, "api");
    expect(activated.warnings).toEqual([{ kind: "empty-in-url", message }]);
    expect(await pauseCampaign(campaign.id, "me")).toBe(true);
    expect((await resumeWarnings(campaign.id)).emptyInUrl).toEqual([message]);
    expect(await resumeCampaign(campaign.id, "me")).toMatchObject({ ok: true, emptyInUrl: [message] });
  });

  it("is not said when every user lacks it (the unknown-attribute warning), nor inside {{required}}, nor in a data field", async () => {
    await usersOf("urlnone", [{ city: "Paris" }, { city: "Lyon" }]);
    const none = await createCampaign({ url: crmUrl, audience: audienceOf("urlnone") });
    expect((await checkActivation(none.id)) as object).not.toHaveProperty("emptyInUrl");
    await crmUsers("urlreq");
    const required = await createCampaign({ url: "https://crm.example.com/crm/{{required user.crmId}}", audience: audienceOf("urlreq") });
    expect((await checkActivation(required.id)) as object).not.toHaveProperty("emptyInUrl");
    await crmUsers("urlfield");
    const field = await createCampaign({ url: "https://crm.example.com/crm", fields: [{ key: "id", value: "{{user.crmId}}", type: "text" }], audience: audienceOf("urlfield") });
    expect((await checkActivation(field.id)) as object).not.toHaveProperty("emptyInUrl");
    // a default fills it, an {{#if}} says what an empty one does: the author has decided
    await crmUsers("urldefault");
    const fallback = await createCampaign({ url: 'https://crm.example.com/crm/{{default user.crmId "new"}}', audience: audienceOf("urldefault") });
    expect((await checkActivation(fallback.id)) as object).not.toHaveProperty("emptyInUrl");
    const tested = await createCampaign({ url: "https://crm.example.com/crm/{{#if user.crmId}}{{user.crmId}}{{else}}new{{/if}}", audience: audienceOf("urldefault") });
    expect((await checkActivation(tested.id)) as object).not.toHaveProperty("emptyInUrl");
  });

  it("says of a query value's variable that the parameter goes empty, not to another address", async () => {
    await crmUsers("urlquery");
    const campaign = await createCampaign({ url: "https://crm.example.com/crm?id={{user.crmId}}", audience: audienceOf("urlquery") });
    expect(await checkActivation(campaign.id)).toMatchObject({ emptyInUrl: ["Webhook 1 (Hook): user.crmId is empty for 3 of 8 users tried; it is the URL's id= query value, so their requests are sent with id= empty (write {{required user.crmId}} to skip users without it)"] });
  });
});
