import Link from "next/link";
import { memberOrSignIn } from "@/app/member";
import { MemberMenu } from "@/components/auth/MemberMenu";
import { AppNavLinks } from "@/components/AppNavLinks";
import { hasMembers, memberAllows } from "@/lib/auth/members";

// Sections of the app; later issues add theirs here. `admin`: shown to admins only (the page refuses the others).
const links = [
  { href: "/campaigns", label: "Campaigns" },
  { href: "/activity", label: "Activity" },
  { href: "/users", label: "Users" },
  { href: "/settings", label: "Settings" },
  { href: "/audit-log", label: "Audit log", admin: true },
  { href: "/api-reference", label: "API" },
];

export async function AppNav() {
  const member = await memberOrSignIn();
  // a new install's first page creates the owner: there is no account to sign in to yet
  const showMenu = member !== null || (await hasMembers());
  return (
    <header className="border-b border-slate-200 bg-white">
      <nav aria-label="Main" className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3 sm:px-6">
        <Link href="/campaigns" className="flex items-center gap-2 text-lg font-semibold tracking-tight text-slate-900">
          <span aria-hidden className="inline-block h-6 w-6 rounded-md bg-indigo-600" />
          Hookline
        </Link>
        {/* Signed-out visitors (sign-in, invitation pages) get no links they could not open. */}
        {member && <AppNavLinks links={links.filter((l) => !l.admin || memberAllows(member, "admin"))} />}
        {showMenu && (
          <div className="ml-auto">
            <MemberMenu member={member} />
          </div>
        )}
      </nav>
    </header>
  );
}
