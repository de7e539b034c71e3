"use server";
// The signing secret buttons of a saved webhook: generate or rotate (shown once), remove.
import { z } from "zod";
import type { ActionResult } from "@/lib/campaigns/schemas";
import { removeSigningSecret, rotateSigningSecret, type SigningState } from "@/lib/campaigns/signing-secrets";
import { log } from "@/lib/log";
import { auditUi, denial } from "@/app/member";

const ids = z.object({ campaignId: z.string().min(1).max(64), actionId: z.string().min(1).max(64) });
const gone = { ok: false as const, fieldErrors: {}, message: "Save the webhook first: it has no signing secret yet." };
const broken = { ok: false as const, fieldErrors: {}, message: "The signing secret could not be changed because of a server problem. Try again." };

export async function rotateSigningSecretAction(campaignId: string, actionId: string): Promise<ActionResult<{ secret: string; state: SigningState }>> {
  const denied = await denial("editor");
  if (denied) return { ok: false, fieldErrors: {}, message: denied };
  if (!ids.safeParse({ campaignId, actionId }).success) return gone;
  try {
    const result = await rotateSigningSecret(campaignId, actionId);
    // The first secret is generated; only replacing one (the old one then stays valid a while) is a rotation.
    if (result) await auditUi(result.state.previousValidUntil ? "signing_secret.rotated" : "signing_secret.created", actionId, { campaignId });
    return result ? { ok: true, data: result } : gone;
  } catch (err) {
    log.error("Rotating a signing secret failed", { error: err instanceof Error ? err.message : String(err) });
    return broken;
  }
}

export async function removeSigningSecretAction(campaignId: string, actionId: string): Promise<ActionResult> {
  const denied = await denial("editor");
  if (denied) return { ok: false, fieldErrors: {}, message: denied };
  if (!ids.safeParse({ campaignId, actionId }).success) return gone;
  try {
    await removeSigningSecret(campaignId, actionId);
    await auditUi("signing_secret.removed", actionId, { campaignId });
    return { ok: true, data: undefined };
  } catch (err) {
    log.error("Removing a signing secret failed", { error: err instanceof Error ? err.message : String(err) });
    return broken;
  }
}
