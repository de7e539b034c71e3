// One step's results: per variant and control, reached, delivered, converted, the conversion rate
// with its 95% interval, and the lift over the baseline with its significance; the verdict below.
import type { ResultGroup, StepResults } from "@/lib/campaigns/conversion-results";

const percent = (x: number, digits = 1) => `${(x * 100).toFixed(digits)}%`;
const count = (n: number) => n.toLocaleString("en-US");

export function formatPValue(p: number): string {
  return p < 0.001 ? "p < 0.001" : `p = ${p.toFixed(3)}`;
}

function rateText(g: ResultGroup): string {
  if (g.rate === null) return "—";
  return g.interval ? `${percent(g.rate)} (${percent(g.interval.low)}–${percent(g.interval.high)})` : percent(g.rate);
}

const formatLift = (lift: number) => `${lift > 0 ? "+" : lift < 0 ? "−" : ""}${percent(Math.abs(lift))}`;

function liftText(g: ResultGroup): string {
  if (g.baseline) return "baseline";
  return g.lift === null ? "—" : formatLift(g.lift);
}

function significanceText(g: ResultGroup): string {
  if (g.baseline || g.pValue === null) return "—";
  return `${formatPValue(g.pValue)} · ${g.significant ? "significant" : "not significant"}`;
}

export function verdictText(step: StepResults, minUsers: number, minConversions: number): string | null {
  const v = step.verdict;
  if (v.kind === "too_small") return `No winner yet: needs at least ${minUsers} users and ${minConversions} conversions per group.`;
  if (v.kind === "no_difference") return "No winner: no group differs significantly from the baseline yet.";
  if (v.kind === "winner") {
    const label = step.groups.find((g) => g.key === v.key)?.label ?? v.key;
    return v.lift === null ? `Winner: ${label} (every other group converts significantly less).` : `Winner: ${label}, ${formatLift(v.lift)} over the baseline (${formatPValue(v.pValue)}).`;
  }
  return null;
}

export function ResultsTable({ step, minUsers, minConversions, caption }: { step: StepResults; minUsers: number; minConversions: number; caption: string }) {
  const against = step.baseline === "control" ? "control" : "A";
  // one webhook, no variant, no control group: nothing to compare with, so no lift or significance
  const compared = step.baseline !== null;
  const verdict = verdictText(step, minUsers, minConversions);
  return (
    <div className="space-y-2">
      <div className="overflow-x-auto">
        <table className={`w-full text-left text-sm ${compared ? "min-w-[40rem]" : "min-w-[28rem]"}`}>
          <caption className="pb-2 text-left text-sm font-medium text-slate-800">{caption}</caption>
          <thead className="border-b border-slate-200 text-xs text-slate-500 uppercase">
            <tr>
              <th scope="col" className="py-2 pr-3 font-medium">Group</th>
              <th scope="col" className="px-3 py-2 text-right font-medium">Reached</th>
              <th scope="col" className="px-3 py-2 text-right font-medium">Delivered</th>
              <th scope="col" className="px-3 py-2 text-right font-medium">Converted</th>
              <th scope="col" className="px-3 py-2 text-right font-medium">Conversion rate (95% CI)</th>
              {compared && <th scope="col" className="px-3 py-2 text-right font-medium">Lift vs {against}</th>}
              {compared && <th scope="col" className="py-2 pl-3 text-right font-medium">Significance</th>}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {step.groups.map((g) => (
              <tr key={g.key} className={step.verdict.kind === "winner" && step.verdict.key === g.key ? "bg-emerald-50" : undefined}>
                <th scope="row" className="py-2 pr-3 font-medium text-slate-800">{g.label}</th>
                <td className="px-3 py-2 text-right tabular-nums">{count(g.reached)}</td>
                <td className="px-3 py-2 text-right tabular-nums">{g.key === "control" ? `${count(g.delivered)} held out` : count(g.delivered)}</td>
                <td className="px-3 py-2 text-right tabular-nums">{count(g.converted)}</td>
                <td className="px-3 py-2 text-right tabular-nums">{rateText(g)}</td>
                {compared && <td className="px-3 py-2 text-right tabular-nums">{liftText(g)}</td>}
                {compared && <td className="py-2 pl-3 text-right tabular-nums">{significanceText(g)}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {verdict && <p className={`text-sm ${step.verdict.kind === "winner" ? "font-medium text-emerald-800" : "text-slate-600"}`}>{verdict}</p>}
    </div>
  );
}
