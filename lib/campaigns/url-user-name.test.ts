// A URL user name without a password is the credential itself (Stripe's https://sk_live_…@api.stripe.com:
// the sender makes it Authorization: Basic base64("sk_live_…:")), as "key:@" is: stored encrypted, read
// back as "••••@" by every role, kept by a masked save at its own host and path only, never copied by a
// non-admin; a row saved before this (the key in the template) reads masked and is sealed at the next save.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../db";
import { decryptSecret } from "../crypto/secret-box";
import { loadWebhookTemplate } from "./action-template";
import { duplicateCampaign, getCampaignDraft, saveCampaign } from "./campaigns";
import { campaignSnapshot } from "./campaign-diff";
import { backfillUrlPasswords } from "./url-password-backfill";
import { campaignDraftSchema, type CampaignDraftInput } from "./schemas";
import { renderWebhookRequest } from "../webhooks/render-request";
import { sendWebhook } from "../webhooks/send";
import type { TemplateContext } from "../webhooks/types";

const KEY = "sk_live_USERINFOSECRET";
const basicOf = (userinfo: string) => `Basic ${Buffer.from(userinfo).toString("base64")}`;

let server: http.Server;
let port = 0;
const received: http.IncomingHttpHeaders[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    received.push(req.headers);
    req.resume();
    req.on("end", () => res.end("ok"));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const draft = (input: CampaignDraftInput) => campaignDraftSchema.parse(input);
const oneAction = (url: string, id?: string) => draft({ ...(id ? { id } : {}), name: "Stripe", actions: [{ name: "Charge", url }] });
const stored = (campaignId: string) => db().action.findFirstOrThrow({ where: { campaignId } });
const context = (): TemplateContext => ({ user: { id: "u-1", email: "m@example.com", attributes: {} }, event: null, campaign: { id: "c1", name: "Stripe" }, action: { id: "a1" }, now: new Date() });

async function sent(action: Awaited<ReturnType<typeof stored>>) {
  const built = renderWebhookRequest(loadWebhookTemplate(action), context(), { webhookId: "msg_userinfo", timestamp: new Date() });
  if (!built.ok) throw new Error(JSON.stringify(built));
  received.length = 0;
  await sendWebhook(built.request);
  return received[0]!;
}

describe("a URL user name without a password", () => {
  it("is stored encrypted, read back masked by every role, and still sent as Basic key:", async () => {
    const url = `http://${KEY}@127.0.0.1:${port}/v1/charges`;
    const { id } = await saveCampaign(oneAction(url), { role: "admin" });
    const row = await stored(id);
    expect(JSON.stringify(row)).not.toContain(KEY);
    expect(row.urlTemplate).toBe(`http://@127.0.0.1:${port}/v1/charges`);
    expect(decryptSecret(row.urlPasswordEnc!)).toContain(KEY);
    expect(loadWebhookTemplate(row).url).toBe(url);
    for (const role of ["viewer", "editor", "admin"] as const) {
      const shown = (await getCampaignDraft(id, role))!;
      expect(JSON.stringify(shown)).not.toContain(KEY);
      expect(shown.actions![0]!.url).toBe(`http://••••@127.0.0.1:${port}/v1/charges`);
    }
    expect((await sent(row)).authorization).toBe(basicOf(`${KEY}:`));

    // saved again as shown, it is kept; at another host it is cleared (and said so), as a password is
    // saved twice from one reading: without its version (each save judged on its own)
    const { version: _version, ...shown } = (await getCampaignDraft(id, "editor"))!;
    await saveCampaign(draft(shown), { role: "editor" });
    expect(loadWebhookTemplate(await stored(id)).url).toBe(url);
    const moved = await saveCampaign(draft({ ...shown, actions: [{ ...shown.actions![0]!, url: shown.actions![0]!.url.replace("127.0.0.1", "localhost") }] }), { role: "editor" });
    expect(moved.notices).toEqual({ "actions.0.url": expect.stringMatching(/host changed.*cleared/) });
    const after = await stored(id);
    expect(after.urlPasswordEnc).toBeNull();
    expect(JSON.stringify(after)).not.toContain(KEY);
    expect((await sent(after)).authorization).toBeUndefined();
  });

  it("is not carried by an editor's copy, nor written into the audit snapshot", async () => {
    const { id } = await saveCampaign(oneAction(`https://${KEY}@api.example.com/v1/charges`), { role: "admin" });
    expect(JSON.stringify(campaignSnapshot({ name: "Stripe", description: "", actions: [await stored(id)] }))).not.toContain(KEY);
    const copy = await stored((await duplicateCampaign(id, { role: "editor" }))!);
    expect(JSON.stringify(copy)).not.toContain(KEY);
    expect(loadWebhookTemplate(copy).url).toBe("https://api.example.com/v1/charges");
  });

  it("is refused for a URL whose host is a template, as a password is (a user's data would choose where it goes)", async () => {
    const before = await db().action.count();
    await expect(saveCampaign(oneAction(`https://${KEY}@{{user.crm}}/v1/charges`))).rejects.toMatchObject({ fieldErrors: { "actions.0.url": expect.stringMatching(/kept only for a fixed host/) } });
    expect(await db().action.count()).toBe(before);
  });

  it("a {{ }} user name is the user's data: it stays in the template, shown as it is", async () => {
    const url = "https://{{user.stripeKey}}@api.example.com/v1/charges";
    const { id } = await saveCampaign(oneAction(url));
    expect((await stored(id)).urlTemplate).toBe(url);
    expect((await getCampaignDraft(id, "viewer"))!.actions![0]!.url).toBe(url);
  });

  it("a name left without the password it stood beside (host changed, an editor's copy) goes with it: alone it would be the credential", async () => {
    const { id } = await saveCampaign(oneAction("https://crm:pw@api.example.com/a"));
    const copy = await stored((await duplicateCampaign(id, { role: "editor" }))!);
    expect(copy.urlTemplate).toBe("https://api.example.com/a");
    const shown = (await getCampaignDraft(id, "editor"))!;
    expect(shown.actions![0]!.url).toBe("https://crm:••••@api.example.com/a");
    await saveCampaign(draft({ ...shown, actions: [{ ...shown.actions![0]!, url: "https://crm:••••@other.example.com/a" }] }));
    const moved = await stored(id);
    expect(moved).toMatchObject({ urlTemplate: "https://other.example.com/a", urlPasswordEnc: null });
  });
});

describe("a row saved before, the key in its URL template", () => {
  it("reads masked (every role, the audit snapshot), the next save seals it, the request unchanged; the start-up pass moves one not saved again", async () => {
    const url = `http://${KEY}@127.0.0.1:${port}/v1/charges`;
    const rows = [];
    for (let i = 0; i < 2; i++) {
      const { id } = await saveCampaign(oneAction(`http://127.0.0.1:${port}/v1/charges`));
      const row = await stored(id);
      rows.push(await db().action.update({ where: { id: row.id }, data: { urlTemplate: url, urlPasswordEnc: null } }));
    }
    const [a, b] = rows as [(typeof rows)[0], (typeof rows)[0]];
    for (const role of ["viewer", "editor", "admin"] as const) expect(JSON.stringify(await getCampaignDraft(a.campaignId, role))).not.toContain(KEY);
    expect(JSON.stringify(campaignSnapshot({ name: "Stripe", description: "", actions: [a] }))).not.toContain(KEY);

    await saveCampaign(draft((await getCampaignDraft(a.campaignId, "editor"))!), { role: "editor" });
    const sealed = await stored(a.campaignId);
    expect(JSON.stringify(sealed)).not.toContain(KEY);
    expect(loadWebhookTemplate(sealed).url).toBe(url);
    expect((await sent(sealed)).authorization).toBe(basicOf(`${KEY}:`));
    expect(JSON.stringify(await db().auditLog.findMany({ where: { target: a.campaignId } }))).not.toContain(KEY);

    const result = await backfillUrlPasswords();
    expect(result.moved).toContain(b.id);
    expect(result.moved).not.toContain(a.id);
    const moved = await stored(b.campaignId);
    expect(JSON.stringify(moved)).not.toContain(KEY);
    expect(loadWebhookTemplate(moved).url).toBe(url);
  });
});
