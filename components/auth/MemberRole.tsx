"use client";
// The signed-in member's role for client components that hide what the role cannot do (the server
// checks again on every request). Without a provider everything is allowed, as before sign-in existed.
import { createContext, useContext, type ReactNode } from "react";
import { roleAllows, type Role } from "@/lib/auth/roles";

const MemberRoleContext = createContext<Role>("admin");

export function MemberRoleProvider({ role, children }: { role: Role; children: ReactNode }) {
  return <MemberRoleContext.Provider value={role}>{children}</MemberRoleContext.Provider>;
}

/** Whether the member may do what needs `required` (for showing or hiding controls). */
export function useRoleAllows(required: Role): boolean {
  return roleAllows(useContext(MemberRoleContext), required);
}
