"use client";
// The role picker of keys, invitations and members: the roles in lib/auth/roles.ts, highest first.
import { useId, type SelectHTMLAttributes } from "react";
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

/**
 * The role picker under its "Role" label, tied by htmlFor: a label wrapping a select is announced with
 * its options run in ("Roleadmineditorviewer").
 */
export function RoleField({ value, onChange }: { value: string; onChange: (role: string) => void }) {
  const id = useId();
  return (
    <div className="text-sm">
      <label htmlFor={id} className="block">
        Role
      </label>
      <RoleSelect id={id} className="mt-1" value={value} onChange={(e) => onChange(e.target.value)} />
    </div>
  );
}
