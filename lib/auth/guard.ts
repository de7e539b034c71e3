// Role checks for the UI's server actions and route handlers, on every request: a request without a
// session is refused (401), a signed-in member is held to their role (403).
import { AccessError, requireRole } from "./access";
import { memberFromHeaders, type Member } from "./members";
import type { Role } from "./roles";

export { AccessError, requireRole } from "./access";

export async function requireMember(headers: Headers, required: Role): Promise<Member> {
  const member = await memberFromHeaders(headers);
  if (!member) throw new AccessError(401, "Sign in to continue");
  requireRole(member, required);
  return member;
}
