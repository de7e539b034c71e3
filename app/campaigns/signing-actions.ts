"use server";
// The signing secret buttons of a saved webhook: generate or rotate (shown once), remove.
import { z } from "zod";
import { succeeded } from "@/lib/api/action-result";
import { idSchema } from "@/lib/api/ids";
import { removeSigningSecret, rotateSigningSecret } from "@/lib/campaigns/signing-secrets";
import { defineAction } from "@/app/define-action";

const ids = z.tuple([idSchema, idSchema]);

export const rotateSigningSecretAction = defineAction({ role: "editor", schema: ids, name: "Changing the signing secret" }, async ([campaignId, actionId], member) => {
  return succeeded(await rotateSigningSecret(campaignId, actionId, { actor: member.email }));
});

export const removeSigningSecretAction = defineAction({ role: "editor", schema: ids, name: "Removing the signing secret" }, async ([campaignId, actionId], member) => {
  await removeSigningSecret(campaignId, actionId, member.email);
  return succeeded(undefined);
});
