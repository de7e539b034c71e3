"use client";
// The campaign's delivery log (or, without campaignId, every campaign's): live counts, filters (kept in the address),
// the "Deliveries" table paginated on the server, Retry / Retry all failed / Cancel waiting deliveries
// (after a confirmation), and the detail.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { cancelScheduledAction, retryAllFailedAction, retryDeliveryAction } from "@/app/campaigns/[id]/deliveries/actions";
import { failed, type ActionResult } from "@/lib/api/action-result";
import { deliveryKeys } from "@/lib/delivery/query-keys";
import { emptyLogText } from "@/lib/delivery/log-filter-url";
import { DELIVERY_STATES, deliveryStateLabel } from "@/lib/delivery/core/states";
import { Button, buttonClass } from "../ui/Button";
import { ConfirmDialog } from "../ui/ConfirmDialog";
import { inputClass } from "../ui/Field";
import { DeliveryCountsBar } from "./DeliveryCountsBar";
import { DeliveryDetailPanel } from "./DeliveryDetailPanel";
import { DeliveryTable } from "./DeliveryTable";
import { exportUrl, useDeliveryLog } from "./use-deliveries";
import { useLogFilter } from "./use-log-filter";
import { countedText, countText } from "@/lib/delivery/core/count-cap";
import { useRoleAllows } from "../auth/MemberRole";
import { useResultLine } from "../useResultLine";
import { DismissButton } from "../ui/DismissButton";
import { useRefreshOtherOnChange } from "./use-refresh-other";
import { retryOnHoldMessage, retryOnHoldWords } from "@/lib/delivery/core/hold-reason";
import { DateTime } from "../ui/DateTime";

/** A retry's result: how many deliveries it sent on their way again (its line goes once none waits). */
type OnItsWay = { onItsWay: number; hostHold?: { host: string; until: Date } } | undefined;

