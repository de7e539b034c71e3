import { currentMember } from "@/app/member";
import { Card } from "@/components/ui/Card";
import { listAudit } from "@/lib/auth/audit";
import { SIGN_IN_REQUIRED } from "@/lib/auth/guard";
import { memberAllows } from "@/lib/auth/members";

export const dynamic = "force-dynamic";
export const metadata = { title: "Audit log · Hookline" };

export default async function AuditLogPage() {
  const member = await currentMember();
  const allowed = member ? memberAllows(member, "admin") : !SIGN_IN_REQUIRED;
  if (!allowed) {
    return (
      <div className="space-y-2">
        <h1 className="text-2xl font-semibold text-slate-900">Audit log</h1>
        <p className="text-sm text-slate-600">Only admins can see the audit log.</p>
      </div>
    );
  }
  const { entries } = await listAudit({ take: 200 });
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold text-slate-900">Audit log</h1>
      <Card title="Who changed what" description="Campaign edits and activations, API keys, members; newest first.">
        {entries.length === 0 ? (
          <p className="text-sm text-slate-500">Nothing recorded yet.</p>
        ) : (
          <table className="w-full text-left text-sm">
            <thead className="text-xs uppercase text-slate-500">
              <tr>
                <th className="py-2 pr-3">When (UTC)</th>
                <th className="py-2 pr-3">Who</th>
                <th className="py-2 pr-3">What</th>
                <th className="py-2">On</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.id} className="border-t border-slate-100">
                  <td className="py-2 pr-3 whitespace-nowrap">{e.createdAt.toISOString().replace("T", " ").slice(0, 19)}</td>
                  <td className="py-2 pr-3">{e.actor}</td>
                  <td className="py-2 pr-3 font-mono">{e.action}</td>
                  <td className="py-2 break-all text-slate-600">{e.target ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </div>
  );
}
