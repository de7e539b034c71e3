// The one role check every admin-only read and write of lib/auth goes through, and the error it throws.
// Kept apart from guard.ts (which reads the session through members.ts) so members.ts can use it too.
import type { Member } from "./members";
import { memberAllows, type Role } from "./roles";

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

/**
 * Holds the acting member to `required` (the owner acts as an admin): AccessError 403 otherwise.
 * Called first by the function that reads or writes, so no page, action or route can forget it.
 */
export function requireRole(actor: Pick<Member, "role">, required: Role): void {
  if (!memberAllows(actor, required)) throw new AccessError(403, `Your role (${actor.role}) cannot do this; it needs ${required} or above`);
}
