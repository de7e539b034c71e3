// Activation checks that every action renders, whoever activates (the API and the editor both go
// through activateCampaign), judging what no data can fix and leaving data-dependent values to each
// delivery; it records who activated. Saving refuses a template that does not compile.
import { describe, expect, it } from "vitest";
import { db } from "../../db";
import { saveCampaign } from "../../campaigns/campaigns";
import { campaignDraftSchema } from "../../campaigns/schemas";
import { assertTemplatesCompile, TemplateSyntaxError } from "../../campaigns/template-check";
import { activateCampaign, activationMessage } from "./lifecycle";
import { checkActionRenders } from "./check-action";
import { createCampaign } from "../testing/fixtures";
import { BUILT_IN_TEMPLATES } from "../../campaigns/builtin-destination-templates";
import { actionDraftFromTemplate } from "../../campaigns/template-apply";

type Field = { key: string; value: string; type: "text" | "number" | "boolean" | "json" };
const triggered = { when: "triggered", event: "purchase" };

async function problemsOf(fields: Field[], rule: object = { when: "immediate" }) {
  const campaign = await createCampaign({ url: "http://127.0.0.1:9999/hook", rule, fields });
  const result = await activateCampaign(campaign.id);
  return { campaign, result, problems: result.ok ? [] : result.problems };
}

