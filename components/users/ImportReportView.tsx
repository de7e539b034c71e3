import { importSummary } from "@/lib/audience/import/report-summary";
import { Table } from "@/components/ui/Table";

export type Report = { rows: number; imported: number; created: number; updated: number; rejectedCount: number; rejected: { line: number; reason: string }[]; stopped?: string };

export function ImportReportView({ report, rejectedHref }: { report: Report; rejectedHref: string }) {
  return (
    <div className="space-y-2 text-sm" aria-label="Import report" role="region">
      <p className="font-medium text-slate-900">{importSummary(report)}</p>
      {report.stopped && (
        <p role="alert" className="rounded-lg bg-amber-50 p-3 text-amber-900">
          {report.stopped}
        </p>
      )}
      {report.rejectedCount > 0 && (
        <>
          <a className="text-indigo-700 underline" href={rejectedHref} download>
            Download rejected rows
          </a>{" "}
          <span className="text-slate-500">(kept for 24 hours)</span>
          <Table className="w-full text-left">
            <caption className="sr-only">Rejected rows</caption>
            <thead className="text-xs uppercase text-slate-500">
              <tr>
                <th className="py-1 pr-3">Line</th>
                <th className="py-1">Reason</th>
              </tr>
            </thead>
            <tbody>
              {report.rejected.slice(0, 100).map((r) => (
                <tr key={`${r.line}-${r.reason}`} className="border-t border-slate-100">
                  <td className="py-1 pr-3 font-mono">{r.line}</td>
                  <td className="py-1">{r.reason}</td>
                </tr>
              ))}
            </tbody>
          </Table>
          {report.rejectedCount > 100 && <p className="text-slate-500">The first 100 are shown; the download has every one.</p>}
        </>
      )}
    </div>
  );
}
