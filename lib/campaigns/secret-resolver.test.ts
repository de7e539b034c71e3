import { describe, expect, it } from "vitest";
import { db } from "../db";
import { encryptSecret } from "../crypto/secret-box";
import { loadWebhookTemplate } from "./action-template";
import { getCampaignDraft, saveCampaign } from "./campaigns";
import { SECRET_MASK } from "./limits";
import { campaignDraftSchema, type CampaignDraftInput } from "./schemas";
import { maskRequest } from "../webhooks/mask";
import { grantSecrets, keepsSigningSecret, lostSecretMessage, resolveSecrets, urlOrigin, type SecretHolder } from "./secret-resolver";
import { previewAction } from "./preview";
import { sampleRequestSchema } from "./preview-input";
import { rotateSigningSecret } from "./signing-secrets";

describe("urlOrigin", () => {
  it.each([
    ["https://API.example.com/a/{{user.id}}?x=1", "https://api.example.com"],
    ["https://api.example.com:443/b", "https://api.example.com"],
    ["http://api.example.com:80/b", "http://api.example.com"],
    ["http://api.example.com:8080/b", "http://api.example.com:8080"],
    [`https://crm:${SECRET_MASK}@api.example.com/b`, "https://api.example.com"],
    ["https://crm@api.example.com", "https://api.example.com"],
    // a browser ends the host at a backslash: this goes to attacker.example, whatever the @ says
    ["https://attacker.example\\@api.example.com/", "https://attacker.example"],
    ["https://api.example.com\t@attacker.example/", "https://attacker.example"],
  ])("%s -> %s", (url, origin) => {
    expect(urlOrigin(url)).toBe(origin);
  });

  it.each([
    "https://{{user.crm}}/x",
    "https://{{{userAttribute.host}}}/x",
    "https://api.example.com{{user.path}}",
    "https://api.example.com:{{user.port}}/x",
    "https://{{user.name}}@api.example.com/x",
    "{{userAttribute.url}}",
    "ftp://api.example.com/x",
    "https:///x",
    "not a url",
  ])("%s has no fixed origin", (url) => {
    expect(urlOrigin(url)).toBeNull();
  });
});

