"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { actingMember, auditUi, denial } from "@/app/member";
import { createApiKey, revokeApiKey } from "@/lib/auth/api-keys";
import { AccessError } from "@/lib/auth/guard";
import { changeMemberRole, inviteMember, MemberError, removeMember } from "@/lib/auth/members";
import { ROLES } from "@/lib/auth/roles";
import { frequencyCapForm, parseFrequencyCapForm, type FrequencyCapForm } from "@/lib/delivery/frequency-cap-form";
import { getFrequencyCap, setFrequencyCap } from "@/lib/delivery/frequency-cap-setting";

export type Result<T = undefined> = { ok: true; data: T } | { ok: false; message: string; fieldErrors?: Record<string, string> };

async function guarded<T>(run: () => Promise<T>): Promise<Result<T>> {
  try {
    const data = await run();
    revalidatePath("/settings");
    return { ok: true, data };
  } catch (err) {
    if (err instanceof AccessError || err instanceof MemberError) return { ok: false, message: err.message };
    if (err instanceof z.ZodError) return { ok: false, message: err.issues[0]?.message ?? "Check the form" };
    throw err;
  }
}

const keySchema = z.object({ name: z.string().trim().min(1, "Give the key a name").max(80, "At most 80 characters"), role: z.enum(ROLES) });

export async function createApiKeyAction(input: { name: string; role: string }): Promise<Result<{ key: string }>> {
  return guarded(async () => {
    const member = await actingMember("admin");
    const { name, role } = keySchema.parse(input);
    const { key } = await createApiKey({ name, role, actor: member.email });
    return { key };
  });
}

export async function revokeApiKeyAction(id: string): Promise<Result> {
  return guarded(async () => {
    const member = await actingMember("admin");
    await revokeApiKey(id, member.email);
    return undefined;
  });
}

export async function inviteMemberAction(input: { email: string; role: string }): Promise<Result<{ link: string }>> {
  return guarded(async () => {
    const member = await actingMember("admin");
    const role = z.enum(ROLES, "Choose admin, editor or viewer").parse(input.role);
    const { token } = await inviteMember({ email: input.email, role }, member);
    return { link: `/invite/${token}` };
  });
}

export async function changeRoleAction(memberId: string, role: string): Promise<Result> {
  return guarded(async () => {
    const member = await actingMember("admin");
    await changeMemberRole(memberId, z.enum(ROLES).parse(role), member);
    return undefined;
  });
}

export async function removeMemberAction(memberId: string): Promise<Result> {
  return guarded(async () => {
    const member = await actingMember("admin");
    await removeMember(memberId, member);
    return undefined;
  });
}

/** Settings › Delivery limits: the install-wide cap on webhook sends per user per day and per week. */
export async function saveFrequencyCapAction(input: FrequencyCapForm): Promise<Result<FrequencyCapForm>> {
  const refused = await denial("admin");
  if (refused) return { ok: false, message: refused };
  const parsed = parseFrequencyCapForm(input);
  if (!parsed.ok) return { ok: false, message: "Check the limits: each is a whole number, or blank for no cap.", fieldErrors: parsed.fieldErrors };
  const before = await getFrequencyCap();
  await setFrequencyCap(parsed.cap);
  await auditUi("frequency_cap.updated", null, { from: before, to: parsed.cap });
  revalidatePath("/settings");
  return { ok: true, data: frequencyCapForm(parsed.cap) };
}
