// A user name without a password is the credential itself (Stripe's keys: https://sk_live_...:@api.stripe.com,
// curl -u key:). It is stored apart and encrypted like a password: no role reads it back through the API,
// the preview, the template library or the audit log; saving the URL as shown ("••••@") keeps it, and a
// row saved before this (the key in the template) is moved out at start, the request it sends unchanged.
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { apiKeyHeaders, apiRequest, routeParams } from "@/lib/api/testing";
import type { Role } from "@/lib/auth/roles";
import { memberCookies } from "@/test/sessions";
import { encryptSecret, decryptSecret } from "@/lib/crypto/secret-box";
import { loadWebhookTemplate } from "@/lib/campaigns/action-template";
import { backfillUrlPasswords } from "@/lib/campaigns/url-password-backfill";
import { POST as preview } from "@/app/api/preview/route";
import { GET as list, POST as create } from "./route";
import { GET as read, PUT as replace } from "./[id]/route";
import { GET as templates, POST as createTemplate } from "../templates/route";

const KEY = "sk_live_51HxQ9aBcDeFgHiJ";
const ROLES: Role[] = ["viewer", "editor", "admin"];
const typed = `https://${KEY}:@127.0.0.1:9/v1/charges`;
const basic = `Basic ${Buffer.from(`${KEY}:`).toString("base64")}`;

const json = apiRequest;
const params = routeParams;

let campaignId = "";
let cookies: Record<Role, string>;

beforeAll(async () => {
  cookies = await memberCookies();
  await db().user.create({ data: { id: "u1", email: "mary@example.com", attributes: {} } });
  const created = await create(json("POST", "/campaigns", await apiKeyHeaders("editor"), { name: "Stripe", actions: [{ name: "Charge", url: typed }] }));
  expect(created.status).toBe(201);
  campaignId = ((await created.json()) as { id: string }).id;
});

describe("a URL user name that is the credential", () => {
  it("is stored encrypted, apart from the URL template, and sent as typed", async () => {
    const action = await db().action.findFirstOrThrow({ where: { campaignId } });
    expect(action.urlTemplate).toBe("https://@127.0.0.1:9/v1/charges");
    expect(action.urlPasswordEnc).toBeTruthy();
    expect(JSON.stringify(action)).not.toContain(KEY);
    expect(loadWebhookTemplate(action).url).toBe(typed);
  });

  it.each(ROLES)("is never read back by a %s key: GET of the campaign and the list show ••••@", async (role) => {
    const key = await apiKeyHeaders(role);
    const res = await read(json("GET", `/campaigns/${campaignId}`, key), params(campaignId));
    const text = await res.text();
    expect(text).not.toContain(KEY);
    expect(text).toContain("https://••••@127.0.0.1:9/v1/charges");
    expect(await (await list(json("GET", "/campaigns", key), params(""))).text()).not.toContain(KEY);
  });

  it.each(ROLES)("is never shown to a signed-in %s by the preview (the Authorization it becomes is masked)", async (role) => {
    const res = await preview(
      new Request("http://localhost/api/preview", {
        method: "POST",
        headers: { "content-type": "application/json", origin: "http://localhost", cookie: cookies[role] },
        body: JSON.stringify({ action: { url: typed }, campaign: { id: campaignId, name: "Stripe" }, userId: "u1" }),
      }),
    );
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).not.toContain(KEY);
    expect(body).not.toContain(basic.slice(6));
  });

  it("is kept when the URL is saved again as shown, and not written into the audit log", async () => {
    const shown = (await (await read(json("GET", `/campaigns/${campaignId}`, await apiKeyHeaders("editor")), params(campaignId))).json()) as { actions: { id: string; url: string }[] };
    const res = await replace(
      json("PUT", `/campaigns/${campaignId}`, await apiKeyHeaders("editor"), { name: "Stripe", actions: [{ id: shown.actions[0].id, name: "Charge", url: shown.actions[0].url }] }),
      params(campaignId),
    );
    expect(res.status).toBe(200);
    const action = await db().action.findFirstOrThrow({ where: { campaignId } });
    expect(loadWebhookTemplate(action).url).toBe(typed);
    expect(JSON.stringify(await db().auditLog.findMany())).not.toContain(KEY);
    // at another path of the same host it is not kept: a 400 at the URL asks for it again
    const moved = await replace(
      json("PUT", `/campaigns/${campaignId}`, await apiKeyHeaders("editor"), { name: "Stripe", actions: [{ id: shown.actions[0].id, name: "Charge", url: shown.actions[0].url.replace("/charges", "/refunds") }] }),
      params(campaignId),
    );
    expect(moved.status).toBe(400);
    expect((await moved.json()).error.details).toEqual([{ path: "actions.0.url", message: expect.stringMatching(/path or query changed, so the saved .* cannot be kept: type it again/) }]);
    expect(loadWebhookTemplate(await db().action.findFirstOrThrow({ where: { campaignId } })).url).toBe(typed);
  });

  it("is never saved in a template", async () => {
    const res = await createTemplate(json("POST", "/templates", await apiKeyHeaders("editor"), { name: "Stripe charge", webhook: { url: typed } }));
    expect(res.status).toBe(201);
    const text = await (await templates(json("GET", "/templates", await apiKeyHeaders("viewer")), params(""))).text();
    expect(text).not.toContain(KEY);
    expect(text).toContain("https://127.0.0.1:9/v1/charges");
  });
});

