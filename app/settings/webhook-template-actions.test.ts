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
