// Activate's dry run (checkActivation): the editor's confirmation asks it before "Send now to N
// users?", so that a campaign activation would refuse is refused there, in activation's own words,
// instead of asked about. It runs activateCampaign's checks and changes nothing; the Delivery
// section's settings on screen are judged in place of the stored ones.
import { afterEach, describe, expect, it } from "vitest";
import { db } from "../../db";
import { resetEnv } from "../../env";
import { activateCampaign, checkActivation, resumeWarnings } from "./lifecycle";
import { createCampaign, createUsers } from "../testing/fixtures";
import { setFrequencyCap } from "./frequency-cap-setting";
import { deliverySettingsSchema } from "../forms/settings";

const LOOPBACK = "every delivery would be refused: destination 127.0.0.1 is a loopback address; an admin can allow it in Settings › Allowed destinations";

const TEST_ALLOWED = process.env.HOOKLINE_ALLOWED_HOSTS;
function allowHosts(value: string) {
  process.env.HOOKLINE_ALLOWED_HOSTS = value;
  resetEnv();
}
afterEach(() => allowHosts(TEST_ALLOWED ?? ""));

async function untouched(campaignId: string) {
  const campaign = await db().campaign.findUniqueOrThrow({ where: { id: campaignId }, include: { _count: { select: { deliveries: true } } } });
  expect(campaign.status).toBe("draft");
  expect(campaign._count.deliveries).toBe(0);
  expect(await db().auditLog.count({ where: { target: campaignId } })).toBe(0);
  return campaign;
}

