"use client";
// Beside a send the SSRF guard refused: for admins, a link to Settings › Allowed destinations with
// the refused address filled in (others read the refusal, which says an admin can allow it). It opens a
// new tab: the refusal is read in the campaign editor, where leaving would lose what is typed (or ask
// to), and the next Test send there works once the destination is allowed, without a reload.
import Link from "next/link";
import { useRoleAllows } from "./auth/MemberRole";

const REFUSED = /destination (\S+) .*Settings › Allowed destinations/;

/** The address the SSRF guard refused, read off the error it gave; null for any other error. */
export function refusedDestination(error: string | null | undefined): string | null {
  return (error && REFUSED.exec(error)?.[1]) || null;
}

export function AllowDestinationLink({ error }: { error: string | null | undefined }) {
  const admin = useRoleAllows("admin");
  const refused = refusedDestination(error);
  if (!refused || !admin) return null;
  return (
    <Link className="text-sm font-medium text-indigo-700 underline" href={`/settings?allow=${encodeURIComponent(refused)}#allowed-destinations`} target="_blank" rel="noopener">
      Allow it in Settings › Allowed destinations <span className="font-normal text-slate-500">(opens a new tab)</span>
    </Link>
  );
}
