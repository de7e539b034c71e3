// The Users page: search and attribute filter, the list, the attribute catalogue, and CSV import.
import Link from "next/link";
import type { CatalogueEntry } from "@/lib/audience/attribute-catalogue";
import type { UserRecord } from "@/lib/audience/users";
import { Card } from "@/components/ui/Card";
import { inputClass } from "@/components/ui/input-classes";
import { buttonClass } from "@/components/ui/Button";
import { CsvImport } from "./CsvImport";
import { Table } from "@/components/ui/Table";

type Props = {
  page: { users: UserRecord[]; nextCursor: string | null };
  catalogue: CatalogueEntry[];
  filters: { q: string; attribute: string; value: string };
};

function nextHref(filters: Props["filters"], cursor: string) {
  const params = new URLSearchParams({ ...filters, cursor });
  return `/users?${params}`;
}

export function UsersScreen({ page, catalogue, filters }: Props) {
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Users</h1>
          <p className="mt-1 text-sm text-slate-600">The people your campaigns send to. Load them by API or from a CSV file.</p>
        </div>
        <CsvImport />
      </div>
      <form role="search" action="/users" className="flex flex-wrap items-end gap-3">
        <label className="text-sm text-slate-700">
          Search by id or email
          <input name="q" defaultValue={filters.q} className={`${inputClass} mt-1 w-64`} placeholder="user-1001 or mary@" />
        </label>
        <label className="text-sm text-slate-700">
          Attribute
          <select name="attribute" defaultValue={filters.attribute} className={`${inputClass} mt-1 w-48`}>
            <option value="">Any</option>
            {catalogue.map((a) => (
              <option key={a.name} value={a.name}>
                {a.name}
              </option>
            ))}
          </select>
        </label>
        <label className="text-sm text-slate-700">
          Attribute value
          <input name="value" defaultValue={filters.value} className={`${inputClass} mt-1 w-40`} placeholder="any value" />
        </label>
        <button type="submit" className={buttonClass("secondary")}>
          Search
        </button>
      </form>
      <div className="grid gap-6 lg:grid-cols-[1fr_18rem]">
        <Card title="People" description={page.users.length ? undefined : page.nextCursor ? "None matches among the users searched so far: the next page searches further." : "No users match."}>
          {page.users.length > 0 && (
            <Table className="w-full text-left text-sm">
              <thead className="text-xs uppercase text-slate-500">
                <tr>
                  <th className="py-2 pr-3">User id</th>
                  <th className="py-2 pr-3">Email</th>
                  <th className="py-2 pr-3">Time zone</th>
                  <th className="py-2">Attributes</th>
                </tr>
              </thead>
              <tbody>
                {page.users.map((u) => (
                  <tr key={u.userId} className="border-t border-slate-100">
                    <td className="py-2 pr-3 font-mono">
                      <Link className="text-indigo-700 hover:underline" href={`/users/${encodeURIComponent(u.userId)}`}>
                        {u.userId}
                      </Link>
                    </td>
                    <td className="py-2 pr-3">{u.email ?? "—"}</td>
                    <td className="py-2 pr-3">{u.timezone ?? "—"}</td>
                    <td className="py-2 text-slate-600">{Object.keys(u.attributes).length}</td>
                  </tr>
                ))}
              </tbody>
            </Table>
          )}
          {page.nextCursor && (
            <Link className={`${buttonClass("secondary", "sm")} mt-4`} href={nextHref(filters, page.nextCursor)}>
              Next page
            </Link>
          )}
        </Card>
        <Card title="Attribute catalogue" description="Names seen on users, their types and how many users have them.">
          {catalogue.length === 0 ? (
            <p className="text-sm text-slate-500">No attributes yet.</p>
          ) : (
            <ul className="space-y-1 text-sm" aria-label="Attribute catalogue">
              {catalogue.map((a) => (
                <li key={a.name} className="flex justify-between gap-2">
                  <span className="truncate font-mono" title={a.name}>
                    {a.name}
                  </span>
                  <span className="shrink-0 text-slate-500">
                    {a.types.join(", ")} · {a.users.toLocaleString("en-US")}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
    </div>
  );
}
