"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { failed, succeeded } from "@/lib/api/action-result";
import { idSchema } from "@/lib/api/ids";
import { createApiKey, revokeApiKey } from "@/lib/auth/api-keys";
import { changeMemberRole, inviteMember, removeMember, renewInvite, revokeInvite } from "@/lib/auth/members";
import { ROLES } from "@/lib/auth/roles";
import { frequencyCapForm, parseFrequencyCapForm } from "@/lib/delivery/forms/frequency-cap-form";
import { getFrequencyCap, setFrequencyCap } from "@/lib/delivery/store/frequency-cap-setting";
import { auditUi } from "@/app/member";
import { defineAction } from "@/app/define-action";

// The select sends a string; the action accepts only a role.
const role = z.string().pipe(z.enum(ROLES, "Choose admin, editor or viewer"));
const keySchema = z.object({ name: z.string().trim().min(1, "Give the key a name").max(80, "At most 80 characters"), role });
// The address is checked by inviteMember (lib/auth/members.ts); here only its shape and size.
const inviteSchema = z.object({ email: z.string().max(320), role });
const capSchema = z.object({ perDay: z.string().max(40), perWeek: z.string().max(40) });

export const createApiKeyAction = defineAction({ role: "admin", schema: keySchema, name: "Creating the key" }, async ({ name, role }, member) => {
  const { key } = await createApiKey({ name, role }, member);
  revalidatePath("/settings");
  return succeeded({ key });
});

export const revokeApiKeyAction = defineAction({ role: "admin", schema: idSchema, name: "Revoking the key" }, async (id, member) => {
  await revokeApiKey(id, member);
  revalidatePath("/settings");
  return succeeded(undefined);
});

export const inviteMemberAction = defineAction({ role: "admin", schema: inviteSchema, name: "Inviting" }, async (input, member) => {
  const { token, email } = await inviteMember(input, member);
  revalidatePath("/settings");
  return succeeded({ link: `/invite/${token}`, email });
});

export const renewInviteAction = defineAction({ role: "admin", schema: idSchema, name: "Making a new invitation link" }, async (inviteId, member) => {
  const { token, email } = await renewInvite(inviteId, member);
  revalidatePath("/settings");
  return succeeded({ link: `/invite/${token}`, email });
});

export const changeRoleAction = defineAction({ role: "admin", schema: z.tuple([idSchema, role]), name: "Changing the role" }, async ([memberId, newRole], member) => {
  await changeMemberRole(memberId, newRole, member);
  revalidatePath("/settings");
  return succeeded(undefined);
});

export const removeMemberAction = defineAction({ role: "admin", schema: idSchema, name: "Removing the member" }, async (memberId, member) => {
  await removeMember(memberId, member);
  revalidatePath("/settings");
  return succeeded(undefined);
});

export const revokeInviteAction = defineAction({ role: "admin", schema: idSchema, name: "Withdrawing the invitation" }, async (inviteId, member) => {
  await revokeInvite(inviteId, member);
  revalidatePath("/settings");
  return succeeded(undefined);
});

/** Settings › Delivery limits: the install-wide cap on webhook sends per user per day and per week. */
export const saveFrequencyCapAction = defineAction({ role: "admin", schema: capSchema, name: "Saving the limits" }, async (input, member) => {
  const parsed = parseFrequencyCapForm(input);
  if (!parsed.ok) return failed("Check the limits: each is a whole number, or blank for no cap.", parsed.fieldErrors as Record<string, string>);
  const before = await getFrequencyCap();
  await setFrequencyCap(parsed.cap, member);
  await auditUi("frequency_cap.updated", null, { from: before, to: parsed.cap });
  revalidatePath("/settings");
  return succeeded(frequencyCapForm(parsed.cap));
});
