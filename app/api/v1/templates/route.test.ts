import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { apiKeyHeaders } from "@/lib/api/testing";
import { openApiDocument } from "@/lib/api/openapi";
import { templateSchema } from "@/lib/api/schemas/templates";
import { actionJsonSchema } from "@/lib/campaigns/schemas";
import { POST as createCampaign } from "../campaigns/route";
import { GET as list, POST as create } from "./route";
import { DELETE as remove, GET as getOne, PATCH } from "./[id]/route";

let admin: Record<string, string>;
let viewer: Record<string, string>;
beforeAll(async () => {
  admin = await apiKeyHeaders("admin");
  viewer = await apiKeyHeaders("viewer");
});

const base = "http://127.0.0.1/api/v1";
const params = (id: string) => ({ params: Promise.resolve({ id }) });
const send = (path: string, method: string, body?: unknown, auth = admin) =>
  new Request(`${base}${path}`, { method, headers: { ...auth, ...(body !== undefined ? { "content-type": "application/json" } : {}) }, body: body === undefined ? undefined : JSON.stringify(body) });

const crm = {
  name: "CRM contact",
  secretNote: "CRM › Settings › API keys",
  webhook: {
    url: "https://crm:pw-in-url@crm.example.com/contacts/{{user.id}}?token=tok-123",
    fields: [{ key: "email", value: "{{user.email}}" }],
    headers: [
      { name: "X-Api-Key", value: "key-in-header", secret: true },
      { name: "Authorization", value: "Bearer unticked-secret" },
    ],
  },
};