export function DeliveryLog({ campaignId, actions = [], title = "Delivery log" }: { campaignId?: string; actions?: { id: string; name: string }[]; title?: string }) {
  const [filter, change, paging] = useLogFilter(campaignId);
  const [selected, setSelected] = useState<string | null>(null);
  const queryClient = useQueryClient();
  const { data, error, isLoading, dataUpdatedAt, isPlaceholderData } = useDeliveryLog(filter);
  // the campaign's Outcomes bar reads again when the log reads a change, so the two numbers agree (use-refresh-other.ts)
  useRefreshOtherOnChange(
    campaignId && data && !isPlaceholderData ? { scope: JSON.stringify(filter), value: JSON.stringify(data.counts), at: dataUpdatedAt } : null,
    `log:${campaignId}`,
    { name: `outcomes:${campaignId}`, queryKey: deliveryKeys.outcomes(campaignId) },
  );
  // "Retrying 44 failed deliveries." goes once none of them waits any more (or when dismissed)
  const [message, setMessage] = useResultLine<ActionResult<OnItsWay>>(data ? { waiting: data.counts.scheduled + data.counts.sending + data.counts.retrying, readAt: dataUpdatedAt } : null);
  const mutation = useMutation({
    mutationFn: (fn: () => Promise<ActionResult<OnItsWay>>) => fn(),
    onSuccess: (r) => {
      setMessage(r, r.ok && !!r.data?.onItsWay);
      void queryClient.invalidateQueries({ queryKey: deliveryKeys.all });
    },
    onError: () => setMessage(failed("That did not work; try again.")),
  });
  const list = data?.list;
  // A page past the end (an old link's ?page=9, or rows gone since) shows the last page instead of "Page 9 of 1".
  const pastEnd = !!list && !list.totalCapped && list.page !== null && list.page > list.pages && filter.page === list.page;
  useEffect(() => {
    if (pastEnd) change({ page: list?.pages ?? 1 });
  }, [pastEnd]); // eslint-disable-line react-hooks/exhaustive-deps -- `change` is new each render; pastEnd is what matters
  // a viewer only looks: Retry and Cancel are an editor's (the server refuses them to a viewer anyway)
  const canAct = useRoleAllows("editor");
  const [confirmingCancel, setConfirmingCancel] = useState(false);
  // what "Cancel waiting deliveries" cancels (lib/delivery/core/states.ts WAITING): scheduled and retrying
  const waiting = (data?.counts.scheduled ?? 0) + (data?.counts.retrying ?? 0);
  const waitingMore = !!data && (data.counts.capped.includes("scheduled") || data.counts.capped.includes("retrying"));
  // why "Retry all failed" is greyed out while deliveries still retry: it retries failed ones only
  const whyNoRetry = data && !data.counts.failed && data.counts.retrying ? stillRetryingText(data.counts.retrying, data.counts.capped.includes("retrying")) : null;

  return (
    <section aria-labelledby="delivery-log-heading" className="space-y-4 rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:p-5">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h2 id="delivery-log-heading" className="text-base font-semibold text-slate-900">{title}</h2>
        <span className="flex flex-wrap gap-2">
          {/* a plain link: the browser downloads the streamed CSV itself */}
          <a href={exportUrl(filter)} download className={buttonClass("secondary", "md")}>
            Export CSV
          </a>
          {campaignId && canAct && (
            <>
              <Button disabled={mutation.isPending || !data?.counts.failed} aria-describedby={whyNoRetry ? "retry-all-why" : undefined} title={whyNoRetry ?? undefined} onClick={() => mutation.mutate(() => retryAllFailedAction(campaignId))}>
                Retry all failed
              </Button>
              <Button variant="danger" disabled={mutation.isPending || !waiting} onClick={() => setConfirmingCancel(true)}>
                Cancel waiting deliveries
              </Button>
            </>
          )}
        </span>
      </div>
      {campaignId && canAct && whyNoRetry && <p id="retry-all-why" className="-mt-2 text-right text-xs text-slate-500">{whyNoRetry}</p>}
      {isLoading && <p className="text-sm text-slate-500">Loading deliveries…</p>}
      {error && <p className="text-sm text-red-700">{(error as Error).message}</p>}
      {data && <DeliveryCountsBar counts={data.counts} stats={data.stats} selected={filter.state} onSelect={(state) => change({ state })} />}
      <div role="status" aria-live="polite" className="text-sm">
        {message && (
          <p className={`flex items-start gap-2 ${message.ok ? "text-emerald-700" : "text-red-700"}`}>
            <span>{message.ok && message.data?.hostHold ? <RetryOnHold {...message.data.hostHold} /> : message.message}</span>
            <DismissButton onClick={() => setMessage(null)} />
          </p>
        )}
      </div>
      <div className="grid gap-2 sm:grid-cols-3">
        <label className="text-sm">
          <span className="mb-1 block font-medium text-slate-700">State</span>
          <select className={inputClass} value={filter.state ?? ""} onChange={(e) => change({ state: e.target.value || undefined })}>
            <option value="">All states</option>
            {DELIVERY_STATES.map((s) => <option key={s} value={s}>{deliveryStateLabel(s)}</option>)}
          </select>
        </label>
        {actions.length > 1 && (
          <label className="text-sm">
            <span className="mb-1 block font-medium text-slate-700">Webhook</span>
            <select className={inputClass} value={filter.actionId ?? ""} onChange={(e) => change({ actionId: e.target.value || undefined })}>
              <option value="">All webhooks</option>
              {actions.map((a) => <option key={a.id} value={a.id}>{a.name}</option>)}
            </select>
          </label>
        )}
        <label className="text-sm">
          <span className="mb-1 block font-medium text-slate-700">User</span>
          <input className={inputClass} value={filter.user ?? ""} placeholder="User id" onChange={(e) => change({ user: e.target.value || undefined })} />
        </label>
      </div>
      {list && (
        <>
          <DeliveryTable rows={list.items} emptyText={emptyLogText(filter)} showCampaign={!campaignId} onSelect={setSelected} retrying={mutation.isPending} onRetry={canAct ? (id) => mutation.mutate(() => retryDeliveryAction(id)) : undefined} />
          <nav aria-label="Pages of deliveries" className="flex flex-wrap items-center justify-between gap-2 text-sm text-slate-600">
            <span>{`${paging.number === null ? "Older deliveries" : `Page ${paging.number} of ${countText(list.pages, list.totalCapped)}`} · ${countedText(list.total, list.totalCapped, "delivery", "deliveries")}`}</span>
            <span className="flex gap-2">
              <Button size="sm" disabled={!paging.hasNewer} onClick={paging.newest}>Newest</Button>
              <Button size="sm" disabled={!paging.hasNewer} onClick={paging.newer}>Newer</Button>
              <Button size="sm" disabled={!list.nextCursor} onClick={() => list.nextCursor && paging.older(list.nextCursor)}>Older</Button>
            </span>
          </nav>
          <p className="text-xs text-slate-500">
            Most recently changed first: a delivery moves to the top of the newest page when its state changes, so paging to older ones never shows it twice.
          </p>
        </>
      )}
      {selected && <DeliveryDetailPanel id={selected} onClose={() => setSelected(null)} />}
      {campaignId && (
        <ConfirmDialog
          open={confirmingCancel}
          title={`Cancel ${countedText(waiting, waitingMore, "waiting delivery", "waiting deliveries")}?`}
          confirmLabel="Cancel deliveries"
          cancelLabel="Keep them"
          busy={mutation.isPending}
          onCancel={() => setConfirmingCancel(false)}
          onConfirm={() => {
            setConfirmingCancel(false);
            mutation.mutate(() => cancelScheduledAction(campaignId));
          }}
        >
          {`${countedText(waiting, waitingMore, "waiting delivery", "waiting deliveries")} (${countText(data?.counts.scheduled ?? 0, !!data?.counts.capped.includes("scheduled"))} scheduled, ${countText(data?.counts.retrying ?? 0, !!data?.counts.capped.includes("retrying"))} retrying) will not be sent. ` +
            "Once nothing is left to send, the campaign finishes (a triggered or recurring campaign only after its end). This cannot be undone."}
        </ConfirmDialog>
      )}
    </section>
  );
}

/** A Retry whose host is on hold: the hold's next try in the viewer's own format, as the row's (its UTC words on hover). */
function RetryOnHold({ host, until }: { host: string; until: Date }) {
  return (
    <span title={retryOnHoldMessage(host, until)}>
      {retryOnHoldWords(host)}
      <DateTime value={until} style="time" />.
    </span>
  );
}

/** "Nothing has failed for good: 13 deliveries are still retrying" (what Retry all failed would retry, when it has nothing). */
function stillRetryingText(retrying: number, more: boolean): string {
  return `Nothing has failed for good: ${countedText(retrying, more, "delivery", "deliveries")} ${retrying === 1 && !more ? "is" : "are"} still retrying`;
}
