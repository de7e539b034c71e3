// Who may do what: admin (everything, including keys and members) > editor (campaigns and users)
// > viewer (read-only). The one place that orders roles; the API and the UI both ask here.
export const ROLES = ["admin", "editor", "viewer"] as const;
export type Role = (typeof ROLES)[number];

const rank: Record<Role, number> = { viewer: 1, editor: 2, admin: 3 };

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

/** Whether `role` is allowed to do what needs `required`. */
export function roleAllows(role: Role, required: Role): boolean {
  return rank[role] >= rank[required];
}

/** A member's role: the owner, created on first run, acts as an admin. */
export type MemberRole = Role | "owner";

export function isMemberRole(value: unknown): value is MemberRole {
  return value === "owner" || isRole(value);
}

/** Whether `role` may exempt a campaign from the frequency cap or lift its exemption: the cap is an admin's setting. */
export function mayChangeCapExempt(role: MemberRole): boolean {
  return effectiveRole(role) === "admin";
}

/** Whether a member (the owner as an admin) may do what needs `required`. */
export function memberAllows(member: { role: MemberRole }, required: Role): boolean {
  return roleAllows(effectiveRole(member.role), required);
}

/** The role a member acts with: the owner is an admin. */
export function effectiveRole(role: MemberRole): Role {
  return role === "owner" ? "admin" : role;
}
