import { describe, expect, it } from "vitest";
import { db } from "../db";
import { renderWebhookRequest } from "../webhooks/render-request";
import { templateSyntaxProblem } from "../templating";
import { getCampaignDraft, saveCampaign } from "./campaigns";
import { templateInputSchema, templatePatchSchema, type TemplateInput } from "./destination-template-schemas";
import {
  actionDraftFromTemplate,
  BUILT_IN_TEMPLATES,
  deleteDestinationTemplate,
  DestinationTemplateError,
  fillInPlaceholders,
  getDestinationTemplate,
  listDestinationTemplates,
  saveDestinationTemplate,
  updateDestinationTemplate,
} from "./destination-templates";
import { SECRET_MASK } from "./limits";
import { actionDraftSchema, campaignDraftSchema } from "./schemas";
import { rotateSigningSecret } from "./signing-secrets";

const save = (input: TemplateInput, actor = "ed@example.com") => saveDestinationTemplate(templateInputSchema.parse(input), actor);
const crm = (name: string, extra: Partial<TemplateInput["webhook"]> = {}): TemplateInput => ({
  name,
  webhook: { url: "https://crm.example.com/contacts/{{user.id}}", fields: [{ key: "email", value: "{{user.email}}" }], ...extra },
});

describe("built-in destination templates", () => {
  it("are the six the issue names, each with a URL pattern, a note on the secret and no secret value", () => {
    expect(BUILT_IN_TEMPLATES.map((t) => t.name)).toEqual([
      "Slack incoming webhook",
      "Microsoft Teams",
      "Segment track",
      "HubSpot contact upsert",
      "Mailchimp Transactional (Mandrill) send",
      "Generic JSON POST",
    ]);
    for (const t of BUILT_IN_TEMPLATES) {
      expect(t.secretNote.length, t.name).toBeGreaterThan(40);
      expect(t.webhook.headers.filter((h) => h.secret).every((h) => h.value === ""), t.name).toBe(true);
    }
    expect(fillInPlaceholders(BUILT_IN_TEMPLATES[0]!.webhook.url)).toEqual(["slack_webhook_path"]);
  });

  it("start a webhook the editor accepts, that compiles and renders a valid JSON body", () => {
    for (const t of BUILT_IN_TEMPLATES) {
      const draft = actionDraftSchema.parse(actionDraftFromTemplate(t));
      expect(draft.templateId).toBe(t.id);
      for (const source of [draft.url, ...draft.fields.map((f) => f.value), ...draft.headers.map((h) => h.value)]) expect(templateSyntaxProblem(source), `${t.name}: ${source}`).toBeNull();
      // the parts to fill in, filled in as the note says
      const url = fillInPlaceholders(draft.url).reduce((u, name) => u.replaceAll(`{{${name}}}`, "x"), draft.url);
      const result = renderWebhookRequest(
        { ...draft, url, headers: draft.headers.map((h) => ({ ...h, value: h.secret ? "Bearer t" : h.value })) },
        { user: { id: "u1", email: "mary@example.com", attributes: { firstName: "Mary", lastName: "Major" } }, campaign: { id: "c1", name: "Welcome" }, now: new Date("2026-12-03T10:00:00Z") },
        { webhookId: "msg_1", timestamp: new Date("2026-12-03T10:00:00Z") },
      );
      expect(result.ok, `${t.name}: ${JSON.stringify(!result.ok && result.errors)}`).toBe(true);
      if (result.ok) expect(() => JSON.parse(result.request.body!), t.name).not.toThrow();
    }
    const hubspot = BUILT_IN_TEMPLATES.find((t) => t.id === "builtin-hubspot-contact-upsert")!;
    const body = renderWebhookRequest(actionDraftSchema.parse(actionDraftFromTemplate(hubspot)), { user: { id: "u1", email: "m@example.com", attributes: { firstName: 'Ma"ry' } }, now: new Date() }, { webhookId: "m", timestamp: new Date() });
    expect(body.ok && JSON.parse(body.request.body!)).toEqual({ inputs: [{ idProperty: "email", id: "m@example.com", properties: { email: "m@example.com", firstname: 'Ma"ry', lastname: "" } }] });
  });
});

