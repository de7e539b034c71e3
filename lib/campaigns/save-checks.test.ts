// What a save refuses that would otherwise be lost or fail later: two webhooks (or variants) with one id
// (the save merged them into one, silently), and a URL whose written-out host or port no request can
// reach (saved, then refused at every preview and at Activate as "not an absolute URL ... {{{triple braces}}}").
import { describe, expect, it } from "vitest";
import { getCampaignDraft, saveCampaign } from "./campaigns";
import { campaignDraftSchema, campaignJsonSchema, fieldErrorsOf, variantDraftSchema, type CampaignDraftInput } from "./schemas";
import { templateInputSchema } from "./destination-template-schemas";
import { urlAuthorityProblem } from "../webhooks/url-authority";
import { renderWebhookRequest } from "../webhooks/render-request";
import type { TemplateContext, WebhookTemplate } from "../webhooks/types";

const errorsOf = (input: CampaignDraftInput) => {
  const parsed = campaignDraftSchema.safeParse(input);
  return parsed.success ? {} : fieldErrorsOf(parsed.error);
};

describe("two webhooks with one id", () => {
  it("are refused at the second one's id, in both schemas (the editor's and the API's)", async () => {
    const saved = await saveCampaign(campaignDraftSchema.parse({ name: "Dupes", actions: [{ name: "one", url: "https://a.example.com/x" }] }));
    const [x] = saved.actionIds;
    const input = { id: saved.id, name: "Dupes", actions: [{ id: x, name: "one", url: "https://a.example.com/1" }, { id: x, name: "two", url: "https://a.example.com/2" }] };
    expect(errorsOf(input)).toEqual({ "actions.1.id": `Two webhooks have the id ${x}` });
    const json = campaignJsonSchema.safeParse(input);
    expect(json.success).toBe(false);
    expect(fieldErrorsOf(json.error!)).toEqual({ "actions.1.id": `Two webhooks have the id ${x}` });
    // nothing was merged: the stored webhook is still "one"
    expect((await getCampaignDraft(saved.id, "owner"))!.actions.map((a) => a.name)).toEqual(["one"]);
  });

  it("variants with one id, or a variant with its webhook's id, are refused at the later one", () => {
    const action = (variants: { id?: string }[], id?: string) => ({ id, name: "w", url: "https://a.example.com/a", splitPercent: 50, variants: variants.map((v) => ({ ...v, url: "https://a.example.com/b", splitPercent: 50 / variants.length })) });
    expect(errorsOf({ name: "c", actions: [{ ...action([{ id: "v1" }, { id: "v1" }]), splitPercent: 50 }] })).toEqual({ "actions.0.variants.1.id": "Two variants have the id v1" });
    expect(errorsOf({ name: "c", actions: [action([{ id: "a1" }], "a1")] })).toEqual({ "actions.0.variants.0.id": "A webhook and a variant have the id a1" });
    expect(errorsOf({ name: "c", actions: [action([{ id: "v1" }], "a1"), action([{ id: "v1" }], "a2")] })).toEqual({ "actions.1.variants.0.id": "Two variants have the id v1" });
    // no ids (new webhooks), distinct ids: fine
    expect(errorsOf({ name: "c", actions: [action([{}, {}]), action([{}]), action([{ id: "v2" }], "a3")] })).toEqual({});
  });
});

describe("a URL's written-out host and port", () => {
  it.each([
    ["http://exa mple.com/x", "URL: the host `exa mple.com` is not valid (spaces are not allowed)"],
    ["http://[::1/x", "URL: `[::1` is not a valid IPv6 address"],
    ["http://[::g]/x", "URL: `[::g]` is not a valid IPv6 address"],
    ["http://a.example:99999/x", "URL: port 99999 is out of range (1-65535)"],
    ["https://a.example:0/x", "URL: port 0 is out of range (1-65535)"],
    ["https://a.example:80a/x", "URL: the port `80a` is not a number"],
    ["https://a<b.example/x", "URL: the host `a<b.example` is not valid (`<` is not allowed)"],
    ["https://999.1.1.1/x", "URL: `999.1.1.1` is not a valid IPv4 address"],
    ["https://user:pw@exa mple.com/{{user.id}}", "URL: the host `exa mple.com` is not valid (spaces are not allowed)"],
    ["https://:443/x", "URL: enter the host after https://"],
  ])("%s: %s", (url, message) => {
    expect(urlAuthorityProblem(url)).toBe(message);
    expect(errorsOf({ name: "c", actions: [{ name: "w", url }] })).toEqual({ "actions.0.url": message });
  });

  it.each([
    "https://a.example.com/{{user.id}}?q={{user.email}}",
    "https://a.example.com:8443/x",
    "http://[::1]:8080/x",
    "https://{{user.host}}/x",
    "https://api{{campaign.env}}.example.com/x",
    "http://receiver:{{user.port}}/x",
    "{{{user.url}}}",
    "https://name:p w@a.example.com/x",
    "https://xn--bcher-kva.example/x",
    "https://bücher.example/x",
  ])("%s is saved: valid, or its host or port is a template's", (url) => {
    expect(urlAuthorityProblem(url)).toBeNull();
  });

  it("is checked for variants and destination templates by the same rule", () => {
    expect(fieldErrorsOf(variantDraftSchema.safeParse({ url: "http://a.example:99999/x", splitPercent: 50 }).error!)).toEqual({ url: "URL: port 99999 is out of range (1-65535)" });
    expect(errorsOf({ name: "c", actions: [{ name: "w", url: "https://a.example.com", splitPercent: 50, variants: [{ url: "http://exa mple.com/x", splitPercent: 50 }] }] })).toEqual({
      "actions.0.variants.0.url": "URL: the host `exa mple.com` is not valid (spaces are not allowed)",
    });
    expect(fieldErrorsOf(templateInputSchema.safeParse({ name: "T", webhook: { url: "http://[::1/x" } }).error!)).toEqual({ "webhook.url": "URL: `[::1` is not a valid IPv6 address" });
  });

  it("saved before this rule, it is named at render without the triple-braces hint; a templated host keeps the hint", () => {
    const context: TemplateContext = { user: { id: "u-1", email: "m@example.com", attributes: { url: "not a url" } }, event: null, campaign: { id: "c1", name: "C" }, action: { id: "a1" }, now: new Date() };
    const template = (url: string): WebhookTemplate => ({ method: "POST", url, contentType: "application/json", fields: [], headers: [] });
    const urlError = (url: string) => {
      const rendered = renderWebhookRequest(template(url), context, { webhookId: "a1", timestamp: new Date() });
      return rendered.ok ? undefined : rendered.errors.find((e) => e.field === "url")?.message;
    };
    // the field label says "URL" (describeProblem): the message does not say it again
    expect(urlError("http://a.example:99999/x")).toBe("port 99999 is out of range (1-65535)");
    expect(urlError("http://exa mple.com/{{user.id}}")).toBe("the host `exa mple.com` is not valid (spaces are not allowed)");
    expect(urlError("{{user.url}}")).toMatch(/triple braces/);
  });
});
