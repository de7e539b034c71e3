import Link from "next/link";
import { memberOrSignIn } from "@/app/member";
import { MemberMenu } from "@/components/auth/MemberMenu";

// Sections of the app; later issues add theirs here.
const links = [
  { href: "/campaigns", label: "Campaigns" },
  { href: "/activity", label: "Activity" },
  { href: "/users", label: "Users" },
  { href: "/settings", label: "Settings" },
  { href: "/audit-log", label: "Audit log" },
  { href: "/api-reference", label: "API" },
];

export async function AppNav() {
  const member = await memberOrSignIn();
  return (
    <header className="border-b border-slate-200 bg-white">
      <nav aria-label="Main" className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3 sm:px-6">
        <Link href="/campaigns" className="flex items-center gap-2 text-lg font-semibold tracking-tight text-slate-900">
          <span aria-hidden className="inline-block h-6 w-6 rounded-md bg-indigo-600" />
          Hookline
        </Link>
        <ul className="order-last flex w-full gap-4 overflow-x-auto text-sm whitespace-nowrap text-slate-600 md:order-none md:w-auto md:flex-wrap">
          {links.map((l) => (
            <li key={l.href}>
              <Link href={l.href} className="hover:text-slate-900">
                {l.label}
              </Link>
            </li>
          ))}
        </ul>
        <div className="ml-auto">
          <MemberMenu member={member} />
        </div>
      </nav>
    </header>
  );
}
