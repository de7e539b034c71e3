"use server";
// The Delivery section's and the delivery log's server actions: each parses, calls one lib
// function, revalidates, and returns the one ActionResult the component shows. Activate, Pause and
// Resume return the status they led to: their line stays while the page follows the campaign there.
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { failed, fieldErrorsOf, succeeded, type ActionResult } from "@/lib/api/action-result";
import { idSchema } from "@/lib/api/ids";
import { saveDeliverySettings, deliverySettingsSchema } from "@/lib/delivery/forms/settings";
import { activateCampaign, activationMessage, type SettingsSaved, checkActivation, pauseCampaign, resumeCampaign, resumeMessage, resumeWarnings, retryAllFailed, retryAllMessage, retryDelivery, RetryRefusedError, cancelScheduled } from "@/lib/delivery/store/lifecycle";
import { actionFailure, defineAction } from "@/app/define-action";
import type { Member } from "@/lib/auth/members";
import { plural } from "@/lib/text/plural";
import { hostHoldOf } from "@/lib/delivery/store/host-hold";
import { retryOnHoldMessage } from "@/lib/delivery/core/hold-reason";

// The settings are parsed leniently here and strictly below, so their errors land on the form's fields.
const settingsArgs = z.tuple([idSchema, z.unknown()]);
// the dry run's token of its sample renders' verdict, sent back by the dialog (lib/delivery/store/sample-verdict.ts)
const sampleCheck = z.string().max(100_000).optional();
// the campaign's version the page was loaded or last saved at: a campaign changed since is refused, not written over
const loadedVersion = z.number().int().positive().optional();
const activateArgs = z.tuple([idSchema, z.unknown(), sampleCheck, loadedVersion]);

/** Activate's save of the settings on screen; `held`: the version the tab holds next (saveDeliverySettings). */
async function save(campaignId: string, input: unknown, member: Member, version: number | undefined): Promise<ActionResult<{ held: number; contentVersion: SettingsSaved }>> {
  const parsed = deliverySettingsSchema.safeParse(input);
  if (!parsed.success) return failed("Check the highlighted delivery settings.", fieldErrorsOf(parsed.error));
  const check = version !== undefined ? { check: { version } } : {};
  const saved = await saveDeliverySettings(campaignId, parsed.data, { actor: member.email, role: member.role, ...check });
  if (!saved.ok) return "path" in saved ? failed("Check the highlighted delivery settings.", { [saved.path]: saved.message }) : failed(saved.message);
  revalidatePath(`/campaigns/${campaignId}`);
  return succeeded({ held: saved.held, contentVersion: saved.contentVersion });
}

const refusedActivation = (result: { problems: string[]; fieldErrors?: Record<string, string> }) => failed("The campaign cannot be activated yet:", result.fieldErrors ?? {}, result.problems);

// `version` in the answer, refused or not: the version the tab holds next, as a Save's or a webhook delete's
export const activateAction = defineAction({ role: "editor", schema: activateArgs, name: "Activating" }, async ([campaignId, input, check, version], member) => {
  // the settings on this page, saved as a Save saves them: a change moves the version (an exemption's
  // alone `version` only, so the dry run's sample verdict, keyed on `contentVersion`, still stands), and
  // an API client's ETag or another tab from before is then refused. From a tab older than the
  // campaign: refused ("changed since you opened it")
  const saved = await save(campaignId, input, member, version);
  if (!saved.ok) return saved;
  const held = saved.data.held;
  // the dry run judged these settings before they were saved: its verdict is weighed as of then. What
  // it throws (the member's share of rendering time spent, ...) still hands the tab the version its
  // save moved to (the second review: the tab's next exemption change was refused as its own conflict)
  let result: Awaited<ReturnType<typeof activateCampaign>>;
  try {
    result = await activateCampaign(campaignId, { actor: member.email, sampleCheck: check, memberId: member.id, settingsSaved: saved.data.contentVersion });
  } catch (err) {
    return { ...actionFailure("Activating", err), version: held };
  }
  revalidatePath(`/campaigns/${campaignId}`);
  // a webhook's problems are at its fields too ("actions.0.fields.1.value"), where the editor shows them
  if (!result.ok) return { ...refusedActivation(result), version: held };
  return succeeded({ status: result.status, version: held }, activationMessage(result));
});

