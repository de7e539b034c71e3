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
