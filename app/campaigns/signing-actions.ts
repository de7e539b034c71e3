"use server";
// The signing secret buttons of a saved webhook: generate or rotate (shown once), remove.
import { z } from "zod";
import { failed, succeeded } from "@/lib/api/action-result";
import { idSchema } from "@/lib/api/ids";
import { removeSigningSecret, rotateSigningSecret } from "@/lib/campaigns/signing-secrets";
import { auditUi } from "@/app/member";
import { defineAction } from "@/app/define-action";

const ids = z.tuple([idSchema, idSchema]);
const GONE = "Save the webhook first: it has no signing secret yet.";

export const rotateSigningSecretAction = defineAction({ role: "editor", schema: ids, name: "Changing the signing secret" }, async ([campaignId, actionId]) => {
  const result = await rotateSigningSecret(campaignId, actionId);
  if (!result) return failed(GONE);
  // The first secret is generated; only replacing one (the old one then stays valid a while) is a rotation.
  await auditUi(result.state.previousValidUntil ? "signing_secret.rotated" : "signing_secret.created", actionId, { campaignId });
  return succeeded(result);
});

export const removeSigningSecretAction = defineAction({ role: "editor", schema: ids, name: "Removing the signing secret" }, async ([campaignId, actionId]) => {
  await removeSigningSecret(campaignId, actionId);
  await auditUi("signing_secret.removed", actionId, { campaignId });
  return succeeded(undefined);
});