describe("templates API", () => {
  it("lists the built-ins, saves a webhook without its secrets, renames, edits and deletes it, auditing each change", async () => {
    const listed = await (await list(send("/templates", "GET", undefined, viewer))).json();
    expect(listed.templates.filter((t: { builtIn: boolean }) => t.builtIn).map((t: { id: string }) => t.id)).toContain("builtin-slack");
    expect(listed.templates.find((t: { id: string }) => t.id === "builtin-slack").secretNote).toMatch(/api\.slack\.com\/apps/);

    const created = await create(send("/templates", "POST", { ...crm, webhook: { ...crm.webhook, url: "https://crm.example.com/contacts/{{user.id}}?token=tok-123" } }));
    expect(created.status).toBe(201);
    const template = await created.json();
    expect(template).toMatchObject({
      builtIn: false,
      name: "CRM contact",
      createdBy: 'API key "test admin"',
      webhook: {
        url: "https://crm.example.com/contacts/{{user.id}}?token=",
        headers: [
          { name: "X-Api-Key", value: "", secret: true },
          { name: "Authorization", value: "", secret: true },
        ],
      },
    });
    expect(template.cleared).toEqual(['the URL parameter "token"', 'the value of the header "X-Api-Key"', 'the value of the header "Authorization"']);
    const everything = JSON.stringify(await db().destinationTemplate.findMany()) + JSON.stringify(await db().auditLog.findMany());
    for (const secret of ["tok-123", "key-in-header", "unticked-secret"]) expect(everything).not.toContain(secret);

    expect((await (await getOne(send(`/templates/${template.id}`, "GET", undefined, viewer), params(template.id))).json()).name).toBe("CRM contact");
    const renamed = await PATCH(send(`/templates/${template.id}`, "PATCH", { name: "CRM contact v2", webhook: { url: "https://u:pw-9@crm.example.com/x" } }), params(template.id));
    expect(renamed.status).toBe(200);
    expect(await renamed.json()).toMatchObject({ name: "CRM contact v2", webhook: { url: "https://u@crm.example.com/x" }, cleared: ["the URL password"] });

    expect((await remove(send(`/templates/${template.id}`, "DELETE"), params(template.id))).status).toBe(204);
    expect((await remove(send(`/templates/${template.id}`, "DELETE"), params(template.id))).status).toBe(404);
    const audit = await db().auditLog.findMany({ where: { target: template.id }, orderBy: { createdAt: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["destination_template.created", "destination_template.updated", "destination_template.deleted"]);
  });

  it("answers 409 for a name in use or a built-in, 404 for unknown ids, 400 naming the field, 403 for a viewer; and writes nothing", async () => {
    await create(send("/templates", "POST", { name: "Taken", webhook: { url: "https://a.example.com/" } }));
    const before = JSON.stringify(await db().destinationTemplate.findMany({ orderBy: { id: "asc" } }));
    const taken = await create(send("/templates", "POST", { name: "taken", webhook: { url: "https://a.example.com/" } }));
    expect(taken.status).toBe(409);
    expect((await taken.json()).error).toMatchObject({ code: "conflict", details: [{ path: "name" }] });
    expect((await create(send("/templates", "POST", { name: "Slack incoming webhook", webhook: { url: "https://a.example.com/" } }))).status).toBe(409);
    expect((await PATCH(send("/templates/builtin-slack", "PATCH", { name: "Mine" }), params("builtin-slack"))).status).toBe(409);
    expect((await remove(send("/templates/builtin-slack", "DELETE"), params("builtin-slack"))).status).toBe(409);
    expect((await PATCH(send("/templates/nope", "PATCH", { name: "Mine" }), params("nope"))).status).toBe(404);
    expect((await getOne(send("/templates/nope", "GET"), params("nope"))).status).toBe(404);
    for (const [body, message] of [
      [{ webhook: { url: "https://a.example.com/" } }, /^name/],
      [{ name: "x", webhook: { url: "ftp://a" } }, /webhook\.url/],
      [{ name: "x", webhook: { url: "https://a.example.com/" }, signingSecret: "whsec_x" }, /signingSecret/],
      [{ name: "x", webhook: { url: "https://a.example.com/", headers: [{ name: "Bad Name", value: "" }] } }, /webhook\.headers\.0\.name/],
      // a misspelt key is named, not dropped: "secrett" would have saved a plain header
      [{ name: "x", webhook: { url: "https://a.example.com/", headers: [{ name: "X-Key", value: "k", secrett: true }] } }, /^webhook\.headers\.0: Unrecognized key: "secrett"$/],
      [{ name: "x", webhook: { url: "https://a.example.com/", timeout: 30 } }, /^webhook: Unrecognized key: "timeout" \(a template keeps only method, url, contentType, fields and headers\)$/],
    ] as const) {
      const res = await create(send("/templates", "POST", body));
      expect(res.status).toBe(400);
      expect((await res.json()).error.message).toMatch(message);
    }
    expect((await PATCH(send("/templates/x", "PATCH", {}), params("x"))).status).toBe(400);
    const typo = await PATCH(send("/templates/x", "PATCH", { webhook: { url: "https://a.example.com/", fields: [{ key: "a", value: "1", typ: "number" }] } }), params("x"));
    expect((await typo.json()).error.message).toBe('webhook.fields.0: Unrecognized key: "typ"');
    expect((await create(send("/templates", "POST", { name: "By a viewer", webhook: { url: "https://a.example.com/" } }, viewer))).status).toBe(403);
    expect(JSON.stringify(await db().destinationTemplate.findMany({ orderBy: { id: "asc" } }))).toBe(before);
  });

  // A template keeps a webhook's method, URL, content type, fields and headers; the rest of the
  // editor's draft was accepted and silently dropped (a caller's timeout or variants gone without a word).
  const notKept: [string, Record<string, unknown>][] = [
    ["timeoutSeconds", { timeoutSeconds: 15 }],
    ["responseMapping", { responseMapping: [{ path: "$.id", attribute: "crmId" }] }],
    ["variants", { splitPercent: 50, variants: [{ url: "https://b.example.com/", splitPercent: 50 }] }],
    ["splitPercent", { splitPercent: 100 }],
    ["controlPercent", { controlPercent: 10 }],
    ["templateId", { templateId: "builtin-slack" }],
    ["name", { name: "CRM webhook" }],
    ["id", { id: "act_1" }],
    ["copiedFrom", { copiedFrom: "act_0" }],
  ];

  it("refuses every webhook key a template does not keep with a 400 naming it, on save and on edit, and writes nothing", async () => {
    const existing = await (await create(send("/templates", "POST", { name: "Strict", webhook: { url: "https://a.example.com/" } }))).json();
    // every key of the editor's draft that a template does not keep is in the list above
    const draftKeys = Object.keys(actionJsonSchema.shape);
    const kept = Object.keys(templateSchema.shape.webhook.shape);
    expect(notKept.map(([key]) => key).sort()).toEqual(draftKeys.filter((k) => !kept.includes(k)).sort());
    const before = JSON.stringify(await db().destinationTemplate.findMany({ orderBy: { id: "asc" } }));
    for (const [key, extra] of notKept) {
      const webhook = { url: "https://a.example.com/", ...extra };
      for (const res of [
        await create(send("/templates", "POST", { name: `With ${key}`, webhook })),
        await PATCH(send(`/templates/${existing.id}`, "PATCH", { webhook }), params(existing.id)),
      ]) {
        expect(res.status, key).toBe(400);
        const { error } = await res.json();
        expect(error.code, key).toBe("validation_error");
        expect(error.message, key).toMatch(new RegExp(`^webhook: Unrecognized keys?: .*"${key}".*a template keeps only method, url, contentType, fields and headers`));
        expect(error.details, key).toEqual([{ path: "webhook", message: error.message.slice("webhook: ".length) }]);
      }
    }
    const both = await create(send("/templates", "POST", { name: "Two", webhook: { url: "https://a.example.com/", timeoutSeconds: 15, responseMapping: [] } }));
    expect((await both.json()).error.message).toMatch(/^webhook: Unrecognized keys: "timeoutSeconds", "responseMapping" \(/);
    expect(JSON.stringify(await db().destinationTemplate.findMany({ orderBy: { id: "asc" } }))).toBe(before);
  });

  it("a template round-trips: what GET answers is what was sent, and it can be sent back as it is", async () => {
    const webhook = {
      method: "PUT",
      url: "https://crm.example.com/contacts/{{user.id}}",
      contentType: "application/x-www-form-urlencoded",
      fields: [
        { key: "email", value: "{{user.email}}", type: "text" },
        { key: "age", value: "{{userAttribute.age}}", type: "number" },
      ],
      headers: [{ name: "X-Source", value: "hookline", secret: false }],
    };
    const created = await create(send("/templates", "POST", { name: "Round trip", description: "d", secretNote: "n", webhook }));
    expect(created.status).toBe(201);
    const template = await created.json();
    expect(template).toMatchObject({ name: "Round trip", description: "d", secretNote: "n", webhook, cleared: [] });
    const got = await (await getOne(send(`/templates/${template.id}`, "GET", undefined, viewer), params(template.id))).json();
    expect(got.webhook).toEqual(webhook);
    const sentBack = await PATCH(send(`/templates/${template.id}`, "PATCH", { name: got.name, description: got.description, secretNote: got.secretNote, webhook: got.webhook }), params(template.id));
    expect(sentBack.status).toBe(200);
    expect((await sentBack.json()).webhook).toEqual(webhook);
  });

  it("a campaign created through the API from a template records it, and keeps its copy when the template changes", async () => {
    const template = await (await create(send("/templates", "POST", { name: "Hook for campaigns", webhook: { url: "https://hooks.example.com/a" } }))).json();
    const campaign = await (await createCampaign(send("/campaigns", "POST", { name: "From template", actions: [{ ...template.webhook, name: template.name, templateId: template.id }] }))).json();
    expect(campaign.actions[0]).toMatchObject({ templateId: template.id, url: "https://hooks.example.com/a" });
    await PATCH(send(`/templates/${template.id}`, "PATCH", { webhook: { url: "https://hooks.example.com/b" } }), params(template.id));
    expect((await db().action.findUniqueOrThrow({ where: { id: campaign.actions[0].id } })).urlTemplate).toBe("https://hooks.example.com/a");
  });

  it("is in the OpenAPI document: list, save, get, edit and delete, with the input's schema", () => {
    const doc = openApiDocument() as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>>; components: { schemas: Record<string, { required?: string[] }> } };
    expect(Object.keys(doc.paths["/api/v1/templates"]!)).toEqual(["get", "post"]);
    expect(Object.keys(doc.paths["/api/v1/templates/{id}"]!)).toEqual(["get", "patch", "delete"]);
    expect(Object.keys(doc.paths["/api/v1/templates/{id}"]!.patch!.responses)).toEqual(expect.arrayContaining(["200", "400", "404", "409"]));
    expect(doc.components.schemas.TemplateInput!.required).toEqual(["name", "webhook"]);
    // the webhook is what a template keeps, nothing more: the document says so, as the API does
    for (const name of ["TemplateInput", "TemplatePatch"]) {
      const webhook = (doc.components.schemas[name] as unknown as { properties: { webhook: { properties: object; additionalProperties: unknown } } }).properties.webhook;
      expect(Object.keys(webhook.properties), name).toEqual(["method", "url", "contentType", "fields", "headers"]);
      expect(webhook.additionalProperties, name).toBe(false);
    }
  });
});
