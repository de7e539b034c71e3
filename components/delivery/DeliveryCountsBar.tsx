import type { DeliveryCounts, DeliveryStats } from "@/lib/delivery/log-queries";

const LABELS: [keyof DeliveryCounts, string][] = [
  ["delivered", "Delivered"],
  ["scheduled", "Scheduled"],
  ["sending", "Sending"],
  ["retrying", "Retrying"],
  ["failed", "Failed"],
  ["suppressed", "Suppressed"],
  ["cancelled", "Cancelled"],
];

function perMinute(n: number) {
  return `${n} ${n === 1 ? "delivery" : "deliveries"} per minute`;
}

/** Counts by state ("Delivered 1000") and the throughput figures. */
export function DeliveryCountsBar({ counts, stats }: { counts: DeliveryCounts; stats: DeliveryStats }) {
  const rate = stats.successRate === null ? "–" : `${Math.round(stats.successRate * 1000) / 10}%`;
  return (
    <div className="space-y-2">
      <ul aria-label="Delivery counts" className="flex flex-wrap gap-2 text-sm">
        {LABELS.map(([key, label]) => (
          <li key={key} className="rounded-lg bg-slate-50 px-3 py-1.5 text-slate-700 ring-1 ring-slate-200">
            {`${label} ${counts[key]}`}
          </li>
        ))}
      </ul>
      <p className="text-xs text-slate-500">
        {`${perMinute(stats.deliveriesPerMinute)} (last 5 min) · response p50 ${stats.p50Ms ?? "–"} ms, p95 ${stats.p95Ms ?? "–"} ms · success rate ${rate} of finished deliveries`}
      </p>
    </div>
  );
}