describe("a key saved in the URL template before it was split out", () => {
  it("is shown masked, and moved out at start, the request unchanged; a name beside a password stays; a second run moves nothing", async () => {
    const campaign = await db().campaign.create({ data: { name: "Old", deliveryRule: { when: "immediate" } } });
    const rows = await Promise.all([
      // as saved by the split before: "key:@" stored as the template "key@" and an empty password
      db().action.create({ data: { campaignId: campaign.id, urlTemplate: `https://${KEY}@127.0.0.1:9/a`, urlPasswordEnc: encryptSecret(""), fields: [], headers: [] } }),
      // still whole in the template
      db().action.create({ data: { campaignId: campaign.id, urlTemplate: `https://${KEY}:@127.0.0.1:9/b`, fields: [], headers: [] } }),
      db().action.create({ data: { campaignId: campaign.id, urlTemplate: "https://bob@127.0.0.1:9/c", urlPasswordEnc: encryptSecret("pw-of-bob"), fields: [], headers: [] } }),
    ]);
    const before = rows.map((a) => loadWebhookTemplate(a).url);
    const shownBefore = (await (await read(json("GET", `/campaigns/${campaign.id}`, await apiKeyHeaders("viewer")), params(campaign.id))).text());
    expect(shownBefore).not.toContain(KEY);

    const result = await backfillUrlPasswords();
    expect(result.moved.sort()).toEqual([rows[0].id, rows[1].id].sort());
    const after = await db().action.findMany({ where: { campaignId: campaign.id }, orderBy: { urlTemplate: "asc" } });
    expect(after.map((a) => a.urlTemplate).sort()).toEqual(["https://@127.0.0.1:9/a", "https://@127.0.0.1:9/b", "https://bob@127.0.0.1:9/c"]);
    const urls = await Promise.all(rows.map(async (r) => loadWebhookTemplate(await db().action.findUniqueOrThrow({ where: { id: r.id } })).url));
    expect(urls).toEqual(before);
    expect(decryptSecret((await db().action.findUniqueOrThrow({ where: { id: rows[2].id } })).urlPasswordEnc!)).toBe("pw-of-bob");
    expect((await backfillUrlPasswords()).moved).toEqual([]);
  });
});

