import { describe, expect, it } from "vitest";
import { db } from "../db";
import { decryptSecret, encryptSecret } from "../crypto/secret-box";
import { loadWebhookTemplate } from "./action-template";
import { deleteAction, deleteCampaign, StepInUseError, duplicateAction, duplicateCampaign, getCampaignDraft, saveCampaign } from "./campaigns";
import { listCampaigns } from "./campaign-list";
import { rotateSigningSecret } from "./signing-secrets";
import { SECRET_MASK } from "./limits";
import { renderWebhookRequest } from "../webhooks/render-request";
import type { TemplateContext } from "../webhooks/types";
import { campaignDraftSchema, fieldErrorsOf, type CampaignDraftInput } from "./schemas";

function draft(input: CampaignDraftInput) {
  return campaignDraftSchema.parse(input);
}

const basic = (url: string, extra: Partial<CampaignDraftInput["actions"] extends (infer A)[] | undefined ? A : never> = {}) =>
  draft({ name: "Welcome", actions: [{ url, fields: [{ key: "email", value: "{{user.email}}" }], ...extra }] });

const sampleContext: TemplateContext = {
  user: { id: "u-1", email: "m@example.com", attributes: {} },
  event: null,
  campaign: { id: "c1", name: "http" },
  action: { id: "a1" },
  now: new Date("2026-11-26T12:00:00Z"),
};

async function storedAction(campaignId: string) {
  return db().action.findFirstOrThrow({ where: { campaignId } });
}