describe("activation renders every action (activateCampaign, for every caller)", () => {
  it("refuses a Number field that is never a number, worded at the field", async () => {
    const { campaign, result, problems } = await problemsOf([{ key: "amount", value: "lots", type: "number" }]);
    expect(result.ok).toBe(false);
    expect(problems).toEqual(['Webhook 1 (Hook): Data field "amount": "lots" is not a number']);
    expect((await db().campaign.findUniqueOrThrow({ where: { id: campaign.id } })).status).toBe("draft");
    expect(await db().auditLog.count({ where: { target: campaign.id } })).toBe(0);
  });

  it("activates a triggered campaign whose Number and Boolean fields read event data (no event stored yet)", async () => {
    const { result } = await problemsOf(
      [
        { key: "amount", value: "{{event.params.amount}}", type: "number" },
        { key: "paid", value: "{{event.params.paid}}", type: "boolean" },
        { key: "age", value: "{{userAttribute.age}}", type: "number" },
      ],
      triggered,
    );
    expect(result.ok).toBe(true);
    // it plans nothing now: the editor says what it waits for, not "0 deliveries planned"
    if (result.ok) expect(activationMessage(result)).toBe('Active: each "purchase" event tracked from now on sends this campaign to its user.');
  });

  it("says when a recurring campaign first runs, and what a one-off send planned", async () => {
    const recurring = await problemsOf([], { when: "recurring", frequency: "daily", time: "09:00", timeZone: "UTC" });
    expect(recurring.result.ok && activationMessage(recurring.result)).toMatch(/^Active: the first run is at \d{4}-\d\d-\d\d 09:00 UTC\.$/);
    const once = await problemsOf([]);
    expect(once.result.ok && activationMessage(once.result)).toMatch(/^Active: \d+ deliver(y|ies) planned/);
  });

  it("judges event fields against a stored event of the trigger: a value that can never be a number is refused", async () => {
    await db().user.create({ data: { id: "buyer", attributes: {} } });
    await db().event.create({ data: { userId: "buyer", name: "purchase", params: { amount: 12, paid: true }, time: new Date() } });
    const ok = await problemsOf([{ key: "amount", value: "{{event.params.amount}}", type: "number" }], triggered);
    expect(ok.result.ok).toBe(true);
    const bad = await problemsOf([{ key: "amount", value: "{{event.params.amount}} USD", type: "number" }], triggered);
    expect(bad.problems).toEqual(['Webhook 1 (Hook): Data field "amount": "12 USD" is not a number']);
  });

  it("with no stored event, judges a Number or Boolean field reading event data with stand-ins: its static parts are checked", async () => {
    const ok = await problemsOf(
      [
        { key: "amount", value: "{{event.params.amount}}", type: "number" },
        { key: "flag", value: "{{event.params.flag}}", type: "boolean" },
        { key: "total", value: "{{event.params.order.total}}", type: "number" },
      ],
      { when: "triggered", event: "checkout" },
    );
    expect(ok.result.ok).toBe(true);
    const bad = await problemsOf(
      [
        { key: "note", value: "{{event.params.note}}", type: "text" },
        { key: "amount", value: "{{event.params.amount}} USD", type: "number" },
        { key: "flag", value: "maybe {{event.params.flag}}", type: "boolean" },
      ],
      { when: "triggered", event: "checkout" },
    );
    expect(bad.problems).toEqual([
      'Webhook 1 (Hook): Data field "amount": "1 USD" is not a number, with 1 for event.params.amount: no value makes it one',
      'Webhook 1 (Hook): Data field "flag": "maybe 1" is not true or false, with 1 for event.params.flag: no value makes it one',
    ]);
    // at the fields, by the editor's paths
    expect(bad.result.ok ? null : bad.result.fieldErrors).toEqual({
      "actions.0.fields.1.value": '"1 USD" is not a number, with 1 for event.params.amount: no value makes it one',
      "actions.0.fields.2.value": '"maybe 1" is not true or false, with 1 for event.params.flag: no value makes it one',
    });
  });

  it("a stand-in never goes through __proto__ or constructor (no field changes every object in the process)", async () => {
    const paths = ["user.__proto__.email", "userAttribute.__proto__.polluted", "event.params.__proto__.polluted", "parameter.constructor.prototype.polluted", "user.__proto__.a.b"];
    const { problems } = await problemsOf(
      paths.map((p, i) => ({ key: `f${i}`, value: `{{${p}}} USD`, type: "number" as const })),
      { when: "triggered", event: "checkout" },
    );
    // values that have no place to go are left to each delivery, and the stored user ("buyer") lacks them
    // all: a value users lack may yet come, so the sample renders warn (sample-renders.ts) and refuse nothing
    expect(problems).toEqual([]);
    const probe = {} as Record<string, unknown>;
    expect([probe.email, probe.polluted, probe.a]).toEqual([undefined, undefined, undefined]);
  });

  it("judges a hundred stand-in fields with a handful of renders, each at its field", async () => {
    const fields = Array.from({ length: 100 }, (_, i) => ({ key: `n${i}`, value: `{{event.params.v${i}}} USD`, type: "number" as const }));
    const { problems, result } = await problemsOf(fields, { when: "triggered", event: "checkout" });
    expect(problems).toHaveLength(100);
    expect(Object.keys((result.ok ? null : result.fieldErrors) ?? {})).toHaveLength(100);
  });

  it("judges a user attribute a Number field reads with a stand-in too", async () => {
    const { problems } = await problemsOf([{ key: "age", value: "{{userAttribute.age}} years", type: "number" }]);
    expect(problems).toEqual(['Webhook 1 (Hook): Data field "age": "1 years" is not a number, with 1 for userAttribute.age: no value makes it one']);
  });

  // Activate's user has no attributes: {{required}} skipped it, and the rest of the request went unjudged
  it("judges a webhook using {{required}} as it judges the plain value: its other fields' problems are still refused", async () => {
    const ok = await problemsOf([{ key: "crm", value: "{{required user.crmId}}", type: "text" }, { key: "age", value: "{{required userAttribute.age}}", type: "number" }]);
    expect(ok.result.ok).toBe(true);
    const { problems } = await problemsOf([
      { key: "crm", value: "{{required user.crmId}}", type: "text" },
      { key: "age", value: "{{required userAttribute.age}} years", type: "number" },
      { key: "n", value: "{{campaign.name}}", type: "number" },
    ]);
    expect(problems).toEqual([
      'Webhook 1 (Hook): Data field "n": "Test campaign" is not a number',
      'Webhook 1 (Hook): Data field "age": "1 years" is not a number, with 1 for userAttribute.age: no value makes it one',
    ]);
  });

  it("puts a stand-in at a bracketed attribute name whole ({{userAttribute.[seats.count]}} reads the attribute seats.count)", async () => {
    // a user who has them: Activate also renders for the audience's first users (sample-renders.ts)
    await db().user.create({ data: { id: "seats-1", attributes: { "seats.count": 3, "seats.extra": 1 } } });
    const { result } = await problemsOf([
      { key: "seats", value: "{{userAttribute.[seats.count]}}", type: "number" },
      { key: "more", value: "{{user.[seats.extra]}}", type: "number" },
    ]);
    expect(result.ok).toBe(true);
    const { problems } = await problemsOf([{ key: "seats", value: "{{user.[seats.count]}} seats", type: "number" }]);
    expect(problems).toEqual(['Webhook 1 (Hook): Data field "seats": "1 seats" is not a number, with 1 for user.[seats.count]: no value makes it one']);
  });

  it("renders with the campaign and action, so a field reading them is judged", async () => {
    const { problems } = await problemsOf([{ key: "n", value: "{{campaign.name}}", type: "number" }]);
    expect(problems).toEqual(['Webhook 1 (Hook): Data field "n": "Test campaign" is not a number']);
  });

  it("the action check no longer reports an empty event value as an internal path", async () => {
    const campaign = await createCampaign({ url: "http://127.0.0.1:9999/hook", rule: triggered, fields: [{ key: "amount", value: "{{event.params.amount}}", type: "number" }] });
    expect(checkActionRenders(campaign.actions[0]!)).toEqual([]);
  });

  it("refuses a destination template's placeholder left in (it renders empty for every user), at its field", async () => {
    const campaign = await createCampaign({ url: "https://hooks.slack.com/services/{{slack_webhook_path}}", fields: [{ key: "text", value: "{{user.email}} for {{team}}", type: "text" }] });
    const result = await activateCampaign(campaign.id);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([
      "Webhook 1 (Hook): URL: {{slack_webhook_path}} is a placeholder, not a variable: replace it with your own value (it renders empty for every user)",
      'Webhook 1 (Hook): Data field "text": {{team}} is a placeholder, not a variable: replace it with your own value (it renders empty for every user)',
    ]);
    expect(Object.keys(result.fieldErrors ?? {})).toEqual(["actions.0.url", "actions.0.fields.0.value"]);
    expect((await db().campaign.findUniqueOrThrow({ where: { id: campaign.id } })).status).toBe("draft");
    // the variables of the contract are no placeholders, whoever lacks them
    const fine = await createCampaign({ url: "https://hooks.example.com/{{user.id}}/{{userAttribute.[First name]}}", fields: [{ key: "c", value: "{{campaign.name}} {{now}} {{parameter.x}}", type: "text" }] });
    expect(checkActionRenders(fine.actions[0]!)).toEqual([]);
  });

  it("names the URL and headers as the editor does", async () => {
    const campaign = await createCampaign({ url: "not a url", fields: [{ key: "a", value: "x", type: "text" }] });
    await db().action.update({ where: { id: campaign.actions[0]!.id }, data: { headers: [{ name: "X-Flag", value: "a\u0001b" }] } });
    const result = await activateCampaign(campaign.id);
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems;
    expect(problems[0]).toMatch(/^Webhook 1 \(Hook\): URL: The URL must be an absolute/);
    expect(problems[1]).toMatch(/^Webhook 1 \(Hook\): Header "X-Flag": /);
  });

  it("refuses a secret header left empty (the Generic JSON POST's Authorization), naming it; the draft still saves", async () => {
    const generic = BUILT_IN_TEMPLATES.find((t) => t.id === "builtin-generic-json")!;
    const webhook = { ...actionDraftFromTemplate(generic), url: "http://127.0.0.1:9999/webhooks/hookline" };
    const saved = await saveCampaign(campaignDraftSchema.parse({ name: "Day one", actions: [webhook] }));
    const refused = await activateCampaign(saved.id);
    const message = 'The secret header "Authorization" has no value: type it, or remove the header';
    expect(refused).toEqual({ ok: false, problems: [`Webhook 1 (Generic JSON POST): Header "Authorization": ${message}`], fieldErrors: { "actions.0.headers.0.value": message } });
    expect((await db().campaign.findUniqueOrThrow({ where: { id: saved.id } })).status).toBe("draft");
    // a value typed, or the header removed, and it activates
    const typed = await saveCampaign(campaignDraftSchema.parse({ name: "Typed", actions: [{ ...webhook, headers: [{ name: "Authorization", value: "Bearer t0ken", secret: true }] }] }));
    expect((await activateCampaign(typed.id)).ok).toBe(true);
    const removed = await saveCampaign(campaignDraftSchema.parse({ name: "Removed", actions: [{ ...webhook, headers: [] }] }));
    expect((await activateCampaign(removed.id)).ok).toBe(true);
  });

  it("refuses a webhook timed from an event parameter unless the campaign is triggered (it would suppress every delivery)", async () => {
    const subDelivery = { kind: "relative", source: "event", key: "shipAt", offsetSeconds: 3600 } as const;
    const once = await createCampaign({ url: "http://127.0.0.1:9999/hook", rule: { when: "immediate" }, subDelivery });
    const refused = await activateCampaign(once.id);
    const message = 'its timing reads the event parameter "shipAt", but only a triggered campaign has an event: measure from a user attribute instead';
    expect(refused).toEqual({ ok: false, problems: [`Webhook 1 (Hook): ${message}.`], fieldErrors: { "actions.0.subDelivery.key": message } });
    expect((await db().campaign.findUniqueOrThrow({ where: { id: once.id } })).status).toBe("draft");
    const onEvent = await createCampaign({ url: "http://127.0.0.1:9999/hook", rule: triggered, subDelivery });
    expect((await activateCampaign(onEvent.id)).ok).toBe(true);
  });

  it("refuses a response mapping saved before built-in field names were refused (the save now refuses it), at its row", async () => {
    const legacy = await createCampaign({ url: "http://127.0.0.1:9999/hook" });
    await db().action.updateMany({ where: { campaignId: legacy.id }, data: { responseMapping: [{ path: "$.crm.id", attribute: "crmId" }, { path: "$.tz", attribute: "timezone" }] } });
    const refused = await activateCampaign(legacy.id);
    const message = '"timezone" is a built-in user field, not an attribute: set the field itself or choose another name';
    expect(refused).toEqual({ ok: false, problems: [`Webhook 1 (Hook): Save response to user, row 2: ${message}.`], fieldErrors: { "actions.0.responseMapping.1.attribute": message } });
    expect((await db().campaign.findUniqueOrThrow({ where: { id: legacy.id } })).status).toBe("draft");
    await db().action.updateMany({ where: { campaignId: legacy.id }, data: { responseMapping: [{ path: "$.crm.id", attribute: "crmId" }, { path: "$.tz", attribute: "crmTimezone" }] } });
    expect((await activateCampaign(legacy.id)).ok).toBe(true);
  });

  it("records campaign.activated with the actor passed in", async () => {
    const campaign = await createCampaign({ url: "http://127.0.0.1:9999/hook", rule: triggered });
    expect((await activateCampaign(campaign.id, { actor: "ed@example.com" })).ok).toBe(true);
    const audit = await db().auditLog.findMany({ where: { target: campaign.id } });
    expect(audit.map((a) => [a.actor, a.action])).toEqual([["ed@example.com", "campaign.activated"]]);
  });
});

describe("saving refuses templates that do not compile (saveCampaign, for every caller)", () => {
  it("throws TemplateSyntaxError naming field, line and column, and writes nothing", async () => {
    const before = await db().campaign.count();
    const draft = campaignDraftSchema.parse({ name: "x", actions: [{ url: "https://a.example.com/", fields: [{ key: "a", value: "{{#if user.plan}}" }] }] });
    const err = await saveCampaign(draft).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TemplateSyntaxError);
    expect((err as TemplateSyntaxError).fieldErrors["actions.0.fields.0.value"]).toMatch(/line \d+, column \d+/);
    expect(await db().campaign.count()).toBe(before);
    expect((err as Error).message).toBe("A template has a syntax error; fix it, then save again.");
  });

  it("words several broken templates in the plural", () => {
    const draft = campaignDraftSchema.parse({ name: "x", actions: [{ url: "https://a.example.com/{{user.id}", fields: [{ key: "a", value: "{{#if user.plan}}" }] }] });
    expect(() => assertTemplatesCompile(draft)).toThrow("2 templates have a syntax error; fix them, then save again.");
  });
});
