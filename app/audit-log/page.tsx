import { definePage, unlessRoleRefused } from "@/app/member";
import { Card } from "@/components/ui/Card";
import Link from "next/link";
import { DateTime } from "@/components/ui/DateTime";
import { AuditChanges } from "@/components/AuditChanges";
import { listAudit } from "@/lib/auth/audit";
import { auditChanges } from "@/lib/auth/audit-diff";
import { auditTargets } from "@/lib/auth/audit-targets";
import { Table } from "@/components/ui/Table";

export const dynamic = "force-dynamic";
export const metadata = { title: "Audit log · Hookline" };

export default definePage("viewer", async function AuditLogPage(_props: unknown, member) {
  // listAudit holds the member to admin; the page only says so
  const audit = await unlessRoleRefused(listAudit(member, { take: 200 }));
  if (!audit) {
    return (
      <div className="space-y-2">
        <h1 className="text-2xl font-semibold text-slate-900">Audit log</h1>
        <p className="text-sm text-slate-600">Only admins can see the audit log.</p>
      </div>
    );
  }
  const { entries } = audit;
  const targets = await auditTargets(entries);
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold text-slate-900">Audit log</h1>
      <Card title="Who changed what" description="Campaign edits and activations, API keys, members; newest first.">
        {entries.length === 0 ? (
          <p className="text-sm text-slate-500">Nothing recorded yet.</p>
        ) : (
          <Table className="w-full text-left text-sm">
            <thead className="text-xs uppercase text-slate-500">
              <tr>
                <th className="py-2 pr-3">When</th>
                <th className="py-2 pr-3">Who</th>
                <th className="py-2 pr-3">What</th>
                <th className="py-2">On</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e, i) => (
                <tr key={e.id} className="border-t border-slate-100">
                  <td className="py-2 pr-3 whitespace-nowrap">
                    <DateTime value={e.createdAt} style="seconds" />
                  </td>
                  <td className="py-2 pr-3">{e.actor}</td>
                  <td className="py-2 pr-3">
                    <span className="font-mono">{e.action}</span>
                    <AuditChanges changes={auditChanges(e.details)} />
                  </td>
                  <td className="py-2 break-words text-slate-600">
                    {targets[i]!.href ? (
                      <Link className="text-indigo-700 hover:underline" href={targets[i]!.href!}>
                        {targets[i]!.label}
                      </Link>
                    ) : (
                      targets[i]!.label
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </Card>
    </div>
  );
});