describe("saving a campaign", () => {
  it("stores the URL password encrypted, apart from the URL, and shows it masked", async () => {
    const { id } = await saveCampaign(basic("https://crm:s3cr%40t@api.example.com/users/{{user.id}}"));
    const action = await storedAction(id);
    expect(action.urlTemplate).toBe("https://crm@api.example.com/users/{{user.id}}");
    expect(action.urlPasswordEnc).toBeTruthy();
    expect(action.urlPasswordEnc).not.toContain("s3cr");
    expect(decryptSecret(action.urlPasswordEnc!)).toBe("s3cr%40t");

    const shown = await getCampaignDraft(id, "admin");
    expect(shown?.actions?.[0].url).toBe(`https://crm:${SECRET_MASK}@api.example.com/users/{{user.id}}`);
    expect(JSON.stringify(shown)).not.toContain("s3cr");

    expect(loadWebhookTemplate(action).url).toBe("https://crm:s3cr%40t@api.example.com/users/{{user.id}}");
  });

  it.each([
    ["a templated scheme", "{{campaign.name}}://bob:s3cret@crm.example.com/x", "{{campaign.name}}://bob@crm.example.com/x"],
    ["a templated scheme with literal text", "{{campaign.name}}s://bob:s3cret@crm.example.com/x", "{{campaign.name}}s://bob@crm.example.com/x"],
    ["a URL inside {{#if}}", "{{#if user.email}}https://bob:s3cret@crm.example.com/x{{/if}}", "{{#if user.email}}https://bob@crm.example.com/x{{/if}}"],
  ])("refuses the password of %s at the URL (its origin is not fixed), and one stored before the rule is never sent", async (_, url, stored) => {
    const before = await db().action.count();
    await expect(saveCampaign(draft({ name: "http", actions: [{ url }] }))).rejects.toMatchObject({ fieldErrors: { "actions.0.url": expect.stringMatching(/kept only for a fixed host/) } });
    expect(await db().action.count()).toBe(before);

    // stored apart and encrypted, as a save before the rule stored it: the request is refused, not sent without its password
    const { id } = await saveCampaign(basic("https://crm.example.com/x"));
    const row = await storedAction(id);
    await db().action.update({ where: { id: row.id }, data: { urlTemplate: stored, urlPasswordEnc: encryptSecret("s3cret") } });
    const shown = await getCampaignDraft(id, "admin");
    expect(JSON.stringify(shown)).not.toContain("s3cret");
    expect(shown?.actions?.[0].url).toContain(`bob:${SECRET_MASK}@crm.example.com`);
    const sent = renderWebhookRequest(loadWebhookTemplate(await storedAction(id)), sampleContext, { webhookId: "msg_1", timestamp: new Date("2026-11-26T12:00:00Z") });
    expect(sent.ok).toBe(false);
    expect(!sent.ok && sent.errors).toEqual([{ field: "url", message: expect.stringMatching(/kept only for a fixed host/) }]);
  });

  it("a password saved in a templated-scheme URL before it was split shows masked, and a save that cannot keep it says so", async () => {
    const { id } = await saveCampaign(basic("https://crm.example.com/x"));
    const row = await storedAction(id);
    await db().action.update({ where: { id: row.id }, data: { urlTemplate: "{{campaign.name}}s://bob:s3cret@crm.example.com/x" } });
    const shown = (await getCampaignDraft(id, "admin"))!;
    expect(shown.actions?.[0].url).toBe(`{{campaign.name}}s://bob:${SECRET_MASK}@crm.example.com/x`);
    const { notices } = await saveCampaign(draft(shown));
    const after = await storedAction(id);
    // the name goes with the password it stood beside: alone it would be a credential (url-password.ts)
    expect(after.urlTemplate).toBe("{{campaign.name}}s://crm.example.com/x");
    expect(after.urlPasswordEnc).toBeNull();
    expect(notices["actions.0.url"]).toMatch(/scheme or host is templated, so the saved password was cleared/);
  });

  it("keeps the stored password when the masked URL is saved again at the same host and path", async () => {
    const { id } = await saveCampaign(basic("https://crm:pw1@api.example.com/a?x={{user.id}}"));
    const shown = (await getCampaignDraft(id, "admin"))!;
    const edited = { ...shown, actions: shown.actions!.map((a) => ({ ...a, url: a.url.replace("{{user.id}}", "{{user.id}}&y=1") })) };
    const { notices } = await saveCampaign(draft(edited));
    const action = await storedAction(id);
    expect(notices).toEqual({});
    expect(action.urlTemplate).toBe("https://crm@api.example.com/a?x={{user.id}}&y=1");
    expect(loadWebhookTemplate(action).url).toBe("https://crm:pw1@api.example.com/a?x={{user.id}}&y=1");
  });

  it("clears the stored password when the URL is edited to another host", async () => {
    const { id } = await saveCampaign(basic("https://crm:pw1@api.example.com/a"));
    const shown = (await getCampaignDraft(id, "admin"))!;
    const moved = { ...shown, actions: shown.actions!.map((a) => ({ ...a, url: a.url.replace("api.example.com", "evil.example.net") })) };
    const { notices } = await saveCampaign(draft(moved));
    const action = await storedAction(id);
    expect(action.urlPasswordEnc).toBeNull();
    // and the user name beside it: alone, "crm@" would be sent as a credential (Basic crm:) to the other host
    expect(action.urlTemplate).toBe("https://evil.example.net/a");
    expect(loadWebhookTemplate(action).url).toBe("https://evil.example.net/a");
    expect(notices["actions.0.url"]).toMatch(/password was cleared/);
  });

  it("replaces the password when a new one is typed, and removes it when the credentials are deleted", async () => {
    const { id } = await saveCampaign(basic("https://crm:old@api.example.com/a"));
    // saved twice from what the page showed: without its version, as the page would hold the fresh one
    const { version: _version, ...shown } = (await getCampaignDraft(id, "admin"))!;
    await saveCampaign(draft({ ...shown, actions: [{ ...shown.actions![0], url: "https://crm:new@api.example.com/a" }] }));
    expect(loadWebhookTemplate(await storedAction(id)).url).toBe("https://crm:new@api.example.com/a");
    await saveCampaign(draft({ ...shown, actions: [{ ...shown.actions![0], url: "https://api.example.com/a" }] }));
    const action = await storedAction(id);
    expect(action.urlPasswordEnc).toBeNull();
    expect(action.urlTemplate).toBe("https://api.example.com/a");
  });

  it("encrypts secret header values and shows them masked; the mask keeps the stored value", async () => {
    const { id } = await saveCampaign(
      basic("https://api.example.com/a", { headers: [{ name: "X-Api-Key", value: "key-123", secret: true }, { name: "X-Team", value: "growth" }] }),
    );
    const action = await storedAction(id);
    expect(JSON.stringify(action.headers)).not.toContain("key-123");
    const shown = (await getCampaignDraft(id, "admin"))!;
    expect(shown.actions![0].headers).toEqual([
      { name: "X-Api-Key", value: SECRET_MASK, secret: true },
      { name: "X-Team", value: "growth", secret: false },
    ]);
    await saveCampaign(draft(shown));
    expect(loadWebhookTemplate(await storedAction(id)).headers[0]).toEqual({ name: "X-Api-Key", value: "key-123", secret: true });
  });

  it("round-trips every field of the action and lists the campaign", async () => {
    const input = draft({
      name: "Order follow-up",
      description: "After checkout",
      actions: [
        {
          name: "Notify CRM",
          method: "PUT",
          url: "https://api.example.com/u/{{user.id}}",
          contentType: "application/x-www-form-urlencoded",
          fields: [
            { key: "n", value: "{{userAttribute.count}}", type: "number" },
            { key: "address.city", value: "{{userAttribute.city}}", type: "text" },
          ],
          timeoutSeconds: 3,
        },
      ],
    });
    const { id } = await saveCampaign(input);
    const shown = (await getCampaignDraft(id, "admin"))!;
    expect(campaignDraftSchema.parse(shown)).toEqual({ ...input, id, version: 1, actions: [{ ...input.actions[0], id: shown.actions![0].id }] });
    const listed = (await listCampaigns()).campaigns.find((c) => c.id === id);
    expect(listed).toMatchObject({ name: "Order follow-up", status: "draft", actionCount: 1 });
    const campaign = await db().campaign.findUniqueOrThrow({ where: { id } });
    expect(campaign.deliveryRule).toEqual({ when: "immediate" });
  });
});

