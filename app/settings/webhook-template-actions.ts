"use server";
// Changes to the destination template library from the UI: the campaign editor's "Save as template"
// and Settings › Webhook templates (editors and admins; the list is read through /api/destination-templates).
// Secrets are left out by lib/campaigns/destination-templates.ts, whichever door a save comes through.
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { succeeded } from "@/lib/api/action-result";
import { idSchema } from "@/lib/api/ids";
import { templateInputSchema, templatePatchSchema } from "@/lib/campaigns/destination-template-schemas";
import { deleteDestinationTemplate, DestinationTemplateError, saveDestinationTemplate, updateDestinationTemplate } from "@/lib/campaigns/destination-templates";
import { defineAction } from "@/app/define-action";

export const saveTemplateAction = defineAction({ role: "editor", schema: templateInputSchema, name: "Saving the template" }, async (input, member) => {
  const { template, cleared } = await saveDestinationTemplate(input, member.email);
  revalidatePath("/settings");
  return succeeded({ template, cleared });
});

export const updateTemplateAction = defineAction({ role: "editor", schema: z.tuple([idSchema, templatePatchSchema]), name: "Saving the template" }, async ([id, patch], member) => {
  const { template } = await updateDestinationTemplate(id, patch, member.email);
  revalidatePath("/settings");
  return succeeded(template);
});

export const deleteTemplateAction = defineAction({ role: "editor", schema: idSchema, name: "Deleting the template" }, async (id, member) => {
  if (!(await deleteDestinationTemplate(id, member.email))) throw new DestinationTemplateError("This template was already deleted.", "not_found");
  revalidatePath("/settings");
  return succeeded(undefined);
});
