// Real better-auth sessions for tests that call route handlers directly: the cookie header a
// signed-in browser would send.
import { auth } from "@/lib/auth/better-auth";
import { acceptInvite, createOwner, inviteMember, type Member } from "@/lib/auth/members";
import type { Role } from "@/lib/auth/roles";

/** Signs in with email and password; the Cookie header of the session. */
export async function sessionCookie(email: string, password: string): Promise<string> {
  const res = await auth().api.signInEmail({ body: { email, password }, asResponse: true });
  if (!res.ok) throw new Error(`sign-in failed for ${email}: ${res.status}`);
  return res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
}

/** Creates the owner (once per database) and one signed-in member of each role; their Cookie headers. */
export async function memberCookies(): Promise<Record<"owner" | Role, string> & { ownerMember: Member }> {
  const ownerMember = await createOwner({ email: "owner@example.com", password: "owner-password" });
  const cookies: Record<string, string> = { owner: await sessionCookie("owner@example.com", "owner-password") };
  for (const role of ["admin", "editor", "viewer"] as const) {
    const { token } = await inviteMember({ email: `${role}@example.com`, role }, ownerMember);
    await acceptInvite(token, { name: role, password: `${role}-password` });
    cookies[role] = await sessionCookie(`${role}@example.com`, `${role}-password`);
  }
  return { ...(cookies as Record<"owner" | Role, string>), ownerMember };
}