const holder = (over: Partial<SecretHolder> = {}): SecretHolder => ({
  id: "a1",
  campaignId: "c1",
  urlTemplate: "https://crm@api.example.com/hook",
  urlPasswordEnc: encryptSecret("pw"),
  headers: [{ name: "X-Api-Key", value: encryptSecret("key-123"), secret: true }],
  signingSecretEnc: encryptSecret("whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
  previousSigningSecretEnc: null,
  previousSecretExpiresAt: null,
  ...over,
});

const masked = (url: string) => ({ url, headers: [{ name: "X-Api-Key", value: SECRET_MASK, secret: true }] });

describe("grantSecrets + resolveSecrets: a masked secret stays with its own action at its own origin", () => {
  const saved = holder();
  const find = (id: string) => (id === saved.id ? saved : undefined);
  const same = `https://crm:${SECRET_MASK}@api.example.com/hook`;

  it("the same action of the same campaign at the same origin gets its password, headers and signing secret", () => {
    const grant = grantSecrets({ draft: { id: "a1", url: same }, campaignId: "c1", actor: { role: "editor" }, find });
    expect(grant.kind).toBe("own");
    const secrets = resolveSecrets(masked(same), grant);
    expect(secrets).toMatchObject({ password: "pw", headers: [{ value: "key-123", secret: true }], lost: [], reusedStored: true });
    expect(secrets.signingSecrets).toEqual(["whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"]);
    // the host's case and a default port written out are the same origin
    const cased = same.replace("api.example.com", "API.example.com:443");
    expect(grantSecrets({ draft: { id: "a1", url: cased }, campaignId: "c1", actor: { role: "editor" }, find }).kind).toBe("own");
  });

  it.each([
    ["another campaign's action named by id", { id: "a1", url: same }, "c2", "admin", "foreign"],
    ["its own action, URL moved to another host", { id: "a1", url: same.replace("api.example.com", "evil.example.net") }, "c1", "admin", "origin"],
    ["its own action, another port", { id: "a1", url: same.replace("api.example.com", "api.example.com:8443") }, "c1", "admin", "origin"],
    ["its own action, http instead of https", { id: "a1", url: same.replace("https:", "http:") }, "c1", "admin", "origin"],
    ["its own action, another path at the same origin", { id: "a1", url: same.replace("/hook", "/other") }, "c1", "admin", "path"],
    ["its own action, a template added to the path", { id: "a1", url: same.replace("/hook", "/hook/{{user.id}}") }, "c1", "admin", "path"],
    ["an admin's copy, another path at the same origin", { copiedFrom: "a1", url: same.replace("/hook", "/other") }, "c2", "admin", "path"],
    ["its own action, host templated", { id: "a1", url: `https://crm:${SECRET_MASK}@{{userAttribute.crm}}/x` }, "c1", "admin", "templated"],
    ["a copy by an editor, same origin", { copiedFrom: "a1", url: same }, "c1", "editor", "copy"],
    ["a copy by an admin, other origin", { copiedFrom: "a1", url: same.replace("api.example.com", "evil.example.net") }, "c2", "admin", "origin"],
    ["no campaign named", { id: "a1", url: same }, null, "admin", "foreign"],
  ] as const)("%s: nothing stored is used, both masked fields are named", (_, draft, campaignId, role, reason) => {
    const grant = grantSecrets({ draft, campaignId, actor: { role }, find });
    expect(grant).toMatchObject({ kind: "refused", reason });
    const secrets = resolveSecrets(masked(draft.url), grant);
    expect(secrets).toMatchObject({ password: null, headers: [{ name: "X-Api-Key", value: "", secret: true }], signingSecrets: undefined, reusedStored: false });
    expect(secrets.lost.map((l) => l.field)).toEqual(["url", "headers.0.value"]);
    expect(JSON.stringify(secrets)).not.toMatch(/key-123|"pw"|whsec_/);
  });

  it("an admin's copy at the same origin borrows password and headers, never the signing secret", () => {
    const grant = grantSecrets({ draft: { copiedFrom: "a1", url: same }, campaignId: "c2", actor: { role: "admin" }, find });
    expect(grant.kind).toBe("copy");
    const secrets = resolveSecrets(masked(same), grant);
    expect(secrets).toMatchObject({ password: "pw", headers: [{ value: "key-123" }], signingSecrets: undefined });
  });

  it("withholds the signing secret of its own action once the origin moves", () => {
    const moved = same.replace("api.example.com", "evil.example.net");
    const secrets = resolveSecrets(masked(moved), grantSecrets({ draft: { id: "a1", url: moved }, campaignId: "c1", actor: { role: "admin" }, find }));
    expect(secrets).toMatchObject({ signingSecrets: undefined, signingWithheld: true });
    expect(keepsSigningSecret(saved, moved)).toBe(false);
    expect(keepsSigningSecret(saved, same)).toBe(true);
    // a templated host is chosen by data: no signing secret is kept for it, even unchanged
    expect(keepsSigningSecret({ urlTemplate: "https://{{user.crm}}/a" }, "https://{{user.crm}}/b")).toBe(false);
    expect(keepsSigningSecret({ urlTemplate: "https://{{user.crm}}/a" }, "https://{{user.other}}/a")).toBe(false);
  });

  it("a typed secret is always used as typed; an unknown id is a new action", () => {
    const grant = grantSecrets({ draft: { id: "nope", url: same }, campaignId: "c1", actor: { role: "admin" }, find });
    expect(grant.kind).toBe("none");
    const secrets = resolveSecrets({ url: "https://crm:typed@evil.example.net/", headers: [{ name: "X-Api-Key", value: "typed-key", secret: true }] }, grant);
    expect(secrets).toMatchObject({ password: "typed", headers: [{ value: "typed-key" }], lost: [] });
  });

  // the review: a webhook they deleted and I had edited is kept as new by "Merge their changes"; its "••••"
  // stands for a secret that is gone, and the Save said only "Saved." while storing it empty
  it("a masked secret with nothing saved to stand for (a new action) is lost, said as one to type again", () => {
    const grant = grantSecrets({ draft: { url: same }, campaignId: "c1", actor: { role: "admin" }, find });
    expect(grant.kind).toBe("none");
    const secrets = resolveSecrets({ url: `https://crm:${SECRET_MASK}@api.example.com/`, headers: [{ name: "X-Api-Key", value: SECRET_MASK, secret: true }] }, grant);
    expect(secrets).toMatchObject({ password: null, headers: [{ value: "" }] });
    expect(secrets.lost.map((l) => [l.field, lostSecretMessage(l, "save")])).toEqual([
      ["url", "There is no saved webhook to take it from (it was deleted, or is new), so the saved password was cleared: type it again."],
      ["headers.0.value", 'There is no saved webhook to take it from (it was deleted, or is new), so the saved value of the header "X-Api-Key" was cleared: type it again.'],
    ]);
  });

  it("masks every signature it is shown (preview, test sends and the delivery log all show requests through maskRequest)", () => {
    const request = { method: "POST" as const, url: "https://a.example.com/", body: null, headers: [["webhook-signature", "v1,abc v1,def"], ["x", "y"]] as [string, string][] };
    expect(maskRequest(request).headers).toEqual([["webhook-signature", `v1,${SECRET_MASK} v1,${SECRET_MASK}`], ["x", "y"]]);
  });

  it("drops the signing secret when a template enters the userinfo (it could end the host early: {{{x}}} = 'evil.example/')", () => {
    const saved = { urlTemplate: "https://good.example.com/hook" };
    expect(keepsSigningSecret(saved, "https://{{{user.x}}}@good.example.com/hook")).toBe(false);
    expect(keepsSigningSecret(saved, "https://1690906{{{date \"2020-01-01\" \"D\"}}}@good.example.com/hook")).toBe(false);
    expect(keepsSigningSecret(saved, "https://GOOD.example.com/hook")).toBe(true);
    expect(keepsSigningSecret(saved, "https://good.example.com/other")).toBe(false);
    const templated = { urlTemplate: "https://{{user.crm}}.example.com/hook" };
    expect(keepsSigningSecret(templated, "https://{{user.crm}}.example.com/other")).toBe(false);
    expect(keepsSigningSecret(templated, "https://{{{user.x}}}@{{user.crm}}.example.com/other")).toBe(false);
  });
});

const draft = (input: CampaignDraftInput) => campaignDraftSchema.parse(input);

describe("saveCampaign goes through the resolver", () => {
  async function victim() {
    const { id } = await saveCampaign(
      draft({ name: "Victim", actions: [{ name: "CRM", url: "https://crm:pw@api.example.com/hook", headers: [{ name: "X-Api-Key", value: "key-123", secret: true }] }] }),
    );
    const action = await db().action.findFirstOrThrow({ where: { campaignId: id } });
    return { id, action, shown: (await getCampaignDraft(id, "admin"))!.actions[0]! };
  }

  it("a webhook kept as new after another's delete (merged, its id gone) saves its masked secrets empty and says to type them again", async () => {
    const { id, shown } = await victim();
    const { id: _gone, ...keptAsNew } = shown;
    const { notices } = await saveCampaign(draft({ id, name: "Victim", actions: [keptAsNew] }), { role: "admin" });
    expect(Object.keys(notices).sort()).toEqual(["actions.0.headers.0.value", "actions.0.url"]);
    expect(notices["actions.0.url"]).toMatch(/no saved webhook to take it from .* password was cleared: type it again/);
  });

  it("another campaign's action named by id or copiedFrom lends nothing to an editor, and the notices name the fields", async () => {
    const { shown } = await victim();
    const stolen = { ...shown, url: shown.url.replace("api.example.com", "evil.example.net") };
    // named by its id, it is not taken at all: another campaign's webhook is refused at the field
    for (const action of [{ ...shown }, { ...stolen }]) {
      await expect(saveCampaign(draft({ name: "Thief", actions: [action] }), { role: "editor" })).rejects.toMatchObject({ field: "actions.0.id", message: expect.stringMatching(/not in this campaign/) });
    }
    for (const action of [{ ...shown, id: undefined, copiedFrom: shown.id }, { ...stolen, id: undefined, copiedFrom: shown.id }]) {
      const { id, notices } = await saveCampaign(draft({ name: "Thief", actions: [action] }), { role: "editor" });
      const saved = await db().action.findFirstOrThrow({ where: { campaignId: id } });
      const template = loadWebhookTemplate(saved);
      expect(template.url).not.toContain("pw");
      expect(template.headers).toEqual([{ name: "X-Api-Key", value: "", secret: true }]);
      expect(Object.keys(notices).sort()).toEqual(["actions.0.headers.0.value", "actions.0.url"]);
      expect(notices["actions.0.headers.0.value"]).toMatch(/"X-Api-Key" was cleared: type it again/);
    }
  });

  it("its own action keeps a masked header at the same origin, and loses it (with a notice) when the host changes", async () => {
    const { id, shown } = await victim();
    const same = await saveCampaign(draft({ id, name: "Victim", actions: [{ ...shown, url: shown.url.replace("api.example.com", "API.example.com:443") }] }));
    expect(same.notices).toEqual({});
    expect(loadWebhookTemplate(await db().action.findFirstOrThrow({ where: { campaignId: id } })).headers[0]!.value).toBe("key-123");

    const moved = await saveCampaign(draft({ id, name: "Victim", actions: [{ ...shown, url: "https://crm:••••@api.example.com:8443/hook" }] }));
    expect(moved.notices["actions.0.headers.0.value"]).toMatch(/host changed/);
    const template = loadWebhookTemplate(await db().action.findFirstOrThrow({ where: { campaignId: id } }));
    expect(template).toMatchObject({ url: "https://api.example.com:8443/hook", headers: [{ value: "" }] });
  });

  it("removes the signing secret when the URL moves to another origin, keeps it otherwise", async () => {
    const { id, action, shown } = await victim();
    await rotateSigningSecret(id, action.id);
    await saveCampaign(draft({ id, name: "Victim", actions: [{ ...shown, url: shown.url.replace("api.example.com", "API.example.com") }] }));
    expect(loadWebhookTemplate(await db().action.findUniqueOrThrow({ where: { id: action.id } })).signingSecrets).toHaveLength(1);
    const { notices } = await saveCampaign(draft({ id, name: "Victim", actions: [{ ...shown, url: "https://evil.example.net/hook" }] }));
    expect(notices["actions.0.url"]).toMatch(/signing secret was removed/);
    const stored = await db().action.findUniqueOrThrow({ where: { id: action.id } });
    expect(stored.signingSecretEnc).toBeNull();
    expect(loadWebhookTemplate(stored).signingSecrets).toBeUndefined();
  });

  it("never reuses a masked secret for a templated host, even for its own action", async () => {
    const { id } = await saveCampaign(draft({ name: "Tenant", actions: [{ url: "https://crm.example.com/hook", headers: [{ name: "X-Api-Key", value: "key-9", secret: true }] }] }));
    // its host made a template before a save refused a stored secret there (fixed-host-secrets.ts)
    await db().action.updateMany({ where: { campaignId: id }, data: { urlTemplate: "https://{{userAttribute.crm}}/hook" } });
    const shown = (await getCampaignDraft(id, "admin"))!;
    expect(shown.actions[0]!.headers).toEqual([{ name: "X-Api-Key", value: SECRET_MASK, secret: true }]);
    const { notices } = await saveCampaign(draft(shown));
    expect(notices["actions.0.headers.0.value"]).toMatch(/host is templated/);
    expect(loadWebhookTemplate(await db().action.findFirstOrThrow({ where: { campaignId: id } })).headers[0]!.value).toBe("");
  });

  it("a backslash cannot move the saved password out of the userinfo: the URL is split where a browser splits it", async () => {
    const { id, shown } = await victim();
    await db().user.upsert({ where: { id: "bs-user" }, create: { id: "bs-user", attributes: {} }, update: {} });
    // the origin check reads "api.example.com"; a splitter that ignored the backslash would put the password in the path
    const sneaky = { ...shown, url: "https://api.example.com\\:••••@x/hook" };
    const preview = await previewAction(sampleRequestSchema.parse({ action: sneaky, campaign: { id, name: "Victim" }, userId: "bs-user" }), undefined, { role: "viewer" });
    expect(JSON.stringify(preview)).not.toContain("pw@");
    expect(JSON.stringify(preview)).not.toMatch(/:pw\b/);
    // another path as far as the fixed part goes: refused (at the masked header), the stored URL unchanged
    await expect(saveCampaign(draft({ id, name: "Victim", actions: [sneaky] }))).rejects.toMatchObject({ message: expect.stringMatching(/path or query changed/) });
    expect(loadWebhookTemplate(await db().action.findFirstOrThrow({ where: { campaignId: id } })).url).toBe("https://crm:pw@api.example.com/hook");
  });
});
