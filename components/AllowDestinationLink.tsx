"use client";
// Beside a send the SSRF guard refused (a test send, a delivery's attempt, or Activate's check that
// every delivery would be refused): for admins, a link to Settings › Allowed destinations with
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

/** Several errors (Activate's problems, one per webhook): one link per refused address. */
export function AllowDestinationLinks({ errors }: { errors: string[] }) {
  const byAddress = new Map<string, string>();
  for (const error of errors) {
    const refused = refusedDestination(error);
    if (refused && !byAddress.has(refused)) byAddress.set(refused, error);
  }
  if (byAddress.size === 0) return null;
  return (
    <div className="mt-2 flex flex-col items-start gap-1">
      {[...byAddress].map(([address, error]) => (
        <AllowDestinationLink key={address} error={error} />
      ))}
    </div>
  );
}
