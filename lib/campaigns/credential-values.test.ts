// A credential can hide in a value whose name says nothing: a Slack hook's URL in "slack_url", a URL with a
// password in "callback". The value rule of lib/webhooks/credential-parts.ts masks it wherever the name
// rule masks a secret-named one: a viewer's read, a saved template, the delivery log and test sends, and
// the audit diff, which also masks the URL's and fields' credential parts a viewer's read masks.
import { describe, expect, it } from "vitest";
import { db } from "../db";
import { renderWebhookRequest } from "../webhooks/render-request";
import { maskRequest, maskStoredRequest } from "../webhooks/mask";
import { maskedRequest } from "../delivery/store/attempt-record";
import { getCampaignDraft, saveCampaign } from "./campaigns";
import { saveDestinationTemplate } from "./destination-templates";
import { templateInputSchema } from "./destination-template-schemas";
import { SECRET_MASK as M } from "./limits";
import { campaignDraftSchema } from "./schemas";

const SLACK = "https://hooks.slack.com/services/T0/B0/SLACKSECRET";
const BASIC = "https://bob:hunter2@example.com/cb";
const SECRETS = /SLACKSECRET|hunter2/;

const webhook = {
  name: "Notify",
  url: "https://api.example.com/notify",
  fields: [
    { key: "slack_url", value: SLACK, type: "text" as const },
    { key: "callback", value: BASIC, type: "text" as const },
    { key: "payload", value: JSON.stringify({ links: [SLACK], city: "Paris" }), type: "json" as const },
  ],
  headers: [{ name: "X-Callback", value: BASIC, secret: false }],
};

describe("a secret URL under an ordinary name", () => {
  it("a viewer's read shows it masked; an editor's shows what was typed", async () => {
    const { id } = await saveCampaign(campaignDraftSchema.parse({ name: "Values", actions: [webhook] }), { role: "admin" });
    const viewer = (await getCampaignDraft(id, "viewer"))!.actions[0]!;
    expect(JSON.stringify(viewer)).not.toMatch(SECRETS);
    expect(viewer.fields!.map((f) => f.value)).toEqual([`https://hooks.slack.com/services/${M}`, `https://bob:${M}@example.com/cb`, JSON.stringify({ links: [`https://hooks.slack.com/services/${M}`], city: "Paris" })]);
    expect(viewer.headers!.find((h) => h.name === "X-Callback")!.value).toBe(`https://bob:${M}@example.com/cb`);
    const editor = (await getCampaignDraft(id, "editor"))!.actions[0]!;
    expect(editor.fields!.map((f) => f.value)).toEqual(webhook.fields.map((f) => f.value));
    expect(editor.headers!.find((h) => h.name === "X-Callback")!.value).toBe(BASIC);
  });

  it("a saved template keeps neither", async () => {
    const { template, cleared } = await saveDestinationTemplate(templateInputSchema.parse({ name: "Values template", webhook }), "ed@example.com");
    expect(template.webhook.fields.map((f) => f.value)).toEqual(["https://hooks.slack.com/services/{{slack_webhook_path}}", "https://bob@example.com/cb", JSON.stringify({ links: ["https://hooks.slack.com/services/{{slack_webhook_path}}"], city: "Paris" })]);
    expect(cleared).toContain('a credential in a URL in the data field "slack_url"');
    expect(JSON.stringify(await db().destinationTemplate.findMany())).not.toMatch(SECRETS);
  });

  it("the delivery log and a test send show it masked in the body and the headers", () => {
    const rendered = renderWebhookRequest(
      { method: "POST", url: "https://api.example.com/notify", contentType: "application/json", fields: webhook.fields, headers: webhook.headers, signingSecrets: [] },
      { user: { id: "u1", email: null, attributes: {} }, now: new Date() } as never,
      { webhookId: "msg_1", timestamp: new Date() },
    );
    if (!rendered.ok) throw new Error(JSON.stringify(rendered.errors));
    expect(rendered.request.body).toMatch(SECRETS);
    const logged = maskedRequest(rendered.request);
    const tested = maskRequest(rendered.request);
    for (const shown of [logged, tested, maskStoredRequest({ ...rendered.request })]) {
      expect(JSON.stringify({ body: shown.body, headers: "headers" in shown ? shown.headers : [] })).not.toMatch(SECRETS);
    }
    expect(JSON.parse(logged.body!)).toMatchObject({ slack_url: `https://hooks.slack.com/services/${M}`, callback: `https://bob:${M}@example.com/cb` });
    expect(Object.fromEntries(logged.headers)["X-Callback"]).toBe(`https://bob:${M}@example.com/cb`);
  });
});

describe("the audit diff shows what a viewer's read shows", () => {
  it("credential parts of the URL and fields are masked; a change to one alone is 'changed'", async () => {
    const first = {
      name: "Audited",
      actions: [
        {
          name: "Hook",
          url: "https://api.example.com/x?page=1&token=tok-one",
          fields: [
            { key: "api_key", value: "key-one", type: "text" as const },
            { key: "slack_url", value: "https://hooks.slack.com/services/T0/B0/SLACKONE", type: "text" as const },
            { key: "payload", value: JSON.stringify({ auth: { pin: "pin-one" }, city: "Paris" }), type: "json" as const },
          ],
          headers: [{ name: "X-Callback", value: "https://bob:pw-one@example.com/cb", secret: false }],
        },
        { name: "Slack", url: "https://hooks.slack.com/services/T0/B0/HOOKONE" },
      ],
    };
    const created = await saveCampaign(campaignDraftSchema.parse(first), { role: "admin" });
    const shown = (await getCampaignDraft(created.id, "admin"))!;
    const second = campaignDraftSchema.parse({
      ...shown,
      actions: [
        {
          ...shown.actions[0],
          url: "https://api.example.com/x?page=2&token=tok-two",
          fields: [
            { key: "api_key", value: "key-two", type: "text" },
            { key: "slack_url", value: "https://hooks.slack.com/services/T0/B0/SLACKTWO", type: "text" },
            { key: "payload", value: JSON.stringify({ auth: { pin: "pin-two" }, city: "Lyon" }), type: "json" },
          ],
          headers: [{ name: "X-Callback", value: "https://bob:pw-two@example.com/cb", secret: false }],
        },
        { ...shown.actions[1], url: "https://hooks.slack.com/services/T0/B0/HOOKTWO" },
      ],
    });
    const { changes } = await saveCampaign(second, { role: "admin" });
    expect(JSON.stringify(changes)).not.toMatch(/tok-|key-|SLACK|HOOK|pin-|pw-/);
    expect(changes).toEqual([
      { field: "actions[0] (Hook).url", before: `https://api.example.com/x?page=1&token=${M}`, after: `https://api.example.com/x?page=2&token=${M}` },
      { field: "actions[0] (Hook).fields[0].value", secret: "changed" },
      { field: "actions[0] (Hook).fields[1].value", secret: "changed" },
      { field: "actions[0] (Hook).fields[2].value", before: JSON.stringify({ auth: { pin: M }, city: "Paris" }), after: JSON.stringify({ auth: { pin: M }, city: "Lyon" }) },
      { field: "actions[0] (Hook).headers[0].value", secret: "changed" },
      { field: "actions[1] (Slack).url", secret: "changed" },
    ]);
  });
});