describe("duplicate, delete", () => {
  it("refuses a signing secret for a webhook whose host is a template, and drops one when the host becomes a template", async () => {
    const { id } = await saveCampaign(basic("https://{{user.crm}}/hook"));
    await expect(rotateSigningSecret(id, (await storedAction(id)).id)).rejects.toThrow(/host is a template cannot be signed/);
    expect((await storedAction(id)).signingSecretEnc).toBeNull();

    const fixed = await saveCampaign(basic("https://api.example.com/hook"));
    const action = await storedAction(fixed.id);
    await rotateSigningSecret(fixed.id, action.id);
    await saveCampaign({ ...basic("https://{{user.crm}}/hook"), id: fixed.id, actions: [{ ...basic("https://{{user.crm}}/hook").actions[0]!, id: action.id }] });
    expect((await storedAction(fixed.id)).signingSecretEnc).toBeNull();
  });

  it("duplicates a campaign with its actions; an admin's copy keeps the stored secrets", async () => {
    const { id } = await saveCampaign(basic("https://crm:pw@api.example.com/a", { headers: [{ name: "X-Key", value: "k", secret: true }] }));
    const signed = await rotateSigningSecret(id, (await storedAction(id)).id);
    const copyId = (await duplicateCampaign(id, { role: "admin" }))!;
    const copy = (await getCampaignDraft(copyId, "admin"))!;
    expect(copy.name).toBe("Welcome (copy)");
    expect(copy.status).toBe("draft");
    const copied = await storedAction(copyId);
    expect(copied.id).not.toBe((await storedAction(id)).id);
    expect(loadWebhookTemplate(copied)).toMatchObject({
      url: "https://crm:pw@api.example.com/a",
      headers: [{ name: "X-Key", value: "k", secret: true }],
      signingSecrets: [signed!.secret],
    });
  });

  // the frequency cap is an admin's setting: an editor's copy would be an exempt campaign they made
  it("a copy keeps the cap exemption only when an admin copies", async () => {
    const { id } = await saveCampaign(basic("https://api.example.com/a"));
    await db().campaign.update({ where: { id }, data: { capExempt: true } });
    const exemptOf = async (copyId: string | null) => (await db().campaign.findUniqueOrThrow({ where: { id: copyId! }, select: { capExempt: true } })).capExempt;
    expect(await exemptOf(await duplicateCampaign(id, { role: "admin" }))).toBe(true);
    expect(await exemptOf(await duplicateCampaign(id, { role: "owner" }))).toBe(true);
    expect(await exemptOf(await duplicateCampaign(id, { role: "editor" }))).toBe(false);
    expect(await exemptOf(await duplicateCampaign(id))).toBe(false);
  });

  it("an editor's copy of a campaign or an action carries no secret: the secret header shows empty, to be typed again", async () => {
    const { id } = await saveCampaign(basic("https://crm:pw@api.example.com/a", { headers: [{ name: "X-Key", value: "k", secret: true }, { name: "X-Team", value: "growth" }] }));
    const originalId = (await storedAction(id)).id;
    await rotateSigningSecret(id, originalId);
    const copyId = (await duplicateCampaign(id, { role: "editor" }))!;
    const copied = await storedAction(copyId);
    // the user name goes with the password: alone it would be a credential (url-password.ts withoutUrlSecret)
    expect(loadWebhookTemplate(copied)).toMatchObject({
      url: "https://api.example.com/a",
      headers: [{ name: "X-Key", value: "", secret: true }, { name: "X-Team", value: "growth" }],
      signingSecrets: undefined,
    });
    expect(copied.urlPasswordEnc).toBeNull();
    expect((await getCampaignDraft(copyId, "admin"))!.actions[0]).toMatchObject({ url: "https://api.example.com/a", headers: [{ name: "X-Key", value: "", secret: true }, { name: "X-Team", value: "growth", secret: false }] });
    // Saving that copy as shown keeps the header empty (no mask, nothing to keep).
    await saveCampaign(draft((await getCampaignDraft(copyId, "admin"))!));
    expect(loadWebhookTemplate(await storedAction(copyId)).headers[0]).toEqual({ name: "X-Key", value: "", secret: true });

    // The same for one action copied inside its campaign: no secret unless an admin copies it.
    const byEditor = await db().action.findUniqueOrThrow({ where: { id: (await duplicateAction(originalId, { role: "editor" }))! } });
    expect(loadWebhookTemplate(byEditor)).toMatchObject({ url: "https://api.example.com/a", headers: [{ value: "" }, {}], signingSecrets: undefined });
    const byAdmin = await db().action.findUniqueOrThrow({ where: { id: (await duplicateAction(originalId, { role: "admin" }))! } });
    expect(loadWebhookTemplate(byAdmin)).toMatchObject({ url: "https://crm:pw@api.example.com/a", headers: [{ value: "k" }, {}] });
    expect(loadWebhookTemplate(byAdmin).signingSecrets).toHaveLength(1);
  });

  it("a duplicated action not saved yet reuses the original's password only for an admin, at the same origin", async () => {
    const { id } = await saveCampaign(basic("https://crm:pw@api.example.com/a"));
    // saved twice from what the page showed, each judged on its own: no version (last write wins)
    const { version: _version, ...shown } = (await getCampaignDraft(id, "admin"))!;
    const original = shown.actions![0];
    const copy = { ...original, id: undefined, copiedFrom: original.id, name: "Copy" };
    const elsewhere = { ...copy, url: copy.url.replace("api.example.com", "other.example.com") };
    const asAdmin = await saveCampaign(draft({ ...shown, actions: [original, copy, elsewhere] }), { role: "admin" });
    expect(asAdmin.notices).toEqual({ "actions.2.url": expect.stringMatching(/host changed.*password was cleared/) });
    const actions = await db().action.findMany({ where: { campaignId: id }, orderBy: { position: "asc" } });
    expect(actions.map((a) => loadWebhookTemplate(a).url)).toEqual([
      "https://crm:pw@api.example.com/a",
      "https://crm:pw@api.example.com/a",
      "https://other.example.com/a",
    ]);

    const asEditor = await saveCampaign(draft({ ...shown, actions: [original, { ...copy, name: "Editor's copy" }] }), { role: "editor" });
    expect(asEditor.notices).toEqual({ "actions.1.url": expect.stringMatching(/admin.*password was cleared/) });
    const editorsCopy = await db().action.findFirstOrThrow({ where: { campaignId: id, name: "Editor's copy" } });
    expect(loadWebhookTemplate(editorsCopy).url).toBe("https://api.example.com/a");
  });

  it("deletes an action (audited, and refused once it has deliveries), then the campaign", async () => {
    const { id } = await saveCampaign(basic("https://api.example.com/a"));
    const action = await storedAction(id);
    await db().user.upsert({ where: { id: "del-step-user" }, create: { id: "del-step-user", attributes: {} }, update: {} });
    const delivery = await db().delivery.create({
      data: { webhookId: "msg_del_step", campaignId: id, actionId: action.id, userId: "del-step-user", triggerKey: "activation", plannedAt: new Date(), dueAt: new Date(), state: "delivered" },
    });
    await expect(deleteAction(id, action.id, "editor@example.com")).rejects.toThrow(StepInUseError);
    expect(await db().delivery.count({ where: { id: delivery.id } })).toBe(1);
    await db().delivery.delete({ where: { id: delivery.id } });
    await deleteAction(id, action.id, "editor@example.com");
    await expect(deleteAction(id, action.id, "editor@example.com")).rejects.toThrow(/not in this campaign/);
    expect(await db().auditLog.findFirst({ where: { action: "campaign.action_deleted", target: id } })).toMatchObject({ actor: "editor@example.com" });
    expect((await getCampaignDraft(id, "admin"))!.actions).toEqual([]);
    expect(await deleteCampaign(id, "ann@example.com")).toBe(true);
    expect(await getCampaignDraft(id, "admin")).toBeNull();
    expect(await deleteCampaign(id, "ann@example.com")).toBe(false);
  });
});

