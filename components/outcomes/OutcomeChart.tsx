"use client";
// Deliveries over time by outcome (stacked bars) and response times p50/p95 (lines), drawn by
// recharts. It renders on the server too (fixed first size, stable ids): the first paint has the chart.
import { Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { OutcomePoint, OutcomeSeries } from "@/lib/delivery/store/outcome-series";
import { useShownTimeZone } from "@/components/ui/DateTime";

export const OUTCOME_COLOURS = { delivered: "#059669", retrying: "#d97706", failed: "#dc2626", suppressed: "#64748b" } as const;
const OUTCOME_LABELS = { delivered: "Delivered", retrying: "Retrying", failed: "Failed", suppressed: "Suppressed" } as const;

const zoned = new Map<string, Intl.DateTimeFormat>();
/** "2026-12-06T18:52:08" for t in the zone (UTC: the ISO text itself). */
function isoIn(t: number, timeZone: string): string {
  if (timeZone === "UTC") return new Date(t).toISOString();
  let format = zoned.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });
    zoned.set(timeZone, format);
  }
  const part = Object.fromEntries(format.formatToParts(t).map((p) => [p.type, p.value]));
  return `${part.year}-${part.month}-${part.day}T${part.hour}:${part.minute}:${part.second}`;
}

// In the zone the delivery log's times read in (the member's, the browser's): UTC on the server and
// at hydration, so the server's first paint and the page agree, then the browser's zone.
function timeLabel(t: number, bucketSeconds: number, timeZone: string): string {
  const iso = isoIn(t, timeZone);
  if (bucketSeconds < 60) return iso.slice(11, 19);
  if (bucketSeconds < 86_400) return iso.slice(11, 16);
  return iso.slice(0, 10);
}

// Every tick is chosen here and none is dropped by measuring text: the server cannot measure, so
// recharts would keep all ticks there and drop some in the browser, and hydration would disagree.
// As many as the chart's width holds (it is the first size, 720, on the server and at hydration; then
// the measured one): eight "20:36:00" overlapped on a 390 px phone.
const MAX_X_TICKS = 8;
const Y_AXES_WIDTH = 40 + 48 + 16;
function timeTicks(points: OutcomePoint[], bucketSeconds: number, width: number): number[] {
  const labelChars = timeLabel(0, bucketSeconds, "UTC").length;
  const fits = Math.floor((width - Y_AXES_WIDTH) / (labelChars * 7 + 16));
  const most = Math.max(2, Math.min(MAX_X_TICKS, fits));
  const step = Math.max(1, Math.ceil(points.length / most));
  return points.filter((_, i) => i % step === 0).map((p) => p.t);
}

function totals(points: OutcomePoint[]) {
  return points.reduce((s, p) => ({ delivered: s.delivered + p.delivered, retrying: s.retrying + p.retrying, failed: s.failed + p.failed, suppressed: s.suppressed + p.suppressed }), {
    delivered: 0, retrying: 0, failed: 0, suppressed: 0,
  });
}

export function OutcomeChart({ id, series, label }: { id: string; series: OutcomeSeries; label: string }) {
  // day buckets are UTC days: their dates stay UTC (a UTC midnight read as the evening before elsewhere)
  const shown = useShownTimeZone();
  const timeZone = series.bucketSeconds >= 86_400 ? "UTC" : shown;
  const sum = totals(series.points);
  const summary = `${sum.delivered} delivered, ${sum.retrying} retrying, ${sum.failed} failed, ${sum.suppressed} suppressed, in ${series.bucketSeconds < 60 ? `${series.bucketSeconds}-second` : series.bucketSeconds < 3600 ? `${series.bucketSeconds / 60}-minute` : `${series.bucketSeconds / 3600}-hour`} buckets (times in ${timeZone})`;
  return (
    <figure aria-label={label} className="m-0">
      {/* clipped: recharts keeps its hidden tooltip box laid out beside the chart, which made a 390 px page scroll sideways */}
      <div className="h-64 w-full overflow-hidden">
        <ResponsiveContainer width="100%" height="100%" initialDimension={{ width: 720, height: 256 }}>
          <ChartBody id={id} series={series} timeZone={timeZone} />
        </ResponsiveContainer>
      </div>
      <figcaption className="mt-1 text-xs text-slate-500">{summary}</figcaption>
    </figure>
  );
}

/** The chart at the size ResponsiveContainer gives it (it passes width and height to its child). */
function ChartBody({ id, series, timeZone, width = 720, height = 256 }: { id: string; series: OutcomeSeries; timeZone: string; width?: number; height?: number }) {
  const tickLabel = (t: number) => timeLabel(t, series.bucketSeconds, timeZone);
  return (
    <ComposedChart id={id} width={width} height={height} data={series.points} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
      <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" vertical={false} />
      <XAxis dataKey="t" ticks={timeTicks(series.points, series.bucketSeconds, width)} interval={0} tickFormatter={tickLabel} tick={{ fontSize: 11, fill: "#64748b" }} />
      <YAxis yAxisId="count" allowDecimals={false} interval={0} tickCount={5} tick={{ fontSize: 11, fill: "#64748b" }} width={40} />
      {/* one word per tick ("250", not "250 ms"): a tick of two words may wrap where text can be measured */}
      <YAxis yAxisId="ms" orientation="right" interval={0} tickCount={5} tick={{ fontSize: 11, fill: "#64748b" }} width={48} />
      <Tooltip labelFormatter={(t) => `${tickLabel(Number(t))} ${timeZone}`} />
      <Legend wrapperStyle={{ fontSize: 12 }} />
      {(Object.keys(OUTCOME_LABELS) as (keyof typeof OUTCOME_LABELS)[]).map((key) => (
        <Bar key={key} yAxisId="count" dataKey={key} name={OUTCOME_LABELS[key]} stackId="outcome" fill={OUTCOME_COLOURS[key]} maxBarSize={48} isAnimationActive={false} />
      ))}
      {/* a bucket without attempts has no response time: the line breaks there (drawn across, it read as data); a dot keeps a lone bucket visible */}
      <Line yAxisId="ms" dataKey="p50Ms" name="Response p50 (ms)" stroke="#4f46e5" dot={{ r: 2 }} connectNulls={false} isAnimationActive={false} />
      <Line yAxisId="ms" dataKey="p95Ms" name="Response p95 (ms)" stroke="#a855f7" strokeDasharray="4 3" dot={{ r: 2 }} connectNulls={false} isAnimationActive={false} />
    </ComposedChart>
  );
}
