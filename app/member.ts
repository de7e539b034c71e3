// The signed-in member of the current request, for server components and server actions.
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { cache, type ReactNode } from "react";
import { recordAudit } from "@/lib/auth/audit";
import { AccessError, requireMember } from "@/lib/auth/guard";
import { effectiveRole, memberAllows, memberFromHeaders, type Member } from "@/lib/auth/members";
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

/**
 * For a page (and its generateMetadata) before it reads anything: the signed-in member, else a redirect
 * to /sign-in; one below `role` goes to the campaign list. proxy.ts only sees that a session cookie is
 * there, and Next renders a page beside its layout, so the layout's check (memberOrSignIn) does not stop
 * a page's own reads: with a made-up cookie the redirect's body held the users, the campaign draft, the
 * settings. Every page that shows data is made with definePage (app/pages-check-member.test.ts).
 */
export async function pageMember(role: Role): Promise<Member> {
  const member = await memberOfRequest();
  if (!member) redirect("/sign-in");
  if (!memberAllows(member, role)) redirect("/campaigns");
  return member;
}

/** A page that shows data: `render` runs only for a signed-in member of at least `role` (pageMember). */
export function definePage<Props>(role: Role, render: (props: Props, member: Member) => Promise<ReactNode> | ReactNode) {
  return async function Page(props: Props): Promise<ReactNode> {
    const member = await pageMember(role);
    return render(props, member);
  };
}

/**
 * For a page showing what only some roles may read: the read's result, or null when the lib function
 * refused the member's role (403), for the page to say so. The lib function decides; the page only words it.
 */
export async function unlessRoleRefused<T>(read: Promise<T>): Promise<T | null> {
  try {
    return await read;
  } catch (err) {
    if (err instanceof AccessError && err.status === 403) return null;
    throw err;
  }
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
