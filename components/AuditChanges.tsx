// One audit entry's field-level changes (a campaign save's diff), folded under "N changes".
import type { FieldChange } from "@/lib/campaigns/campaign-diff";
import { auditValue } from "@/lib/auth/audit-diff";

export function AuditChanges({ changes }: { changes: FieldChange[] }) {
  if (changes.length === 0) return null;
  return (
    <details className="mt-1 text-xs">
      <summary className="cursor-pointer text-slate-600 hover:text-slate-900">
        {changes.length === 1 ? "1 change" : `${changes.length} changes`}
      </summary>
      <ul className="mt-1 space-y-1" aria-label="Changes">
        {changes.map((c, i) => (
          <li key={i} className="break-words">
            <span className="font-mono text-slate-800">{c.field}</span>
            {": "}
            {"secret" in c ? (
              <span className="text-slate-600">secret {c.secret}</span>
            ) : (
              <span className="text-slate-600">
                {auditValue(c.before)} → {auditValue(c.after)}
              </span>
            )}
          </li>
        ))}
      </ul>
    </details>
  );
}
