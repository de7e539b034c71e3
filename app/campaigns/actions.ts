"use server";
// The campaign editor's mutations: parse with the shared zod schema, call one lib function, revalidate.
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { failed, succeeded } from "@/lib/api/action-result";
import { idSchema } from "@/lib/api/ids";
import { CampaignNotFoundError, deleteAction, deleteCampaign, duplicateCampaign, getCampaignDraft, saveCampaign } from "@/lib/campaigns/campaigns";
import { campaignDraftSchema } from "@/lib/campaigns/schemas";
import { auditUi } from "@/app/member";
import { defineAction } from "@/app/define-action";

export const saveCampaignAction = defineAction({ role: "editor", schema: campaignDraftSchema, name: "Saving" }, async (draft, member) => {
  const { id, notices } = await saveCampaign(draft, member);
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

export const duplicateCampaignAction = defineAction({ role: "editor", schema: idSchema, name: "Duplicating" }, async (id, member) => {
  const copy = await duplicateCampaign(id, member);
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
