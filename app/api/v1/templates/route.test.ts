import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { apiKeyHeaders } from "@/lib/api/testing";
import { openApiDocument } from "@/lib/api/openapi";
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
      [{ name: "x", webhook: { url: "https://a.example.com/", timeout: 30 } }, /^webhook: Unrecognized key: "timeout"$/],
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

  it("takes the webhook's numbers as JSON numbers: a numeric string is a 400 naming its field, on save and on edit", async () => {
    const before = await db().destinationTemplate.count();
    const refused = await create(send("/templates", "POST", { name: "Strings", webhook: { url: "https://a.example.com", timeoutSeconds: "15" } }));
    expect(refused.status).toBe(400);
    expect((await refused.json()).error.message).toBe('webhook.timeoutSeconds: Send a JSON number, not a string ("15")');
    expect(await db().destinationTemplate.count()).toBe(before);
    const saved = await create(send("/templates", "POST", { name: "Numbers", webhook: { url: "https://a.example.com", timeoutSeconds: 15 } }));
    expect(saved.status).toBe(201);
    const { id } = await saved.json();
    const patched = await PATCH(send(`/templates/${id}`, "PATCH", { webhook: { url: "https://a.example.com", controlPercent: "5" } }), params(id));
    expect(patched.status).toBe(400);
    expect((await patched.json()).error.message).toBe('webhook.controlPercent: Send a JSON number, not a string ("5")');
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
  });
});