describe("checkActivation: activation's checks, without activating", () => {
  it("refuses what activateCampaign refuses, in the same words and at the same fields, changing nothing", async () => {
    allowHosts("");
    const campaign = await createCampaign({ url: "http://127.0.0.1:4000/hook/{{user.id}}", fields: [{ key: "amount", value: "lots", type: "number" }] });
    const dry = await checkActivation(campaign.id);
    expect(dry).toEqual({
      ok: false,
      problems: [`Webhook 1 (Hook): URL: ${LOOPBACK}`, 'Webhook 1 (Hook): Data field "amount": "lots" is not a number'],
      fieldErrors: { "actions.0.url": LOOPBACK, "actions.0.fields.0.value": '"lots" is not a number' },
    });
    await untouched(campaign.id);
    expect(await activateCampaign(campaign.id)).toEqual(dry);
  });

  it("says ok for a campaign that would activate, and still leaves it a draft with nothing planned", async () => {
    await db().user.create({ data: { id: "dry-run-user", attributes: {} } });
    const campaign = await createCampaign({ url: "https://hooks.example.com/hook/{{user.id}}" });
    // the fixture's data field reads {{userAttribute.firstName}}, which this audience's one user lacks
    expect(await checkActivation(campaign.id)).toEqual({
      ok: true,
      controlGroups: [{ webhook: "Hook", percent: 0 }],
      readingEarlierSteps: [],
      timedByEarlierSteps: [],
      unknownAttributes: ['`{{userAttribute.firstName}}` in data field "name": no user has this attribute yet; it renders empty'],
      sampleFailures: [],
      // the sample renders' verdict, for Activate to send back (sample-verdict.ts)
      sampleCheck: expect.any(String),
    });
    await untouched(campaign.id);
  });

  it("does not warn of an attribute an earlier webhook's response mapping saves; the webhook's own mapping is no help (Activate and Resume alike)", async () => {
    await db().user.upsert({ where: { id: "dry-run-user" }, create: { id: "dry-run-user", attributes: { firstName: "Ann" } }, update: { attributes: { firstName: "Ann" } } });
    const campaign = await createCampaign({ url: "https://hooks.example.com/crm/{{user.checkOwn}}", fields: [{ key: "name", value: "{{user.firstName}}", type: "text" }] });
    await db().action.update({ where: { id: campaign.actions[0]!.id }, data: { responseMapping: [{ path: "$.id", attribute: "checkRef" }, { path: "$.own", attribute: "checkOwn" }] } });
    await db().action.create({ data: { campaignId: campaign.id, name: "Mail", position: 1, urlTemplate: "https://hooks.example.com/mail/{{user.checkRef}}", fields: [], headers: [], retryPolicy: "default", timeoutMs: 5000 } });
    const own = "Webhook 1 (Hook): `{{user.checkOwn}}` in the URL: no user has this attribute yet; it renders empty";
    expect(await checkActivation(campaign.id)).toMatchObject({ ok: true, unknownAttributes: [own] });
    expect((await resumeWarnings(campaign.id)).unknownAttributes).toEqual([own]);
  });

  it("names the steps that read what an earlier step saves, for the confirmation to say they are skipped when that step does not deliver", async () => {
    const campaign = await createCampaign({ url: "https://hooks.example.com/crm/{{user.id}}" });
    await db().action.update({ where: { id: campaign.actions[0]!.id }, data: { name: "Create contact", responseMapping: [{ path: "$.id", attribute: "crmId" }] } });
    await db().action.create({ data: { campaignId: campaign.id, name: "Follow up", position: 1, urlTemplate: "https://hooks.example.com/crm/{{user.crmId}}", fields: [], headers: [], retryPolicy: "default", timeoutMs: 5000 } });
    await db().action.create({ data: { campaignId: campaign.id, name: "Mail", position: 2, urlTemplate: "https://hooks.example.com/mail/{{user.id}}", fields: [], headers: [], retryPolicy: "default", timeoutMs: 5000 } });
    expect(await checkActivation(campaign.id)).toMatchObject({ ok: true, readingEarlierSteps: ["Follow up"] });
  });

  it("names a step timed from what an earlier step saves as waiting for its answer for its time, not as failing unsent (its templates read none of it)", async () => {
    const campaign = await createCampaign({ url: "https://hooks.example.com/due/{{user.id}}" });
    await db().action.update({ where: { id: campaign.actions[0]!.id }, data: { name: "Due lookup", responseMapping: [{ path: "$.due", attribute: "dueAt" }] } });
    await db().action.create({ data: { campaignId: campaign.id, name: "Due reminder", position: 1, urlTemplate: "https://hooks.example.com/remind/{{user.id}}", fields: [], headers: [], retryPolicy: "default", timeoutMs: 5000, subDelivery: { kind: "relative", source: "user", key: "dueAt", offsetSeconds: -36000 } } });
    expect(await checkActivation(campaign.id)).toMatchObject({ ok: true, readingEarlierSteps: [], timedByEarlierSteps: [{ webhook: "Due reminder", earlier: "Webhook 1 (Due lookup)", attribute: "dueAt" }] });
  });

  it("names a misspelt attribute no user has, and still says ok (it may arrive through the API)", async () => {
    await db().user.upsert({ where: { id: "dry-run-user" }, create: { id: "dry-run-user", attributes: { firstName: "Ann" } }, update: { attributes: { firstName: "Ann" } } });
    const campaign = await createCampaign({ url: "https://hooks.example.com/hook/{{user.frstName}}", fields: [{ key: "name", value: "{{user.firstName}}", type: "text" }] });
    const dry = await checkActivation(campaign.id);
    expect(dry).toMatchObject({ ok: true, unknownAttributes: ["`{{user.frstName}}` in the URL: no user has this attribute yet; it renders empty (did you mean `firstName`?)"] });
    await untouched(campaign.id);
  });

  it("judges the settings on screen in place of the stored ones, without saving them", async () => {
    const campaign = await createCampaign({ url: "https://hooks.example.com/hook/{{user.id}}" });
    const now = new Date("2026-12-06T12:00:00Z");
    const settings = (over: object) => deliverySettingsSchema.parse({ rule: { when: "immediate" }, actions: [], ...over });
    // an end date already gone, and a timing that reads an event parameter outside a triggered campaign
    const onScreen = settings({ endAt: "2026-12-01T00:00:00Z", actions: [{ id: campaign.actions[0]!.id, subDelivery: { kind: "relative", source: "event", key: "startsAt", offsetSeconds: -3600 } }] });
    const dry = await checkActivation(campaign.id, { settings: onScreen, now });
    expect(dry.ok).toBe(false);
    if (!dry.ok) {
      expect(dry.problems).toContain("The end date has already passed.");
      expect(Object.keys(dry.fieldErrors ?? {})).toEqual(["actions.0.subDelivery.key"]);
    }
    const stored = await untouched(campaign.id);
    expect(stored.endAt).toBeNull();
    // the stored settings alone are fine
    expect(await checkActivation(campaign.id, { now })).toMatchObject({ ok: true });
    expect(await checkActivation(campaign.id, { settings: settings({}), now })).toMatchObject({ ok: true });
  });

  it("refuses a campaign that is no longer a draft, or no longer exists", async () => {
    const active = await createCampaign({ url: "https://hooks.example.com/hook", status: "active" });
    expect(await checkActivation(active.id)).toEqual({ ok: false, problems: ["The campaign is active; only a draft can be activated."] });
    expect(await checkActivation("no-such-campaign")).toEqual({ ok: false, problems: ["This campaign no longer exists."] });
  });

  it("names each webhook step's control group, for the confirmation to say about how many are held out (its variants are not steps)", async () => {
    const campaign = await createCampaign({ url: "https://hooks.example.com/hook/{{user.id}}" });
    await db().action.update({ where: { id: campaign.actions[0]!.id }, data: { controlPercent: 20 } });
    expect(await checkActivation(campaign.id)).toMatchObject({ ok: true, controlGroups: [{ webhook: "Hook", percent: 20 }] });
    await untouched(campaign.id);
  });

  it("counts the audience's users the frequency cap stops now, for the question to say so (a marketer saw 9 of 11 suppressed after \"to 11 users?\"); none for a cap-exempt campaign", async () => {
    await createUsers(4, "atcap");
    const other = await createCampaign({ url: "https://hooks.example.com/other", status: "active", name: "Other" });
    const now = new Date();
    // atcap0 and atcap1 were sent 2 today (their cap), atcap2 1; atcap3 is at the cap but not in the audience
    const sends: [string, number][] = [["atcap000000", 2], ["atcap000001", 2], ["atcap000002", 1], ["atcap000003", 2]];
    for (const [userId, n] of sends) {
      for (let i = 0; i < n; i++) {
        const sentAt = new Date(now.getTime() - (i + 1) * 60_000);
        await db().delivery.create({ data: { webhookId: `msg_${userId}_${i}`, campaignId: other.id, actionId: other.actions[0]!.id, userId, triggerKey: `t${i}`, plannedAt: sentAt, dueAt: sentAt, sentAt, state: "delivered" } });
      }
    }
    const audience = { match: "any", conditions: ["atcap000000", "atcap000001", "atcap000002"].map((value) => ({ key: "id", operator: "equals", value })) };
    const campaign = await createCampaign({ url: "https://hooks.example.com/hook/{{user.id}}", audience });
    await setFrequencyCap({ perDay: 2 }, { role: "admin" });
    try {
      expect(await checkActivation(campaign.id, { now })).toMatchObject({ ok: true, atCap: { users: 2, reached: ["2 per day reached"] } });
      await db().campaign.update({ where: { id: campaign.id }, data: { capExempt: true } });
      expect(await checkActivation(campaign.id, { now })).not.toHaveProperty("atCap");
    } finally {
      await setFrequencyCap(null, { role: "admin" });
    }
    expect(await checkActivation(campaign.id, { now })).not.toHaveProperty("atCap");
    await untouched(campaign.id);
  });
});

describe("resumeWarnings: what Resume's confirmation warns of", () => {
  it("names a misspelt attribute no user has in a paused campaign's webhooks, as Activate does", async () => {
    await db().user.upsert({ where: { id: "dry-run-user" }, create: { id: "dry-run-user", attributes: { firstName: "Ann" } }, update: { attributes: { firstName: "Ann" } } });
    const campaign = await createCampaign({ url: "https://hooks.example.com/hook/{{user.frstName}}", fields: [{ key: "name", value: "{{user.firstName}}", type: "text" }], status: "paused" });
    expect(await resumeWarnings(campaign.id)).toEqual({ unknownAttributes: ["`{{user.frstName}}` in the URL: no user has this attribute yet; it renders empty (did you mean `firstName`?)"], sampleFailures: [], sampleCheck: expect.any(String) });
    expect(await resumeWarnings("no-such-campaign")).toEqual({ unknownAttributes: [], sampleFailures: [] });
  });
});
