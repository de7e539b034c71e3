// The template library's server actions: editors and admins change it, viewers and requests without a
// session are refused on the server and change nothing; the secrets of the webhook are left out.
import { beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db";
import { memberCookies } from "@/test/sessions";

let requestHeaders = new Headers();
vi.mock("next/headers", () => ({ headers: async () => requestHeaders }));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

const actions = await import("./webhook-template-actions");
type Who = "editor" | "viewer" | "none";
let cookies: Record<Who, string>;
const as = (who: Who) => (requestHeaders = new Headers(cookies[who] ? { cookie: cookies[who] } : {}));

beforeAll(async () => {
  const members = await memberCookies();
  cookies = { editor: members.editor, viewer: members.viewer, none: "" };
});

const webhook = { name: "CRM", url: "https://crm.example.com/hook", headers: [{ name: "X-Api-Key", value: "key-typed-in-editor", secret: true }], fields: [{ key: "email", value: "{{user.email}}" }] };

describe("webhook template actions", () => {
  it("an editor saves a webhook as a template without its secret, renames it and deletes it, in the audit log by email", async () => {
    as("editor");
    const saved = await actions.saveTemplateAction({ name: "CRM hook", secretNote: "CRM › API keys", webhook });
    expect(saved.ok).toBe(true);
    if (!saved.ok) return;
    expect(saved.data.template.webhook.headers).toEqual([{ name: "X-Api-Key", value: "", secret: true }]);
    expect(saved.data.cleared).toEqual(['the value of the header "X-Api-Key"']);
    expect(JSON.stringify(await db().destinationTemplate.findMany())).not.toContain("key-typed-in-editor");

    const taken = await actions.saveTemplateAction({ name: "crm HOOK", webhook });
    expect(taken).toMatchObject({ ok: false, fieldErrors: { name: expect.stringMatching(/already exists/) } });

    const renamed = await actions.updateTemplateAction(saved.data.template.id, { name: "CRM hook v2", description: "Upserts contacts" });
    expect(renamed).toMatchObject({ ok: true, data: { name: "CRM hook v2", description: "Upserts contacts" } });
    expect((await actions.updateTemplateAction("builtin-slack", { name: "Mine" })).ok).toBe(false);
    expect(await actions.deleteTemplateAction(saved.data.template.id)).toMatchObject({ ok: true });
    expect(await actions.deleteTemplateAction(saved.data.template.id)).toMatchObject({ ok: false, message: "This template was already deleted." });
    const audit = await db().auditLog.findMany({ where: { target: saved.data.template.id } });
    expect(audit.map((a) => [a.action, a.actor]).sort()).toEqual([
      ["destination_template.created", "editor@example.com"],
      ["destination_template.deleted", "editor@example.com"],
      ["destination_template.updated", "editor@example.com"],
    ]);
  });

  it("saves the editor's whole webhook draft as a template: its request without secrets, the rest dropped (not checked, not refused)", async () => {
    as("editor");
    const draft = {
      ...webhook,
      id: "act_1",
      templateId: "builtin-slack",
      // a step's own settings a template does not keep: even one the editor would refuse does not stop the save
      timeoutSeconds: "not yet typed",
      splitPercent: "50",
      controlPercent: "10",
      variants: [{ name: "B", url: "https://b.example.com/hook", splitPercent: "50", headers: [{ name: "X-Api-Key", value: "variant-secret", secret: true }] }],
      responseMapping: [{ path: "$.id", attribute: "crmId" }],
    };
    const saved = await actions.saveTemplateAction({ name: "Whole draft", webhook: draft });
    expect(saved).toMatchObject({ ok: true, data: { cleared: ['the value of the header "X-Api-Key"'] } });
    if (!saved.ok) return;
    expect(saved.data.template.webhook).toEqual({
      method: "POST",
      url: "https://crm.example.com/hook",
      contentType: "application/json",
      fields: [{ key: "email", value: "{{user.email}}", type: "text" }],
      headers: [{ name: "X-Api-Key", value: "", secret: true }],
    });
    const stored = JSON.stringify(await db().destinationTemplate.findMany());
    for (const dropped of ["variant-secret", "key-typed-in-editor", "b.example.com", "crmId"]) expect(stored).not.toContain(dropped);
  });

  it("viewers and requests without a session are refused and change nothing", async () => {
    as("editor");
    const existing = await actions.saveTemplateAction({ name: "Kept", webhook });
    if (!existing.ok) throw new Error(existing.message);
    const before = JSON.stringify(await db().destinationTemplate.findMany({ orderBy: { id: "asc" } }));
    for (const who of ["viewer", "none"] as const) {
      as(who);
      for (const res of [
        await actions.saveTemplateAction({ name: `By ${who}`, webhook }),
        await actions.updateTemplateAction(existing.data.template.id, { name: `Renamed by ${who}` }),
        await actions.deleteTemplateAction(existing.data.template.id),
      ]) expect(res.ok, who).toBe(false);
    }
    expect(JSON.stringify(await db().destinationTemplate.findMany({ orderBy: { id: "asc" } }))).toBe(before);
  });
});
