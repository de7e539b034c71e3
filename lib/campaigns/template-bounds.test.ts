// Saved destination templates are bounded in number and size: every member (viewers too) and every
// API key reads the whole library at once (Settings, the editor's template picker, GET
// /api/destination-templates and /api/v1/templates), so an editor's key saving a few hundred templates
// of 100 fields of 16 KiB each (2.4 MB apiece, inside the API's 5 MB body) made each of those reads
// hundreds of megabytes: the server ran out of memory whenever anyone opened the editor.
import { describe, expect, it } from "vitest";
import { db } from "../db";
import { templateInputSchema, type TemplateInput } from "./destination-template-schemas";
import { DestinationTemplateError, listDestinationTemplates, MAX_SAVED_TEMPLATES, MAX_TEMPLATE_BYTES, saveDestinationTemplate, updateDestinationTemplate } from "./destination-templates";
import { actionFailure } from "@/app/define-action";
import { saveTemplateByApi, updateTemplateByApi } from "../api/templates";
import { ApiError } from "../api/errors";

const save = (input: TemplateInput) => saveDestinationTemplate(templateInputSchema.parse(input), "ed@example.com");
const small = (name: string): TemplateInput => ({ name, webhook: { url: "https://crm.example.com/x", fields: [{ key: "email", value: "{{user.email}}" }] } });
const big = (name: string): TemplateInput => ({
  name,
  webhook: { url: "https://crm.example.com/x", fields: Array.from({ length: 100 }, (_, i) => ({ key: `f${i}`, value: "x".repeat(16 * 1024) })) },
});

describe("the destination template library's bounds", () => {
  it("refuses a template whose webhook is over the size limit, on save and on edit, and stores nothing", async () => {
    const refused = await save(big("Huge")).catch((err) => err);
    expect(refused).toBeInstanceOf(DestinationTemplateError);
    expect(refused.message).toBe(`A template can hold at most ${MAX_TEMPLATE_BYTES / 1024} KiB of URL, fields and headers; this one holds 1,601 KiB. Keep the parts a webhook starts from.`);
    expect(refused.field).toBe("webhook");
    expect(await db().destinationTemplate.count({ where: { name: "Huge" } })).toBe(0);
    // the form shows it at the field, the API answers 400 with it: never a 500
    expect(actionFailure("Saving the template", refused)).toMatchObject({ ok: false, message: refused.message, fieldErrors: { webhook: refused.message } });
    await expect(saveTemplateByApi(templateInputSchema.parse(big("Huge")), "API key")).rejects.toMatchObject({ status: 400, code: "validation_error", message: `webhook: ${refused.message}` });

    const { template } = await save(small("Grows later"));
    await expect(updateDestinationTemplate(template.id, { webhook: templateInputSchema.parse(big("x")).webhook }, "ed@example.com")).rejects.toBeInstanceOf(DestinationTemplateError);
    const api = await updateTemplateByApi(template.id, { webhook: templateInputSchema.parse(big("x")).webhook }, "API key").catch((err) => err);
    expect(api).toBeInstanceOf(ApiError);
    expect(api.status).toBe(400);
    expect((await listDestinationTemplates()).find((t) => t.id === template.id)?.webhook.fields).toHaveLength(1);
  });

  it("refuses a template beyond the number a library may hold; deleting one makes room", async () => {
    await db().destinationTemplate.deleteMany();
    await db().destinationTemplate.createMany({
      data: Array.from({ length: MAX_SAVED_TEMPLATES }, (_, i) => ({ name: `T${i}`, urlTemplate: "https://crm.example.com/x", fields: [], headers: [], createdBy: "ed@example.com" })),
    });
    const refused = await save(small("One more")).catch((err) => err);
    expect(refused).toBeInstanceOf(DestinationTemplateError);
    expect(refused.message).toBe(`The library holds ${MAX_SAVED_TEMPLATES} saved templates, the most it can: delete one you no longer use first.`);
    await expect(saveTemplateByApi(templateInputSchema.parse(small("One more")), "API key")).rejects.toMatchObject({ status: 409, code: "conflict" });
    expect(await db().destinationTemplate.count()).toBe(MAX_SAVED_TEMPLATES);

    await db().destinationTemplate.deleteMany({ where: { name: "T0" } });
    await expect(save(small("One more"))).resolves.toMatchObject({ template: { name: "One more" } });
  });
});