describe("saving a webhook as a template", () => {
  it("never saves a secret, however it is slipped in", async () => {
    const secrets = ["nested-key-42", "hunter2", "sk_live_51Hx", "md-APIKEY123", "xoxb-T1/B2/abcdef", "T024BE7LD/B0123/XyZsecret", "Zm9vOmJhcg", "sig-abc123", "s3cr3t-default", "cookie-val"];
    const { template, cleared } = await save({
      name: "Attacker's template",
      webhook: {
        url: "https://crm.example.com/hook?api_key=sk_live_51Hx&sig=sig-abc123&city={{user.city}}",
        headers: [
          { name: "X-Api-Key", value: "md-APIKEY123", secret: true },
          { name: "Authorization", value: "Basic Zm9vOmJhcg", secret: false },
          { name: "X-Masked", value: SECRET_MASK, secret: false },
          { name: "X-Session-Token", value: "{{default user.token \"s3cr3t-default\"}}" },
          { name: "Cookie", value: "sid=cookie-val" },
          { name: "X-Trace", value: "{{user.id}}" },
          { name: "X-Bearer-Auth", value: "Bearer {{user.crmToken}}" },
        ],
        fields: [
          { key: "key", value: "md-APIKEY123" },
          { key: "slack.token", value: "xoxb-T1/B2/abcdef" },
          { key: "note", value: SECRET_MASK },
          { key: "email", value: "{{user.email}}" },
          { key: "message", value: JSON.stringify({ to: "{{user.email}}", auth: { apiKey: "nested-key-42", user: "{{user.id}}" } }), type: "json" },
        ],
      },
    });
    const row = await db().destinationTemplate.findUniqueOrThrow({ where: { id: template.id } });
    const stored = JSON.stringify(row);
    for (const s of [...secrets, SECRET_MASK]) expect(stored, s).not.toContain(s);
    expect(row.urlTemplate).toBe("https://crm.example.com/hook?api_key=&sig=&city={{user.city}}");
    expect(row.headers).toEqual([
      { name: "X-Api-Key", value: "", secret: true },
      { name: "Authorization", value: "", secret: true },
      { name: "X-Masked", value: "", secret: true },
      { name: "X-Session-Token", value: "", secret: true },
      { name: "Cookie", value: "", secret: true },
      { name: "X-Trace", value: "{{user.id}}", secret: false },
      { name: "X-Bearer-Auth", value: "Bearer {{user.crmToken}}", secret: false },
    ]);
    expect(row.fields).toEqual([
      { key: "key", value: "", type: "text" },
      { key: "slack.token", value: "", type: "text" },
      { key: "note", value: "", type: "text" },
      { key: "email", value: "{{user.email}}", type: "text" },
      { key: "message", value: JSON.stringify({ to: "{{user.email}}", auth: { apiKey: "", user: "{{user.id}}" } }, null, 2), type: "json" },
    ]);
    expect(cleared).toContain('the URL parameter "api_key"');
    expect(cleared).toContain('the value of the header "Authorization"');
    expect(cleared).toContain('secrets inside the data field "message"');

    const basic = await save({ name: "Basic auth", webhook: { url: "https://crm:hunter2@crm.example.com/hook" } });
    expect(basic.template.webhook.url).toBe("https://crm@crm.example.com/hook");
    expect(basic.cleared).toEqual(["the URL password"]);
    const masked = await save({ name: "Masked password", webhook: { url: `https://crm:${SECRET_MASK}@crm.example.com/hook` } });
    expect(masked.template.webhook.url).toBe("https://crm@crm.example.com/hook");

    // the URL is the secret of a Slack, Teams, Discord or Zapier hook
    const slack = await save({ name: "Our Slack", webhook: { url: "https://hooks.slack.com/services/T024BE7LD/B0123/XyZsecret", fields: [{ key: "text", value: "hi" }] } });
    expect(slack.template.webhook.url).toBe("https://hooks.slack.com/services/{{slack_webhook_path}}");
    const teams = await save({ name: "Our Teams", webhook: { url: "https://contoso.webhook.office.com/webhookb2/abc@def/IncomingWebhook/123/456" } });
    expect(teams.template.webhook.url).toBe("https://contoso.webhook.office.com/webhookb2/{{teams_webhook_path}}");
    expect(JSON.stringify(await db().destinationTemplate.findMany())).not.toMatch(/XyZsecret|IncomingWebhook\/123/);
  });

  it("never saves a URL password after a templated scheme, and refuses (or, past the schema, empties) one it cannot split", async () => {
    const { template, cleared } = await save(crm("Templated scheme", { url: "{{user.scheme}}://bob:s3cret@crm.example.com/x" }));
    expect(template.webhook.url).toBe("{{user.scheme}}://bob@crm.example.com/x");
    expect(cleared).toContain("the URL password");
    const stray = "{{#if user.id}}https://a.example.com{{else}}https://bob:s3cret@b.example.com{{/if}}";
    expect(templateInputSchema.safeParse(crm("Stray", { url: stray })).success).toBe(false);
    const parsed = templateInputSchema.parse(crm("Stray"));
    const past = await saveDestinationTemplate({ ...parsed, webhook: { ...parsed.webhook, url: stray } }, "ed@example.com");
    expect(past.template.webhook.url).not.toContain("s3cret");
    expect(past.cleared).toContain("the URL password");
    expect(await db().destinationTemplate.count({ where: { urlTemplate: { contains: "s3cret" } } })).toBe(0);
  });

  it("does not take the signing secret, or a stored secret, from the webhook it is saved from", async () => {
    const campaign = campaignDraftSchema.parse({ name: "Signed", actions: [{ url: "https://crm:pw-stored@crm.example.com/a", headers: [{ name: "X-Api-Key", value: "stored-key", secret: true }] }] });
    const { id, actionIds } = await saveCampaign(campaign);
    const rotated = await rotateSigningSecret(id, actionIds[0]!);
    // the editor's draft of the saved webhook: secrets masked, the action's id along
    const shown = (await getCampaignDraft(id, "admin"))!.actions[0]!;
    const { template } = await save({ name: "From a signed webhook", webhook: shown });
    const stored = JSON.stringify(await db().destinationTemplate.findUniqueOrThrow({ where: { id: template.id } }));
    for (const s of ["pw-stored", "stored-key", rotated!.secret, rotated!.secret.slice(6, 20), SECRET_MASK]) expect(stored).not.toContain(s);
    expect(template.webhook.url).toBe("https://crm@crm.example.com/a");
    expect(Object.keys(templateInputSchema.shape)).not.toContain("signingSecret");
    expect(templateInputSchema.safeParse({ name: "x", webhook: { url: "https://a.example.com" }, signingSecret: "whsec_x" }).success).toBe(false);
  });

  it("refuses a name already used, by a saved or a built-in template, whatever its case", async () => {
    await save(crm("CRM upsert"));
    for (const name of ["CRM upsert", "crm UPSERT", "slack incoming webhook"]) {
      const err = await save(crm(name)).catch((e) => e);
      expect(err).toBeInstanceOf(DestinationTemplateError);
      expect(err).toMatchObject({ kind: "name_taken", field: "name" });
    }
    expect(await db().destinationTemplate.count({ where: { name: { in: ["crm UPSERT", "slack incoming webhook"] } } })).toBe(0);
  });

  it("lists built-ins first, then saved ones by name, and records each change in the audit log", async () => {
    const { template } = await save(crm("Zeta hook"), "ann@example.com");
    const listed = await listDestinationTemplates();
    expect(listed.slice(0, 6).every((t) => t.builtIn)).toBe(true);
    expect(listed.find((t) => t.id === template.id)).toMatchObject({ builtIn: false, createdBy: "ann@example.com", name: "Zeta hook" });

    await updateDestinationTemplate(template.id, templatePatchSchema.parse({ name: "Zeta hook v2", secretNote: "In the CRM › API" }), "bob@example.com");
    expect(await deleteDestinationTemplate(template.id, "bob@example.com")).toBe(true);
    expect(await deleteDestinationTemplate(template.id, "bob@example.com")).toBe(false);
    const audit = await db().auditLog.findMany({ where: { target: template.id }, orderBy: { createdAt: "asc" } });
    expect(audit.map((a) => [a.action, a.actor])).toEqual([
      ["destination_template.created", "ann@example.com"],
      ["destination_template.updated", "bob@example.com"],
      ["destination_template.deleted", "bob@example.com"],
    ]);
    expect(audit[1]!.details).toMatchObject({ name: "Zeta hook v2", from: "Zeta hook", changed: ["name", "secretNote"] });
  });
});

