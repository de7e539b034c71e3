"use client";
// The role picker of keys, invitations and members: the roles in lib/auth/roles.ts, highest first.
import type { SelectHTMLAttributes } from "react";
import { ROLES } from "@/lib/auth/roles";
import { inputClass } from "@/components/ui/Field";

export function RoleSelect({ className = "", ...props }: SelectHTMLAttributes<HTMLSelectElement>) {
  return (
    <select className={`${inputClass} ${className}`} {...props}>
      {ROLES.map((role) => (
        <option key={role} value={role}>
          {role}
        </option>
      ))}
    </select>
  );
}
