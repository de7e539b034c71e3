"use server";
// The campaign editor's mutations: parse with the shared zod schema, call one lib function, revalidate.
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { failed, succeeded } from "@/lib/api/action-result";
import { idSchema } from "@/lib/api/ids";
import { CampaignNotFoundError, deleteAction, deleteCampaign, duplicateCampaign, getCampaignDraft, saveCampaign } from "@/lib/campaigns/campaigns";
import { campaignDraftSchema } from "@/lib/campaigns/schemas";
import { templateSyntaxErrors } from "@/lib/campaigns/template-check";
import { auditUi } from "@/app/member";
import { defineAction } from "@/app/define-action";

export const saveCampaignAction = defineAction({ role: "editor", schema: campaignDraftSchema, name: "Saving" }, async (draft) => {
  const templateErrors = templateSyntaxErrors(draft);
  const count = Object.keys(templateErrors).length;
  if (count) return failed(`${count === 1 ? "A template has" : `${count} templates have`} a syntax error; fix it, then save again.`, templateErrors);
  const { id, notices } = await saveCampaign(draft);
  await auditUi(draft.id ? "campaign.updated" : "campaign.created", id, { name: draft.name });
  revalidatePath("/campaigns");
  revalidatePath(`/campaigns/${id}`);
  const saved = await getCampaignDraft(id);
  if (!saved) throw new CampaignNotFoundError();
  return succeeded({ id, draft: saved, notices });
});

export const deleteCampaignAction = defineAction({ role: "editor", schema: idSchema, name: "Deleting" }, async (id) => {
  if (!(await deleteCampaign(id))) return failed("This campaign was already deleted.");
  await auditUi("campaign.deleted", id);
  revalidatePath("/campaigns");
  return succeeded(undefined);
});

export const duplicateCampaignAction = defineAction({ role: "editor", schema: idSchema, name: "Duplicating" }, async (id) => {
  const copy = await duplicateCampaign(id);
  if (!copy) return failed("This campaign no longer exists.");
  revalidatePath("/campaigns");
  return succeeded({ id: copy });
});

export const deleteActionAction = defineAction({ role: "editor", schema: z.tuple([idSchema, idSchema]), name: "Deleting the webhook" }, async ([campaignId, actionId]) => {
  await deleteAction(campaignId, actionId);
  revalidatePath("/campaigns");
  revalidatePath(`/campaigns/${campaignId}`);
  return succeeded(undefined);
});
