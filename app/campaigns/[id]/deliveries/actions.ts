"use server";
// The Delivery section's and the delivery log's server actions: each parses, calls one lib
// function, revalidates, and returns a typed result the component can show.
import { revalidatePath } from "next/cache";
import { saveDeliverySettings, deliverySettingsSchema } from "@/lib/delivery/settings";
import { activateCampaign, pauseCampaign, resumeCampaign, retryAllFailed, retryDelivery, cancelScheduled } from "@/lib/delivery/lifecycle";
import { auditUi, currentMember, denial } from "@/app/member";

export type ActionResult = { ok: true; message: string } | { ok: false; message: string; problems?: string[]; fieldErrors?: Record<string, string> };

export async function saveDeliveryAction(campaignId: string, input: unknown): Promise<ActionResult> {
  const denied = await denial("editor");
  if (denied) return { ok: false, message: denied };
  const parsed = deliverySettingsSchema.safeParse(input);
  if (!parsed.success) {
    const fieldErrors = Object.fromEntries(parsed.error.issues.map((i) => [i.path.join("."), i.message]));
    return { ok: false, message: "Check the highlighted delivery settings.", fieldErrors };
  }
  const saved = await saveDeliverySettings(campaignId, parsed.data);
  if (!saved.ok) return { ok: false, message: saved.message };
  revalidatePath(`/campaigns/${campaignId}`);
  return { ok: true, message: "Delivery settings saved." };
}

export async function activateAction(campaignId: string, input: unknown): Promise<ActionResult> {
  const denied = await denial("editor");
  if (denied) return { ok: false, message: denied };
  const saved = await saveDeliveryAction(campaignId, input);
  if (!saved.ok) return saved;
  const result = await activateCampaign(campaignId, { actor: (await currentMember())?.email ?? "anonymous" });
  revalidatePath(`/campaigns/${campaignId}`);
  if (!result.ok) return { ok: false, message: "The campaign cannot be activated yet:", problems: result.problems };
  const { scheduled, suppressed } = result.counts;
  return { ok: true, message: `Active: ${scheduled} deliveries planned${suppressed ? `, ${suppressed} suppressed` : ""}.` };
}

export async function pauseAction(campaignId: string): Promise<ActionResult> {
  const denied = await denial("editor");
  if (denied) return { ok: false, message: denied };
  const ok = await pauseCampaign(campaignId);
  if (ok) await auditUi("campaign.paused", campaignId);
  revalidatePath(`/campaigns/${campaignId}`);
  return ok ? { ok: true, message: "Paused: nothing sends until you resume." } : { ok: false, message: "Only an active campaign can be paused." };
}

export async function resumeAction(campaignId: string): Promise<ActionResult> {
  const denied = await denial("editor");
  if (denied) return { ok: false, message: denied };
  const ok = await resumeCampaign(campaignId);
  if (ok) await auditUi("campaign.resumed", campaignId);
  revalidatePath(`/campaigns/${campaignId}`);
  return ok ? { ok: true, message: "Resumed." } : { ok: false, message: "Only a paused campaign can be resumed." };
}

export async function retryDeliveryAction(deliveryId: string): Promise<ActionResult> {
  const denied = await denial("editor");
  if (denied) return { ok: false, message: denied };
  const ok = await retryDelivery(String(deliveryId));
  return ok ? { ok: true, message: "Retrying now." } : { ok: false, message: "Only a failed, retrying or suppressed delivery can be retried." };
}

export async function retryAllFailedAction(campaignId: string): Promise<ActionResult> {
  const denied = await denial("editor");
  if (denied) return { ok: false, message: denied };
  const count = await retryAllFailed(String(campaignId));
  return { ok: true, message: count ? `Retrying ${count} failed deliveries.` : "No failed deliveries to retry." };
}

export async function cancelScheduledAction(campaignId: string): Promise<ActionResult> {
  const denied = await denial("editor");
  if (denied) return { ok: false, message: denied };
  const count = await cancelScheduled(String(campaignId));
  return { ok: true, message: count ? `Cancelled ${count} scheduled deliveries.` : "Nothing was waiting to be sent." };
}
