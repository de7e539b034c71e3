"use client";
// One delivery with every attempt: the request as sent (secrets masked), the response, timings,
// the error, and when the next attempt is due.
import { useEffect, useRef } from "react";
import { AllowDestinationLink } from "../AllowDestinationLink";
import { DateTime } from "../ui/DateTime";
import { useDeliveryDetail } from "./use-deliveries";
import { Button } from "../ui/Button";
import { CopyButton } from "../ui/CopyButton";
import { PAUSED_HOLD_TEXT } from "@/lib/delivery/core/hold-reason";
import { deliveryStateText } from "@/lib/delivery/core/states";
import { attemptOutcomeText } from "@/lib/delivery/core/attempt-outcome";

type Req = { method?: string; url?: string; headers?: [string, string][]; body?: string | null };
/** savedToUser: the attributes its response mapping saved (lib/delivery/dispatcher.ts) */
type Res = { status?: number; statusText?: string; headers?: [string, string][]; body?: string; bodyTruncated?: boolean; savedToUser?: string[] } | null;

/** When it goes out next: its due time, or, while the campaign is paused, that it waits for the resume (no time would be true). */
function NextAttempt({ at, paused }: { at: string | null; paused: boolean }) {
  if (!at) return null;
  return (
    <>
      <dt className="text-slate-500">Next attempt</dt>
      <dd>{paused ? PAUSED_HOLD_TEXT : <DateTime value={at} style="seconds" />}</dd>
    </>
  );
}

function Headers({ headers }: { headers?: [string, string][] }) {
  if (!headers?.length) return null;
  return <pre className="overflow-x-auto whitespace-pre-wrap break-all text-xs text-slate-700">{headers.map(([k, v]) => `${k}: ${v}`).join("\n")}</pre>;
}

export function DeliveryDetailPanel({ id, onClose }: { id: string; onClose: () => void }) {
  const { data, error } = useDeliveryDetail(id);
  const panel = useRef<HTMLElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  // Closed: focus goes back to the row's button that opened it, when that is still on the page.
  // (Before the effect below: it reads the opener before focus moves.)
  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    return () => {
      if (opener?.isConnected) opener.focus();
    };
  }, []);
  // It opens under a table that can be longer than the window: bring it into view and put focus on its
  // heading, so the reader (a screen reader too) lands on what they asked for.
  useEffect(() => {
    heading.current?.focus({ preventScroll: true });
    const still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    panel.current?.scrollIntoView({ block: "start", behavior: still ? "auto" : "smooth" });
  }, [id]);
  return (
    <section ref={panel} aria-label="Delivery detail" className="scroll-mt-4 space-y-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
      <div className="flex items-center justify-between gap-2">
        <h3 ref={heading} tabIndex={-1} className="text-sm font-semibold text-slate-900 focus:outline-none">
          Delivery {data ? `to ${data.userId}` : ""}
        </h3>
        <Button size="sm" variant="ghost" onClick={onClose}>Close</Button>
      </div>
      {error && <p className="text-sm text-red-700">{(error as Error).message}</p>}
      {data && (
        <>
          <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
            <dt className="text-slate-500">State</dt><dd>{deliveryStateText(data.state, data.hold)}{data.reason ? ` – ${data.reason}` : ""}</dd>
            <dt className="text-slate-500">User</dt>
            <dd className="flex flex-wrap items-center gap-2"><span className="font-mono text-xs break-all">{data.userId}</span><CopyButton text={data.userId} label="Copy user id" /></dd>
            <dt className="text-slate-500">webhook-id</dt><dd className="font-mono text-xs">{data.webhookId}</dd>
            <dt className="text-slate-500">Webhook</dt><dd>{data.actionName}</dd>
            {data.variant && (<><dt className="text-slate-500">Variant</dt><dd>{data.variant}</dd></>)}
            <dt className="text-slate-500">Planned</dt><dd><DateTime value={data.plannedAt} style="seconds" /></dd>
            <NextAttempt at={data.nextAttemptAt} paused={data.hold === "campaign_paused"} />
          </dl>
          {data.attempts.length === 0 && <p className="text-sm text-slate-500">No attempt yet.</p>}
          <ol className="space-y-3">
            {data.attempts.map((a, i) => {
              const req = a.request as Req;
              const res = a.response as Res;
              return (
                <li key={a.number} className="space-y-2 rounded-lg border border-slate-200 p-3">
                  <p className="text-sm font-medium">
                    {`Attempt ${a.number}: ${attemptOutcomeText(a, i === data.attempts.length - 1)}${a.status ? ` (HTTP ${a.status})` : ""} · ${a.durationMs} ms · `}
                    <DateTime value={a.startedAt} style="seconds" />
                  </p>
                  {a.error && <p className={`text-sm ${a.outcome === "delivered" ? "text-amber-800" : "text-red-700"}`}>{a.error}</p>}
                  {res?.savedToUser?.length ? <p className="text-sm text-emerald-800">Saved to user: {res.savedToUser.join(", ")}</p> : null}
                  <AllowDestinationLink error={a.error} />
                  {a.nextAttemptAt && i === data.attempts.length - 1 && data.hold === "campaign_paused" ? (
                    <p className="text-xs text-slate-600">{PAUSED_HOLD_TEXT}</p>
                  ) : (
                    a.nextAttemptAt && <p className="text-xs text-slate-600">Next attempt due <DateTime value={a.nextAttemptAt} style="seconds" /></p>
                  )}
                  {req?.url && (
                    <details>
                      <summary className="cursor-pointer text-xs font-medium text-slate-600">Request</summary>
                      <p className="mt-1 break-all font-mono text-xs">{`${req.method} ${req.url}`}</p>
                      <Headers headers={req.headers} />
                      {req.body && <pre className="mt-1 overflow-x-auto whitespace-pre-wrap break-all rounded bg-slate-50 p-2 text-xs">{req.body}</pre>}
                    </details>
                  )}
                  {res && (
                    <details>
                      <summary className="cursor-pointer text-xs font-medium text-slate-600">Response</summary>
                      <p className="mt-1 text-xs">{`HTTP ${res.status} ${res.statusText ?? ""}`}</p>
                      <Headers headers={res.headers} />
                      {res.body && <pre className="mt-1 overflow-x-auto whitespace-pre-wrap break-all rounded bg-slate-50 p-2 text-xs">{res.body}{res.bodyTruncated ? "\n…(truncated)" : ""}</pre>}
                    </details>
                  )}
                </li>
              );
            })}
          </ol>
        </>
      )}
    </section>
  );
}
