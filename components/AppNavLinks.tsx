"use client";
// The sections of the app, the current one marked (aria-current="page" and its look).
import Link from "next/link";
import { usePathname } from "next/navigation";

export type NavLink = { href: string; label: string };

export function AppNavLinks({ links }: { links: NavLink[] }) {
  const pathname = usePathname() ?? "";
  return (
    <ul className="order-last flex w-full flex-wrap gap-x-4 gap-y-2 text-sm whitespace-nowrap text-slate-600 md:order-none md:w-auto">
      {links.map((l) => {
        const current = pathname === l.href || pathname.startsWith(`${l.href}/`);
        return (
          <li key={l.href}>
            <Link
              href={l.href}
              aria-current={current ? "page" : undefined}
              className={current ? "font-medium text-indigo-700 underline decoration-2 underline-offset-[6px]" : "hover:text-slate-900"}
            >
              {l.label}
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
