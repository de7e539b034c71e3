import Link from "next/link";
import { signOutAction } from "@/app/sign-in/actions";
import type { Member } from "@/lib/auth/members";

/** The signed-in member and "Sign out", or a "Sign in" link. */
export function MemberMenu({ member }: { member: Member | null }) {
  if (!member) {
    return (
      <Link href="/sign-in" className="text-sm text-slate-600 hover:text-slate-900">
        Sign in
      </Link>
    );
  }
  return (
    <form action={signOutAction} className="flex items-center gap-3 text-sm text-slate-600">
      <span title={member.email}>
        {member.name} <span className="text-slate-400">({member.role})</span>
      </span>
      <button type="submit" className="rounded px-2 py-1 hover:bg-slate-100 hover:text-slate-900">
        Sign out
      </button>
    </form>
  );
}