describe("a URL user name that is the credential where it cannot be split out (review)", () => {
  it.each([`{{#if user.vip}}https://127.0.0.1:9/x{{else}}https://${KEY}:@127.0.0.1:9/v1{{/if}}`, `{{{user.base}}}${KEY}:@127.0.0.1:9/v1`])(
    "%s is refused with a 400 and nothing is stored, so no viewer reads it back",
    async (url) => {
      const before = await db().action.count();
      const res = await create(json("POST", "/campaigns", await apiKeyHeaders("editor"), { name: "Stray", actions: [{ name: "Charge", url }] }));
      expect(res.status).toBe(400);
      expect(await res.text()).toMatch(/right after the scheme/);
      expect(await db().action.count()).toBe(before);
    },
  );
});

describe("a bare URL user name that could reach the request's userinfo where it cannot be split out (review 2026-12-06)", () => {
  it.each([
    `{{{user.base}}}${KEY}@127.0.0.1:9/v1`,
    `{{user.s}}:\\\\${KEY}@127.0.0.1:9/v1`,
    `{{user.s}}:/${KEY}@127.0.0.1:9/v1`,
  ])("%s is refused with a 400 at the URL and nothing is stored", async (url) => {
    const before = await db().action.count();
    const res = await create(json("POST", "/campaigns", await apiKeyHeaders("editor"), { name: "Stray", actions: [{ name: "Charge", url }] }));
    expect(res.status).toBe(400);
    const body = await res.text();
    expect(body).not.toContain(KEY);
    expect(JSON.parse(body).error.details).toEqual([{ path: "actions.0.url", message: expect.stringMatching(/right after the scheme/) }]);
    expect(await db().action.count()).toBe(before);
  });

  it("a {{ }} user name, a host before a {{ }} path and an '@' in a path are still saved", async () => {
    for (const url of ["https://{{user.name}}@127.0.0.1:9/v1", "https://127.0.0.1:9{{{user.path}}}", "https://127.0.0.1:9/u@x"]) {
      const res = await create(json("POST", "/campaigns", await apiKeyHeaders("editor"), { name: "Fine", actions: [{ name: "Charge", url }] }));
      expect(res.status).toBe(201);
    }
  });
});

describe("a URL user name without any password (https://sk_live_…@host, sent as Basic sk_live_…:)", () => {
  const bare = `https://${KEY}@127.0.0.1:9/v1/charges`;
  it("is stored encrypted and read back as ••••@ by every key; a PUT at another host clears it, at another path is a 400", async () => {
    const res = await create(json("POST", "/campaigns", await apiKeyHeaders("admin"), { name: "Stripe bare", actions: [{ name: "Charge", url: bare }] }));
    expect(res.status).toBe(201);
    const id = ((await res.json()) as { id: string }).id;
    const action = await db().action.findFirstOrThrow({ where: { campaignId: id } });
    expect(JSON.stringify(action)).not.toContain(KEY);
    expect(loadWebhookTemplate(action).url).toBe(bare);
    for (const role of ROLES) {
      const text = await (await read(json("GET", `/campaigns/${id}`, await apiKeyHeaders(role)), params(id))).text();
      expect(text).not.toContain(KEY);
      expect(text).toContain("https://••••@127.0.0.1:9/v1/charges");
    }
    const shown = (await (await read(json("GET", `/campaigns/${id}`, await apiKeyHeaders("editor")), params(id))).json()) as { actions: { id: string; url: string }[] };
    const editor = await apiKeyHeaders("editor");
    const save = (url: string) => replace(json("PUT", `/campaigns/${id}`, editor, { name: "Stripe bare", actions: [{ id: shown.actions[0].id, name: "Charge", url }] }), params(id));
    expect((await save(shown.actions[0].url.replace("/charges", "/refunds"))).status).toBe(400);
    expect(loadWebhookTemplate(await db().action.findFirstOrThrow({ where: { campaignId: id } })).url).toBe(bare);
    const moved = await save(shown.actions[0].url.replace("127.0.0.1", "127.0.0.2"));
    expect(moved.status).toBe(200);
    const after = await db().action.findFirstOrThrow({ where: { campaignId: id } });
    expect(after.urlPasswordEnc).toBeNull();
    expect(JSON.stringify(after)).not.toContain(KEY);
    expect(JSON.stringify(await db().auditLog.findMany())).not.toContain(KEY);
  });
});