// Activate's dry run, asked before its confirmation: the refusal activateAction would give, in its
// words, for the settings on screen (nothing is saved or activated).
// Its sample renders take the member's share of rendering time (lib: sampleRenderCheck), as Resume's check and Activate's do.
export const checkActivationAction = defineAction({ role: "editor", schema: settingsArgs, name: "Checking" }, async ([campaignId, input], member) => {
  const parsed = deliverySettingsSchema.safeParse(input);
  if (!parsed.success) return failed("Check the highlighted delivery settings.", fieldErrorsOf(parsed.error));
  const result = await checkActivation(campaignId, { settings: parsed.data, memberId: member.id });
  return result.ok ? succeeded({ controlGroups: result.controlGroups, readingEarlierSteps: result.readingEarlierSteps, timedByEarlierSteps: result.timedByEarlierSteps, unknownAttributes: result.unknownAttributes, sampleFailures: result.sampleFailures, emptyInUrl: result.emptyInUrl, sampleCheck: result.sampleCheck, atCap: result.atCap }) : refusedActivation(result);
});

export const pauseAction = defineAction({ role: "editor", schema: idSchema, name: "Pausing" }, async (campaignId, member) => {
  const ok = await pauseCampaign(campaignId, member.email);
  revalidatePath(`/campaigns/${campaignId}`);
  // what a triggered campaign misses meanwhile, and how to catch it up, is the paused note's (PausedNote)
  return ok ? succeeded({ status: "paused" as const }, "Paused: nothing sends until you resume.") : failed("Only an active campaign can be paused.");
});

const resumeArgs = z.tuple([idSchema, z.object({ catchUp: z.boolean(), sampleCheck }).partial().strict().optional()]);

// Resume's check before it asks: the webhooks' references to attributes no user has (nothing changes)
export const resumeWarningsAction = defineAction({ role: "editor", schema: idSchema, name: "Checking" }, async (campaignId, member) => succeeded(await resumeWarnings(campaignId, { memberId: member.id })));

export const resumeAction = defineAction({ role: "editor", schema: resumeArgs, name: "Resuming" }, async ([campaignId, options], member) => {
  const result = await resumeCampaign(campaignId, member.email, { catchUp: options?.catchUp, sampleCheck: options?.sampleCheck, memberId: member.id });
  revalidatePath(`/campaigns/${campaignId}`);
  return result.ok ? succeeded({ status: "active" as const }, resumeMessage(result)) : failed(result.message);
});

export const retryDeliveryAction = defineAction({ role: "editor", schema: idSchema, name: "Retrying" }, async (deliveryId, member) => {
  try {
    // read before the retry reopens the row: its own reason may be the hold's
    const hold = await hostHoldOf(deliveryId);
    const ok = await retryDelivery(deliveryId, member.email);
    if (!ok) return failed("Only a failed, retrying or suppressed delivery can be retried.");
    // its host on hold, the engine holds it again until the next try: "now" would not be true
    return hold ? succeeded({ onItsWay: 1, hostHold: hold }, retryOnHoldMessage(hold.host, hold.until)) : succeeded({ onItsWay: 1 }, "Retrying now.");
  } catch (err) {
    // it would not send (the frequency cap that stopped it still applies, or it waits for an earlier step
    // that finished without an answer): the log says so, and what to do, instead of "Retrying now."
    if (err instanceof RetryRefusedError) return failed(err.message);
    throw err;
  }
});

export const retryAllFailedAction = defineAction({ role: "editor", schema: idSchema, name: "Retrying" }, async (campaignId, member) => {
  const result = await retryAllFailed(campaignId, member.email);
  // `onItsWay`: what the line tells of is sent again (it goes once nothing waits: components/useResultLine.ts);
  // the ones left as they are (they would be stopped again at once) are said, with why
  return succeeded({ onItsWay: result.retried }, retryAllMessage(result));
});

export const cancelScheduledAction = defineAction({ role: "editor", schema: idSchema, name: "Cancelling" }, async (campaignId, member) => {
  const count = await cancelScheduled(campaignId, member.email);
  return succeeded(undefined, count ? `Cancelled ${plural(count, "waiting delivery", "waiting deliveries")}.` : "Nothing was waiting to be sent.");
});
