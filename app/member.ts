// The signed-in member of the current request, for server components and server actions.
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { recordAudit } from "@/lib/auth/audit";
import { requireMember } from "@/lib/auth/guard";
import { effectiveRole, memberFromHeaders } from "@/lib/auth/members";
import type { Role } from "@/lib/auth/roles";

// Once per request, however many components ask.
const memberOfRequest = cache(async () => memberFromHeaders(await headers()));

export async function currentMember() {
  return memberOfRequest();
}

/** The member acting, held to `role` (AccessError 401/403 otherwise). */
export async function actingMember(role: Role) {
  return requireMember(await headers(), role);
}

/** For the layout: the member, or a redirect to /sign-in when the path is not public. */
export async function memberOrSignIn() {
  const h = await headers();
  const member = await memberOfRequest();
  if (!member && h.get("x-hookline-public") !== "1") redirect("/sign-in");
  return member;
}

/** The role client components should hide controls for. */
export async function roleForUi(): Promise<Role> {
  const member = await memberOrSignIn();
  return member ? effectiveRole(member.role) : "viewer";
}

/** Records a change made in the UI in the audit log, by the signed-in member. */
export async function auditUi(action: string, target?: string | null, details?: Record<string, unknown>) {
  const member = await currentMember();
  await recordAudit({ actor: member?.email ?? "anonymous", action, target, details });
}
