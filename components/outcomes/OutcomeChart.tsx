"use client";
// Deliveries over time by outcome (stacked bars) and response times p50/p95 (lines), drawn by
// recharts. It renders on the server too (fixed first size, stable ids): the first paint has the chart.
import { Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { OutcomePoint, OutcomeSeries } from "@/lib/delivery/outcome-series";

export const OUTCOME_COLOURS = { delivered: "#059669", retrying: "#d97706", failed: "#dc2626", suppressed: "#64748b" } as const;
const OUTCOME_LABELS = { delivered: "Delivered", retrying: "Retrying", failed: "Failed", suppressed: "Suppressed" } as const;

// UTC on the server and in the browser alike, so the server's first paint and the page agree
function timeLabel(t: number, bucketSeconds: number): string {
  const iso = new Date(t).toISOString();
  if (bucketSeconds < 60) return iso.slice(11, 19);
  if (bucketSeconds < 86_400) return iso.slice(11, 16);
  return iso.slice(0, 10);
}

function totals(points: OutcomePoint[]) {
  return points.reduce((s, p) => ({ delivered: s.delivered + p.delivered, retrying: s.retrying + p.retrying, failed: s.failed + p.failed, suppressed: s.suppressed + p.suppressed }), {
    delivered: 0, retrying: 0, failed: 0, suppressed: 0,
  });
}

export function OutcomeChart({ id, series, label }: { id: string; series: OutcomeSeries; label: string }) {
  const sum = totals(series.points);
  const summary = `${sum.delivered} delivered, ${sum.retrying} retrying, ${sum.failed} failed, ${sum.suppressed} suppressed, in ${series.bucketSeconds < 60 ? `${series.bucketSeconds}-second` : series.bucketSeconds < 3600 ? `${series.bucketSeconds / 60}-minute` : `${series.bucketSeconds / 3600}-hour`} buckets (times in UTC)`;
  return (
    <figure aria-label={label} className="m-0">
      <div className="h-64 w-full">
        <ResponsiveContainer width="100%" height="100%" initialDimension={{ width: 720, height: 256 }}>
          <ComposedChart id={id} data={series.points} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" vertical={false} />
            <XAxis dataKey="t" tickFormatter={(t: number) => timeLabel(t, series.bucketSeconds)} tick={{ fontSize: 11, fill: "#64748b" }} minTickGap={24} />
            <YAxis yAxisId="count" allowDecimals={false} tick={{ fontSize: 11, fill: "#64748b" }} width={40} />
            <YAxis yAxisId="ms" orientation="right" tick={{ fontSize: 11, fill: "#64748b" }} width={48} unit=" ms" />
            <Tooltip labelFormatter={(t) => `${timeLabel(Number(t), series.bucketSeconds)} UTC`} />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            {(Object.keys(OUTCOME_LABELS) as (keyof typeof OUTCOME_LABELS)[]).map((key) => (
              <Bar key={key} yAxisId="count" dataKey={key} name={OUTCOME_LABELS[key]} stackId="outcome" fill={OUTCOME_COLOURS[key]} isAnimationActive={false} />
            ))}
            <Line yAxisId="ms" dataKey="p50Ms" name="Response p50" stroke="#4f46e5" dot={false} connectNulls isAnimationActive={false} />
            <Line yAxisId="ms" dataKey="p95Ms" name="Response p95" stroke="#a855f7" strokeDasharray="4 3" dot={false} connectNulls isAnimationActive={false} />
          </ComposedChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="mt-1 text-xs text-slate-500">{summary}</figcaption>
    </figure>
  );
}
