// Role checks for the UI's server actions and route handlers, on every request. Until sign-in is
// switched on (SIGN_IN_REQUIRED in gate.ts), a request without a session acts as an admin, so the app works as
// before; a signed-in member is always held to their role.
import { memberAllows, memberFromHeaders, type Member } from "./members";
import type { Role } from "./roles";
import { SIGN_IN_REQUIRED } from "./gate";

export { SIGN_IN_REQUIRED };

export class AccessError extends Error {
  constructor(
    readonly status: 401 | 403,
    message: string,
  ) {
    super(message);
  }
}

const ANONYMOUS: Member = { id: "anonymous", email: "anonymous", name: "Anonymous", role: "admin" };

export async function requireMember(headers: Headers, required: Role): Promise<Member> {
  const member = await memberFromHeaders(headers);
  if (!member) {
    if (!SIGN_IN_REQUIRED) return ANONYMOUS;
    throw new AccessError(401, "Sign in to continue");
  }
  if (!memberAllows(member, required)) throw new AccessError(403, `Your role (${member.role}) cannot do this; it needs ${required} or above`);
  return member;
}