describe("editing and deleting templates", () => {
  it("renames and edits a saved template, stripping secrets again; built-ins and unknown ids are refused", async () => {
    const { template } = await save(crm("Editable"));
    await save(crm("Other"));
    const { template: edited } = await updateDestinationTemplate(
      template.id,
      templatePatchSchema.parse({ name: "Edited", webhook: { url: "https://u:pw9@crm.example.com/x", headers: [{ name: "X-Api-Key", value: "new-secret-9" }] } }),
      "ed@example.com",
    );
    expect(edited).toMatchObject({ name: "Edited", webhook: { url: "https://u@crm.example.com/x", headers: [{ name: "X-Api-Key", value: "", secret: true }] } });
    expect(JSON.stringify(await db().destinationTemplate.findUniqueOrThrow({ where: { id: template.id } }))).not.toMatch(/pw9|new-secret-9/);
    await expect(updateDestinationTemplate(template.id, templatePatchSchema.parse({ name: "other" }), "ed")).rejects.toMatchObject({ kind: "name_taken" });
    await expect(updateDestinationTemplate("builtin-slack", templatePatchSchema.parse({ name: "Mine" }), "ed")).rejects.toMatchObject({ kind: "built_in" });
    await expect(deleteDestinationTemplate("builtin-slack", "ed")).rejects.toMatchObject({ kind: "built_in" });
    await expect(updateDestinationTemplate("nope", templatePatchSchema.parse({ name: "Mine" }), "ed")).rejects.toMatchObject({ kind: "not_found" });
    expect(templatePatchSchema.safeParse({}).success).toBe(false);
    expect((await getDestinationTemplate("builtin-slack"))?.name).toBe("Slack incoming webhook");
    expect(await getDestinationTemplate("builtin-nope")).toBeNull();
  });

  it("a webhook started from a template is a copy: it records the template, and later edits or a delete change nothing", async () => {
    const { template } = await save({ ...crm("Copy source"), secretNote: "CRM › Settings › API" });
    const start = actionDraftFromTemplate(template);
    const { id, actionIds } = await saveCampaign(campaignDraftSchema.parse({ name: "From a template", actions: [start] }));
    const before = await db().action.findUniqueOrThrow({ where: { id: actionIds[0]! } });
    expect(before).toMatchObject({ templateId: template.id, name: "Copy source", urlTemplate: "https://crm.example.com/contacts/{{user.id}}" });
    expect((await getCampaignDraft(id, "admin"))!.actions[0]!.templateId).toBe(template.id);

    await updateDestinationTemplate(template.id, templatePatchSchema.parse({ webhook: { url: "https://elsewhere.example.com/x" } }), "ed");
    await deleteDestinationTemplate(template.id, "ed");
    const after = await db().action.findUniqueOrThrow({ where: { id: actionIds[0]! } });
    expect(after).toEqual(before);

    // saving the webhook again (without templateId, as an API client might) keeps where it started
    const shown = (await getCampaignDraft(id, "admin"))!;
    await saveCampaign(campaignDraftSchema.parse({ ...shown, actions: shown.actions.map(({ templateId: _t, ...a }) => a) }));
    expect((await db().action.findUniqueOrThrow({ where: { id: actionIds[0]! } })).templateId).toBe(template.id);
  });
});
