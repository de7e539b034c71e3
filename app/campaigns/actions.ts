"use server";
// The campaign editor's mutations: parse with the shared zod schema, call one lib function, revalidate.
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { failed, succeeded } from "@/lib/api/action-result";
import { idSchema } from "@/lib/api/ids";
import { campaignDraftOf, CampaignNotFoundError, campaignSaveAudit, deleteAction, deleteCampaign, duplicateCampaign, getCampaignDraft, loadCampaignRow } from "@/lib/campaigns/campaigns";
import { deliverySettingsOf } from "@/lib/delivery/forms/settings";
import { saveCampaignWithDelivery } from "@/lib/campaigns/save-with-delivery";
import { DELIVERY_ERROR_PREFIX } from "@/lib/campaigns/delivery-refs";
import { draftKeySchema } from "@/lib/campaigns/preview-input";
import { campaignDraftSchema } from "@/lib/campaigns/schemas";
import { attachDraftTestSends, TEST_SENDS_KEPT } from "@/lib/campaigns/test-sends";
import { templateSyntaxErrorsOfRaw } from "@/lib/campaigns/template-check";
import { auditUi } from "@/app/member";
import { defineAction } from "@/app/define-action";

/** The second argument: the page's delivery settings, saved with the campaign (omitted while it is active). */
// A draft refused for something else (no name) is also told of its template errors: one save names them all.
const draftWithAllProblems = campaignDraftSchema.superRefine(
  (draft, ctx) => {
    for (const [path, message] of Object.entries(templateSyntaxErrorsOfRaw(draft))) ctx.addIssue({ code: "custom", path: path.split(".").map((p) => (/^\d+$/.test(p) ? Number(p) : p)), message });
  },
  { when: (payload) => payload.issues.length > 0 },
);
const saveArgs = z.tuple([draftWithAllProblems, z.unknown().optional()]);

export const saveCampaignAction = defineAction({ role: "editor", schema: saveArgs, name: "Saving", argumentPrefixes: ["", DELIVERY_ERROR_PREFIX] }, async ([draft, delivery], member) => {
  const result = await saveCampaignWithDelivery(draft, delivery, member);
  if (!result.ok) return result;
  const saved = result.data;
  const { id, notices, deliveryProblem } = saved;
  const audit = campaignSaveAudit(draft, saved);
  await auditUi(audit.action, id, audit.details);
  revalidatePath("/campaigns");
  revalidatePath(`/campaigns/${id}`);
  const stored = await getCampaignDraft(id, member.role);
  if (!stored) throw new CampaignNotFoundError();
  // the tab holds the version the save hands it (saveCampaign's `held`), not always the stored one
  return succeeded({ id, draft: { ...stored, version: saved.held }, notices, deliveryProblem });
});

/**
 * The campaign as stored now (and its delivery settings), for "Merge their changes" after a save lost to another (the editor merges
 * it with what it holds: lib/campaigns/campaign-merge.ts). Whoever may load the editor may read it, as
 * its page shows it to them: secrets masked, a viewer's every credential part too (getCampaignDraft).
 */
export const loadStoredDraftAction = defineAction({ role: "viewer", schema: idSchema, name: "Loading their changes" }, async (id, member) => {
  const row = await loadCampaignRow(id);
  if (!row) throw new CampaignNotFoundError();
  const { status: _status, updatedAt: _updatedAt, ...draft } = campaignDraftOf(row, member.role);
  return succeeded({ draft, delivery: await deliverySettingsOf(row) });
});

/** After a webhook's first save (campaign id, webhook id, the page's draft key): the test sends this member made of its draft on this page join its history. */
export const attachDraftTestSendsAction = defineAction(
  { role: "editor", schema: z.tuple([idSchema, idSchema, draftKeySchema, z.array(idSchema).max(TEST_SENDS_KEPT)]), name: "Keeping the test sends" },
  async ([campaignId, actionId, draftKey, ids], member) => succeeded(await attachDraftTestSends(member.id, campaignId, actionId, draftKey, ids)),
);

export const deleteCampaignAction = defineAction({ role: "editor", schema: idSchema, name: "Deleting" }, async (id, member) => {
  if (!(await deleteCampaign(id, member.email))) return failed("This campaign was already deleted.");
  revalidatePath("/campaigns");
  return succeeded(undefined);
});

export const duplicateCampaignAction = defineAction({ role: "editor", schema: idSchema, name: "Duplicating" }, async (id, member) => {
  const copy = await duplicateCampaign(id, member);
  if (!copy) return failed("This campaign no longer exists.");
  await auditUi("campaign.created", copy, { duplicatedFrom: id });
  revalidatePath("/campaigns");
  return succeeded({ id: copy });
});

// the third argument: the version the tab holds, the fourth the cap exemption its box shows (an admin's);
// the answer is the one it holds next (deleteAction), as a Save's is
const deleteActionArgs = z.tuple([idSchema, idSchema, z.number().int().positive().optional(), z.boolean().optional()]);

export const deleteActionAction = defineAction({ role: "editor", schema: deleteActionArgs, name: "Deleting the webhook" }, async ([campaignId, actionId, version, capExempt], member) => {
  const held = await deleteAction(campaignId, actionId, member.email, { version, role: member.role, capExempt });
  revalidatePath("/campaigns");
  revalidatePath(`/campaigns/${campaignId}`);
  return succeeded(held);
});
