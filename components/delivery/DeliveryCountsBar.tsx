import type { DeliveryCounts } from "@/lib/delivery/store/log-counts";
import type { DeliveryStats } from "@/lib/delivery/store/log-queries";
import { plural } from "@/lib/text/plural";
import { deliveryStateLabel, type DeliveryState } from "@/lib/delivery/core/states";
import { countText } from "@/lib/delivery/core/count-cap";

// delivered first: the count a person looks for; each named as the filter and the rows name it
const LABELS: [DeliveryState, string][] = (["delivered", "scheduled", "sending", "retrying", "failed", "suppressed", "cancelled"] as const).map((s) => [s, deliveryStateLabel(s)]);

/** "3 deliveries in the last 5 minutes": a count, which reads sensibly right after a burst (a rate per minute read "0.6"). */
function recentText(n: number) {
  return `${n === 0 ? "No deliveries" : plural(n, "delivery", "deliveries")} in the last 5 minutes`;
}

/**
 * Counts by state ("Delivered 1,000", "Delivered 10,000+" past COUNT_CAP) and the throughput figures. With `onSelect`, each count is a
 * toggle button that filters the log to its state (pressed while it does).
 */
/** "the last 16 finished deliveries", "1 finished delivery": the window a figure is of. */
function lastOf(n: number, one: string, other: string) {
  return n === 1 ? plural(n, one, other) : `the last ${plural(n, one, other)}`;
}

/**
 * Each figure names its own window (5 minutes, the last requests sent, the last finished deliveries):
 * "No deliveries in the last 5 minutes · p50 10 ms" read as if the 10 ms were of those 5 minutes.
 */
function statsText(stats: DeliveryStats) {
  const responses = stats.responseSample
    ? `response p50 ${stats.p50Ms ?? "–"} ms, p95 ${stats.p95Ms ?? "–"} ms over ${lastOf(stats.responseSample, "request sent", "requests sent")}`
    : "no response times yet (no request sent)";
  const rate = stats.successRate === null ? "no success rate yet (nothing finished)" : `success rate ${Math.round(stats.successRate * 1000) / 10}% of ${lastOf(stats.successSample, "finished delivery", "finished deliveries")}`;
  return `${recentText(stats.deliveriesLast5Minutes)} · ${responses} · ${rate}`;
}

export function DeliveryCountsBar({ counts, stats, selected, onSelect }: { counts: DeliveryCounts; stats: DeliveryStats; selected?: string; onSelect?: (state: string | undefined) => void }) {
  return (
    <div className="space-y-2">
      <ul aria-label="Delivery counts" className="flex flex-wrap gap-2 text-sm">
        {LABELS.map(([key, label]) => (
          <li key={key} className={onSelect ? "" : "rounded-lg bg-slate-50 px-3 py-1.5 text-slate-700 ring-1 ring-slate-200"}>
            {onSelect ? (
              <button
                type="button"
                aria-pressed={selected === key}
                title={selected === key ? "Show every state" : `Show only ${label.toLowerCase()} deliveries`}
                onClick={() => onSelect(selected === key ? undefined : key)}
                className={`rounded-lg px-3 py-1.5 ring-1 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 ${
                  selected === key ? "bg-indigo-600 text-white ring-indigo-600" : "bg-slate-50 text-slate-700 ring-slate-200 hover:bg-slate-100"
                }`}
              >
                {`${label} ${countText(counts[key], counts.capped.includes(key))}`}
              </button>
            ) : (
              `${label} ${countText(counts[key], counts.capped.includes(key))}`
            )}
          </li>
        ))}
      </ul>
      <p className="text-xs text-slate-500">{statsText(stats)}</p>
    </div>
  );
}
