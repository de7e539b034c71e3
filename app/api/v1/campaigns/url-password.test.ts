// A URL password written after a templated scheme ({{campaign.name}}s://bob:s3cret@host) is stored
// apart and encrypted like any other: no role reads it back through the API, the editor's preview, the
// template library or the audit log. One that cannot be split out is refused, never stored in clear.
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { encryptSecret } from "@/lib/crypto/secret-box";
import { apiKeyHeaders, apiRequest, routeParams } from "@/lib/api/testing";
import type { Role } from "@/lib/auth/roles";
import { memberCookies } from "@/test/sessions";
import { POST as preview } from "@/app/api/preview/route";
import { GET as libraryForEditor } from "@/app/api/destination-templates/route";
import { GET as list, POST as create } from "./route";
import { GET as read, PUT as replace } from "./[id]/route";
import { GET as templates, POST as createTemplate } from "../templates/route";

const SECRET = "s3cret-pw";
const ROLES: Role[] = ["viewer", "editor", "admin"];
const typed = `{{campaign.name}}s://bob:${SECRET}@127.0.0.1:9/hook`;

const json = apiRequest;
const params = routeParams;

let campaignId = "";
let legacyId = "";
let cookies: Record<Role, string>;

beforeAll(async () => {
  cookies = await memberCookies();
  await db().user.create({ data: { id: "u1", email: "mary@example.com", attributes: {} } });
  // a literal password at a templated scheme is refused now (fixed-host-secrets.ts); one saved before is stored split and encrypted
  const created = await create(json("POST", "/campaigns", await apiKeyHeaders("editor"), { name: "http", actions: [{ name: "CRM", url: typed }] }));
  expect(created.status).toBe(400);
  const saved = await db().campaign.create({ data: { name: "http", deliveryRule: { when: "immediate" } } });
  await db().action.create({ data: { campaignId: saved.id, urlTemplate: typed.replace(`:${SECRET}@`, "@"), urlPasswordEnc: encryptSecret(SECRET), fields: [], headers: [] } });
  campaignId = saved.id;
  // an action saved before templated schemes were split: its password is still in the template
  const legacy = await db().campaign.create({ data: { name: "Old", deliveryRule: { when: "immediate" } } });
  await db().action.create({ data: { campaignId: legacy.id, urlTemplate: typed, fields: [], headers: [] } });
  legacyId = legacy.id;
});

describe("a URL password after a templated scheme", () => {
  it("is stored encrypted, apart from the URL template", async () => {
    const action = await db().action.findFirstOrThrow({ where: { campaignId } });
    expect(action.urlTemplate).toBe("{{campaign.name}}s://bob@127.0.0.1:9/hook");
    expect(action.urlPasswordEnc).toBeTruthy();
    expect(action.urlPasswordEnc).not.toContain(SECRET);
  });

  it.each(ROLES)("is never read back by a %s key: GET of the campaign (new or saved before the fix) and the list", async (role) => {
    const key = await apiKeyHeaders(role);
    for (const id of [campaignId, legacyId]) {
      const res = await read(json("GET", `/campaigns/${id}`, key), params(id));
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).not.toContain(SECRET);
      expect(text).toContain("bob:••••@127.0.0.1:9");
    }
    const all = await (await list(json("GET", "/campaigns", key), params(""))).text();
    expect(all).not.toContain(SECRET);
  });

  it.each(ROLES)("is never shown to a signed-in %s by the preview of the saved webhook, nor by the preview of the URL as typed", async (role) => {
    const shown = (await (await read(json("GET", `/campaigns/${campaignId}`, await apiKeyHeaders("viewer")), params(campaignId))).json()) as { actions: { id: string; url: string }[] };
    for (const action of [shown.actions[0], { url: typed }]) {
      const res = await preview(
        new Request("http://localhost/api/preview", {
          method: "POST",
          headers: { "content-type": "application/json", origin: "http://localhost", cookie: cookies[role] },
          body: JSON.stringify({ action, campaign: { id: campaignId, name: "http" }, userId: "u1" }),
        }),
      );
      expect(res.status).toBe(200);
      const body = await res.text();
      expect(body).not.toContain(SECRET);
      expect(body).not.toContain(Buffer.from(`bob:${SECRET}`).toString("base64"));
      // its scheme is a template: the typed password is refused (the request is not built, saying why);
      // the saved one, shown "••••", is never reused there, so the request goes without it
      if (action.url === typed) {
        expect(JSON.parse(body).request).toBeNull();
        expect(body).toMatch(/kept only for a fixed host/);
      } else expect(JSON.parse(body).request.url).toBe("https://127.0.0.1:9/hook");
    }
  });

  it("is never saved in a template, nor read back from the library by any role", async () => {
    const res = await createTemplate(json("POST", "/templates", await apiKeyHeaders("editor"), { name: "Templated CRM", webhook: { url: typed } }));
    expect(res.status).toBe(201);
    for (const role of ROLES) {
      expect(await (await templates(json("GET", "/templates", await apiKeyHeaders(role)), params(""))).text()).not.toContain(SECRET);
      const library = await libraryForEditor(new Request("http://localhost/api/destination-templates", { headers: { cookie: cookies[role] } }), params(""));
      expect(await library.text()).not.toContain(SECRET);
    }
  });

  it("is not in the audit log when the campaign is edited", async () => {
    const res = await replace(json("PUT", `/campaigns/${campaignId}`, await apiKeyHeaders("editor"), { name: "http", actions: [{ name: "CRM", url: typed.replace("/hook", "/hook2") }] }), params(campaignId));
    expect(res.status).toBe(400);
    expect(await res.text()).not.toContain(SECRET);
    const entries = await db().auditLog.findMany();
    expect(JSON.stringify(entries)).not.toContain(SECRET);
  });
});

describe("a URL password that cannot be split out", () => {
  it.each([
    ["after leading template text", `{{{userAttribute.base}}}bob:${SECRET}@127.0.0.1:9/hook`],
    ["in another {{#if}} branch", `{{#if user.email}}https://127.0.0.1:9/a{{else}}https://bob:${SECRET}@127.0.0.1:9/b{{/if}}`],
  ])("%s is refused with a 400 at the URL, and nothing is stored", async (_, url) => {
    const res = await create(json("POST", "/campaigns", await apiKeyHeaders("admin"), { name: "Refused", actions: [{ name: "CRM", url }] }));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { message: string; details?: { path: string; message: string }[] } };
    expect(JSON.stringify(body.error)).toMatch(/actions\.0\.url/);
    expect(JSON.stringify(body.error)).toMatch(/Write the password right after the scheme/);
    expect(await db().action.count({ where: { urlTemplate: { contains: SECRET }, campaignId: { not: legacyId } } })).toBe(0);
  });
});
