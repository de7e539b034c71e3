"use client";
// The "Deliveries" table: one page of deliveries, with Retry on the ones that can be retried. The
// state comes right after the user: on a 390 px phone those two are what fits before a sideways scroll.
import { DateTime, useShownTimeZone } from "../ui/DateTime";
import type { DeliveryRow } from "@/lib/delivery/store/log-queries";
import { Button } from "../ui/Button";
import { DeliveryStateLabel } from "./DeliveryStateLabel";
import { requestsSentText, RETRYABLE_STATES } from "@/lib/delivery/core/states";
import { stoppedByFrequencyCap } from "@/lib/delivery/core/frequency-cap";

const RETRYABLE = new Set<string>(RETRYABLE_STATES);
const CAP_RETRY_HINT = "Sends it only if the frequency cap no longer stops this user; otherwise says why not";
const CAP_RETRY_LABEL = "Retry if the cap allows";
const capStopped = (r: DeliveryRow) => r.state === "suppressed" && stoppedByFrequencyCap(r.reason);

/**
 * The user's id on one line, never broken in its middle (ids such as "customer-3f2a9c1e-…" wrapped
 * at their hyphens): a long one is cut with "…" and read whole on hover; the detail it opens shows it
 * whole, with Copy.
 */
function UserIdButton({ userId, onClick }: { userId: string; onClick: () => void }) {
  return (
    <button
      type="button"
      title={userId}
      className="block max-w-32 truncate whitespace-nowrap font-mono text-xs text-indigo-700 hover:underline sm:max-w-56"
      onClick={onClick}
      aria-label={`Details of the delivery to ${userId}`}
    >
      {userId}
    </button>
  );
}

export function DeliveryTable({
  rows,
  showCampaign,
  onSelect,
  onRetry,
  retrying,
  emptyText,
}: {
  rows: DeliveryRow[];
  /** what the table says when it has no rows (lib/delivery/log-filter-url.ts emptyLogText) */
  emptyText: string;
  showCampaign?: boolean;
  onSelect: (id: string) => void;
  onRetry?: (id: string) => void;
  retrying?: boolean;
}) {
  // the times below read in this zone (the member's, the browser's; UTC before hydration): said in the header
  const zone = useShownTimeZone();
  return (
    <div className="relative overflow-x-auto">
      <table aria-label="Deliveries" className="min-w-full text-left text-sm">
        <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
          <tr>
            {showCampaign && <th className="px-2 py-2">Campaign</th>}
            <th className="px-2 py-2">User</th>
            <th className="px-2 py-2">State</th>
            <th className="px-2 py-2">Webhook</th>
            <th className="px-2 py-2">{`Planned (${zone})`}</th>
            <th className="px-2 py-2">Attempts</th>
            <th className="px-2 py-2">Last status</th>
            <th className="px-2 py-2">Duration</th>
            <th className="px-2 py-2"><span className="sr-only">Actions</span></th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.length === 0 && (
            <tr><td colSpan={showCampaign ? 9 : 8} className="px-2 py-6 text-center text-slate-500">{emptyText}</td></tr>
          )}
          {rows.map((r) => (
            <tr key={r.id} className="hover:bg-slate-50">
              {showCampaign && (
                <td className="px-2 py-1.5">
                  {/* on one line (a long name wrapped mid-word): cut with "…", read whole on hover */}
                  <span title={r.campaignName} className="block max-w-56 truncate whitespace-nowrap">
                    {r.campaignName}
                  </span>
                </td>
              )}
              <td className="px-2 py-1.5">
                <UserIdButton userId={r.userId} onClick={() => onSelect(r.id)} />
              </td>
              <td className="px-2 py-1.5"><DeliveryStateLabel state={r.state} hold={r.hold} reason={r.reason} nextAttemptAt={r.state === "retrying" ? r.dueAt : null} /></td>
              <td className="px-2 py-1.5">
                {r.actionName}
                {r.variant && <span className="ml-1 rounded bg-slate-100 px-1 text-xs text-slate-600" title={`Variant ${r.variant}`}>Variant {r.variant}</span>}
              </td>
              <td className="px-2 py-1.5 whitespace-nowrap"><DateTime value={r.plannedAt} style="seconds" /></td>
              <td className="px-2 py-1.5">{requestsSentText(r.attempts)}</td>
              <td className="px-2 py-1.5">{r.lastStatus ?? "–"}</td>
              <td className="px-2 py-1.5">{r.durationMs === null ? "–" : `${r.durationMs} ms`}</td>
              <td className="px-2 py-1.5 text-right">
                {onRetry && RETRYABLE.has(r.state) && (
                  <Button
                    size="sm"
                    disabled={retrying}
                    onClick={() => onRetry(r.id)}
                    // retryDelivery's rule: while the cap still stops the user, Retry is refused with the reason
                    // (the API's 409); the label says so before the click, not only after it
                    title={capStopped(r) ? CAP_RETRY_HINT : undefined}
                  >
                    {capStopped(r) ? CAP_RETRY_LABEL : "Retry"}
                  </Button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
