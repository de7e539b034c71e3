// Role checks for the UI's server actions and route handlers, on every request: a request without a
// session is refused (401), a signed-in member is held to their role (403).
import { memberAllows, memberFromHeaders, type Member } from "./members";
import type { Role } from "./roles";

export class AccessError extends Error {
  constructor(
    readonly status: 401 | 403,
    message: string,
    /** the input field the role may not change ("capExempt"), named in the API's details */
    readonly field?: string,
  ) {
    super(message);
  }
}

export async function requireMember(headers: Headers, required: Role): Promise<Member> {
  const member = await memberFromHeaders(headers);
  if (!member) throw new AccessError(401, "Sign in to continue");
  if (!memberAllows(member, required)) throw new AccessError(403, `Your role (${member.role}) cannot do this; it needs ${required} or above`);
  return member;
}
