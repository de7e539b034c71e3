"use server";
// The campaign editor's mutations: parse with the shared zod schema, call one lib function, revalidate.
import { revalidatePath } from "next/cache";
import { z } from "zod";
import {
  CampaignNotFoundError,
  type CampaignForEditor,
  deleteAction,
  deleteCampaign,
  duplicateCampaign,
  getCampaignDraft,
  saveCampaign,
  type SaveNotices,
} from "@/lib/campaigns/campaigns";
import { campaignDraftSchema, invalid, type ActionResult, type CampaignDraftInput } from "@/lib/campaigns/schemas";
import { templateSyntaxErrors } from "@/lib/campaigns/template-check";
import { log } from "@/lib/log";
import { auditUi, denial } from "@/app/member";

const idSchema = z.string().min(1).max(64);

function failure(message: string): { ok: false; fieldErrors: Record<string, string>; message: string } {
  return { ok: false, fieldErrors: {}, message };
}

async function guarded<T>(what: string, fn: () => Promise<ActionResult<T>>): Promise<ActionResult<T>> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof CampaignNotFoundError) return failure(err.message);
    log.error(`${what} failed`, { error: err instanceof Error ? err.message : String(err) });
    return failure(`${what} failed because of a server problem. Nothing was lost: try again.`);
  }
}

export async function saveCampaignAction(
  input: CampaignDraftInput,
): Promise<ActionResult<{ id: string; draft: CampaignForEditor; notices: SaveNotices }>> {
  const denied = await denial("editor");
  if (denied) return failure(denied);
  const parsed = campaignDraftSchema.safeParse(input);
  if (!parsed.success) return invalid(parsed.error);
  const templateErrors = templateSyntaxErrors(parsed.data);
  const count = Object.keys(templateErrors).length;
  if (count) return { ok: false, fieldErrors: templateErrors, message: `${count === 1 ? "A template has" : `${count} templates have`} a syntax error; fix it, then save again.` };
  return guarded("Saving", async () => {
    const { id, notices } = await saveCampaign(parsed.data);
    await auditUi(parsed.data.id ? "campaign.updated" : "campaign.created", id, { name: parsed.data.name });
    revalidatePath("/campaigns");
    revalidatePath(`/campaigns/${id}`);
    const draft = await getCampaignDraft(id);
    if (!draft) throw new CampaignNotFoundError();
    return { ok: true, data: { id, draft, notices } };
  });
}

export async function deleteCampaignAction(id: string): Promise<ActionResult> {
  const denied = await denial("editor");
  if (denied) return failure(denied);
  if (!idSchema.safeParse(id).success) return failure("Unknown campaign.");
  return guarded("Deleting", async () => {
    if (!(await deleteCampaign(id))) return failure("This campaign was already deleted.");
    await auditUi("campaign.deleted", id);
    revalidatePath("/campaigns");
    return { ok: true, data: undefined };
  });
}

export async function duplicateCampaignAction(id: string): Promise<ActionResult<{ id: string }>> {
  const denied = await denial("editor");
  if (denied) return failure(denied);
  if (!idSchema.safeParse(id).success) return failure("Unknown campaign.");
  return guarded("Duplicating", async () => {
    const copy = await duplicateCampaign(id);
    if (!copy) return failure("This campaign no longer exists.");
    await auditUi("campaign.created", copy, { duplicatedFrom: id });
    revalidatePath("/campaigns");
    return { ok: true, data: { id: copy } };
  });
}

export async function deleteActionAction(campaignId: string, actionId: string): Promise<ActionResult> {
  const denied = await denial("editor");
  if (denied) return failure(denied);
  if (!idSchema.safeParse(campaignId).success || !idSchema.safeParse(actionId).success) return failure("Unknown webhook.");
  return guarded("Deleting the webhook", async () => {
    await deleteAction(campaignId, actionId);
    revalidatePath("/campaigns");
    revalidatePath(`/campaigns/${campaignId}`);
    return { ok: true, data: undefined };
  });
}
