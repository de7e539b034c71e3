"use client";
// Beside a send the SSRF guard refused: for admins, a link to Settings › Allowed destinations with
// the refused address filled in (others read the refusal, which says an admin can allow it).
import Link from "next/link";
import { useRoleAllows } from "./auth/MemberRole";

const REFUSED = /destination (\S+) .*Settings › Allowed destinations/;

export function AllowDestinationLink({ error }: { error: string | null | undefined }) {
  const admin = useRoleAllows("admin");
  const match = error ? REFUSED.exec(error) : null;
  if (!match || !admin) return null;
  return (
    <Link className="text-sm font-medium text-indigo-700 underline" href={`/settings?allow=${encodeURIComponent(match[1]!)}#allowed-destinations`}>
      Allow it in Settings › Allowed destinations
    </Link>
  );
}