describe("validation", () => {
  const errorsOf = (input: CampaignDraftInput) => {
    const r = campaignDraftSchema.safeParse(input);
    return r.success ? {} : fieldErrorsOf(r.error);
  };
  const action = { url: "https://api.example.com/x" };

  it("refuses a URL template over 2,048 characters", () => {
    expect(errorsOf({ name: "x", actions: [{ url: "https://a.example.com/" + "a".repeat(2048) }] })["actions.0.url"]).toMatch(/2,048/);
    expect(errorsOf({ name: "x", actions: [{ url: "https://a.example.com/" + "a".repeat(2000) }] })).toEqual({});
  });

  it("refuses U+0000 at the field that holds it (PostgreSQL cannot store it)", () => {
    const input = { name: "x", actions: [{ ...action, fields: [{ key: "k", value: "a\u0000b" }] }] };
    expect(errorsOf(input)).toEqual({ "actions.0.fields.0.value": expect.stringMatching(/NUL/) });
    expect(errorsOf({ name: "x\u0000", actions: [action] })).toEqual({ name: expect.stringMatching(/NUL/) });
  });

  it("refuses half of a surrogate pair at the field that holds it (PostgreSQL's jsonb refuses \\ud800), not a whole pair", () => {
    const withValue = (value: string) => ({ name: "x", actions: [{ ...action, fields: [{ key: "k", value }] }] });
    expect(errorsOf(withValue("a\ud800"))).toEqual({ "actions.0.fields.0.value": expect.stringMatching(/surrogate/) });
    expect(errorsOf(withValue("\udc00b"))).toEqual({ "actions.0.fields.0.value": expect.stringMatching(/surrogate/) });
    expect(errorsOf({ name: "x\udbff", actions: [action] })).toEqual({ name: expect.stringMatching(/surrogate/) });
    expect(errorsOf(withValue("a\u{1F600}b"))).toEqual({});
  });

  it("refuses a literal URL password that cannot be split out, at the webhook's or the variant's URL, and saveCampaign refuses it too", async () => {
    const stray = "{{{user.base}}}bob:s3cret@crm.example.com/x";
    expect(errorsOf({ name: "x", actions: [{ url: stray }] })["actions.0.url"]).toMatch(/Write the password right after the scheme/);
    const withVariant = { name: "x", actions: [{ url: "https://a.example.com/x", variants: [{ url: `{{#if user.id}}https://a.example.com{{else}}https://bob:s3cret@b.example.com{{/if}}` }] }] };
    expect(errorsOf(withVariant)["actions.0.variants.0.url"]).toMatch(/Write the password right after the scheme/);
    // a caller that skips the schema does not get it stored either
    const parsed = draft({ name: "x", actions: [{ url: "https://a.example.com/x" }] });
    await expect(saveCampaign({ ...parsed, actions: [{ ...parsed.actions[0], url: stray }] })).rejects.toThrow(/Write the password/);
    expect(await db().action.count({ where: { urlTemplate: { contains: "s3cret" } } })).toBe(0);
  });

  it("refuses a URL that is not http(s)", () => {
    expect(errorsOf({ name: "x", actions: [{ url: "ftp://a.example.com/" }] })["actions.0.url"]).toMatch(/https:\/\//);
  });

  it("refuses more than 100 fields and values over 16 KiB", () => {
    const fields = Array.from({ length: 101 }, (_, i) => ({ key: `k${i}`, value: "v" }));
    expect(errorsOf({ name: "x", actions: [{ ...action, fields }] })["actions.0.fields"]).toMatch(/100/);
    expect(errorsOf({ name: "x", actions: [{ ...action, fields: fields.slice(0, 100) }] })).toEqual({});
    const big = { key: "big", value: "é".repeat(8 * 1024 + 1) };
    expect(errorsOf({ name: "x", actions: [{ ...action, fields: [big] }] })["actions.0.fields.0.value"]).toMatch(/16 KiB/);
  });

  it("refuses duplicate keys and duplicate or reserved headers", () => {
    const errors = errorsOf({
      name: "x",
      actions: [
        {
          url: "https://u:p@api.example.com/x",
          fields: [
            { key: "a", value: "1" },
            { key: "a", value: "2" },
          ],
          headers: [
            { name: "Host", value: "x" },
            { name: "Content-Length", value: "1" },
            { name: "content-type", value: "text/plain" },
            { name: "Authorization", value: "Bearer x" },
            { name: "X-A", value: "1" },
            { name: "x-a", value: "2" },
          ],
        },
      ],
    });
    expect(errors["actions.0.fields.1.key"]).toMatch(/Duplicate key "a"/);
    expect(errors["actions.0.headers.0.name"]).toMatch(/set by Hookline/);
    expect(errors["actions.0.headers.1.name"]).toMatch(/set by Hookline/);
    expect(errors["actions.0.headers.2.name"]).toMatch(/set by Hookline/);
    expect(errors["actions.0.headers.3.name"]).toMatch(/credentials in the URL/);
    expect(errors["actions.0.headers.5.name"]).toMatch(/Duplicate header/);
    // Without URL credentials an Authorization header is the marketer's own.
    expect(errorsOf({ name: "x", actions: [{ ...action, headers: [{ name: "Authorization", value: "Bearer x" }] }] })).toEqual({});
  });

  it("refuses headers that would tell the receiver another place than the URL (X-Original-URL, Forwarded, …)", () => {
    const errors = errorsOf({ name: "x", actions: [{ ...action, headers: [{ name: "X-Original-URL", value: "/admin" }, { name: "forwarded", value: "host=evil.example" }] }] });
    expect(errors["actions.0.headers.0.name"]).toMatch(/only the URL chooses/);
    expect(errors["actions.0.headers.1.name"]).toMatch(/only the URL chooses/);
  });

  it("requires a campaign name", () => {
    expect(errorsOf({ name: "  " }).name).toMatch(/name/);
  });
});

describe("template syntax", () => {
  it("names the field, line and column of a template that cannot compile", async () => {
    const { templateSyntaxErrors } = await import("./template-check");
    const errors = templateSyntaxErrors(
      draft({ name: "x", actions: [{ url: "https://a.example.com/{{user.id}}", fields: [{ key: "a", value: "ok" }, { key: "b", value: "{{#if user.plan}}" }] }] }),
    );
    expect(Object.keys(errors)).toEqual(["actions.0.fields.1.value"]);
    expect(errors["actions.0.fields.1.value"]).toMatch(/line \d+, column \d+/);
  });

  // a template too complex to compile cheaply is not saved, so the delivery engine never compiles it
  it("refuses a webhook (or a variant) whose templates are too complex, at the field that passes the limit, and writes nothing", async () => {
    const { TemplateSyntaxError, templateSyntaxErrors } = await import("./template-check");
    const chained = "{{upper " + "(lower ".repeat(20) + "user.a" + ")".repeat(20) + "}}"; // 22 expressions
    const fields = Array.from({ length: 10 }, (_, k) => ({ key: `f${k}`, value: chained.repeat(5) + k })); // 110 a field
    const url = "https://a.example.com/{{user.id}}";
    const errors = templateSyntaxErrors(draft({ name: "x", actions: [{ url, fields }, { url, fields: fields.slice(0, 2), splitPercent: 50, variants: [{ url, fields, splitPercent: 50 }] }] }));
    expect(errors).toEqual({
      "actions.0.fields.9.value": expect.stringMatching(/^Template too complex: the webhook's templates hold more than 1,000 expressions in all, with this field \(at most 1,000 per webhook/),
      "actions.1.variants.0.fields.9.value": expect.stringMatching(/^Template too complex/),
    });
    expect(templateSyntaxErrors(draft({ name: "x", actions: [{ url, fields: [{ key: "a", value: "{{a}}".repeat(501) }] }] }))).toEqual({
      "actions.0.fields.0.value": expect.stringMatching(/^Template too complex: more than 500 expressions in this field \(at most 500;.*\(line 1, column 2501\)$/),
    });
    const before = await db().campaign.count();
    const err = await saveCampaign(draft({ name: "Too complex", actions: [{ url, fields }] })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TemplateSyntaxError);
    expect(Object.keys((err as InstanceType<typeof TemplateSyntaxError>).fieldErrors)).toEqual(["actions.0.fields.9.value"]);
    expect(await db().campaign.count()).toBe(before);
    await expect(saveCampaign(draft({ name: "Just within", actions: [{ url, fields: fields.slice(0, 9) }] }))).resolves.toMatchObject({ id: expect.any(String) });
  });
});

describe("an action id the campaign does not hold", () => {
  it("is refused naming its field (another campaign's webhook, one deleted, a new campaign naming one), and nothing is saved", async () => {
    const { id: mine } = await saveCampaign(basic("https://a.example.com/hook"));
    const { id: other } = await saveCampaign(basic("https://b.example.com/hook"));
    const [own, theirs] = [await storedAction(mine), await storedAction(other)];
    const before = JSON.stringify([await db().campaign.findMany({ orderBy: { id: "asc" } }), await db().action.findMany({ orderBy: { id: "asc" } })]);
    const refusals: [CampaignDraftInput, string][] = [
      [{ id: mine, name: "Renamed", actions: [{ id: own.id, url: "https://a.example.com/hook" }, { id: theirs.id, url: "https://c.example.com/hook" }] }, "actions.1.id"],
      [{ id: mine, name: "Renamed", actions: [{ id: "deleted-in-another-tab", url: "https://a.example.com/hook" }] }, "actions.0.id"],
      [{ name: "New", actions: [{ id: theirs.id, copiedFrom: theirs.id, url: "https://b.example.com/hook" }] }, "actions.0.id"],
    ];
    for (const [input, field] of refusals) {
      const err = await saveCampaign(draft(input)).then(
        () => null,
        (e: unknown) => e as Error & { field?: string },
      );
      expect(err?.message, field).toMatch(/not in this campaign/);
      expect(err?.field, field).toBe(field);
    }
    expect(JSON.stringify([await db().campaign.findMany({ orderBy: { id: "asc" } }), await db().action.findMany({ orderBy: { id: "asc" } })])).toBe(before);
    // its own webhook by id, and a new one without: saved
    const saved = await saveCampaign(draft({ id: mine, name: "Renamed", actions: [{ id: own.id, url: "https://a.example.com/hook" }, { url: "https://c.example.com/hook" }] }));
    expect(saved.actionIds[0]).toBe(own.id);
    expect(await db().action.count({ where: { campaignId: mine } })).toBe(2);
  });
});

describe("signing secrets", () => {
  it("generates a whsec_ secret shown once, rotates with 24 h overlap, and removes it", async () => {
    const { rotateSigningSecret, removeSigningSecret } = await import("./signing-secrets");
    const { id } = await saveCampaign(basic("https://api.example.com/a"));
    const action = await storedAction(id);
    const t0 = new Date("2030-01-01T00:00:00Z");
    const first = (await rotateSigningSecret(id, action.id, { now: t0 }))!;
    expect(first.secret).toMatch(/^whsec_/);
    expect(first.state).toEqual({ enabled: true, previousValidUntil: null });
    const stored = await storedAction(id);
    expect(stored.signingSecretEnc).not.toContain(first.secret.slice(6));
    expect(loadWebhookTemplate(stored, t0).signingSecrets).toEqual([first.secret]);

    const second = (await rotateSigningSecret(id, action.id, { now: t0 }))!;
    expect(second.state.previousValidUntil).toBe("2030-01-02T00:00:00.000Z");
    const rotated = await storedAction(id);
    expect(loadWebhookTemplate(rotated, t0).signingSecrets).toEqual([second.secret, first.secret]);
    expect(loadWebhookTemplate(rotated, new Date("2030-01-02T00:00:01Z")).signingSecrets).toEqual([second.secret]);
    // The editor never sees a secret.
    expect(JSON.stringify(await getCampaignDraft(id, "admin"))).not.toContain("whsec_");

    await expect(removeSigningSecret("other-campaign", action.id)).rejects.toThrow(/not in this campaign/);
    expect(loadWebhookTemplate(await storedAction(id)).signingSecrets).toBeDefined();
    await removeSigningSecret(id, action.id);
    expect(loadWebhookTemplate(await storedAction(id)).signingSecrets).toBeUndefined();
    await expect(rotateSigningSecret("other-campaign", action.id)).rejects.toThrow(/not in this campaign/);
  });
});
