"use client";
// The Activity page's outcomes: every campaign's chart over the window, and the hosts that fail most.
import type { ActivityOutcomes as Data } from "@/lib/delivery/store/outcome-series";
import { OutcomeChart } from "./OutcomeChart";
import { useActivityOutcomes } from "./use-outcomes";
import { Table } from "@/components/ui/Table";
import { plural } from "@/lib/text/plural";

export function ActivityOutcomes({ initial }: { initial: Data }) {
  const { data, error } = useActivityOutcomes(initial);
  const { series, failingHosts, failedBeforeRequest, windowDays } = data;
  // minmax(0, …) tracks: an auto track grew to the chart's first width (720 px) and a 390 px page scrolled sideways
  return (
    <div className="grid grid-cols-[minmax(0,1fr)] gap-6 lg:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
      <section aria-labelledby="activity-outcomes-heading" className="min-w-0 space-y-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:p-5">
        <h2 id="activity-outcomes-heading" className="text-base font-semibold text-slate-900">{`Outcomes, last ${windowDays} days`}</h2>
        {error && <p className="text-sm text-red-700">{(error as Error).message}</p>}
        {series.points.length ? (
          <>
            <p className="text-xs text-slate-500">From the first outcome in that window to now.</p>
            <OutcomeChart id="outcomes-activity" series={series} label="Deliveries over time by outcome, every campaign" />
          </>
        ) : (
          <p className="text-sm text-slate-500">Nothing sent in the last {windowDays} days.</p>
        )}
      </section>
      <section aria-labelledby="failing-hosts-heading" className="min-w-0 space-y-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:p-5">
        <h2 id="failing-hosts-heading" className="text-base font-semibold text-slate-900">Hosts that fail most</h2>
        {failingHosts.length ? (
          <Table aria-labelledby="failing-hosts-heading" className="w-full text-sm">
            <thead>
              <tr className="text-left text-xs tracking-wide text-slate-500 uppercase">
                <th scope="col" className="py-1.5 font-medium">Host</th>
                <th scope="col" className="py-1.5 text-right font-medium">Failed</th>
                <th scope="col" className="py-1.5 text-right font-medium">Retrying</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {failingHosts.map((h) => (
                <tr key={h.host}>
                  <td className="py-1.5 pr-2 font-mono text-xs break-all text-slate-800">{h.host}</td>
                  <td className="py-1.5 text-right text-slate-700 tabular-nums">{h.failed}</td>
                  <td className="py-1.5 text-right text-slate-700 tabular-nums">{h.retrying}</td>
                </tr>
              ))}
            </tbody>
          </Table>
        ) : (
          <p className="text-sm text-slate-500">{`No host has failed or is being retried in the last ${windowDays} days.`}</p>
        )}
        {/* failures before a request (template or data errors) have no host: said here, or the chart's failures had no explanation */}
        {failedBeforeRequest > 0 && (
          <p className="text-sm text-slate-600">
            {`${plural(failedBeforeRequest, "delivery", "deliveries")} failed before a request was sent (template or data errors): `}
            <a href="/activity?state=failed#delivery-log-heading" className="text-indigo-700 underline hover:text-indigo-900">see failed deliveries</a>
          </p>
        )}
      </section>
    </div>
  );
}
