"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { deleteCampaignAction, duplicateCampaignAction } from "@/app/campaigns/actions";
import { Badge, type BadgeTone } from "./ui/Badge";
import { Button } from "./ui/Button";
import { DateTime } from "./ui/DateTime";
import { ConfirmDialog } from "./ui/ConfirmDialog";
import { plural, pluralWord } from "@/lib/text/plural";
import { NextSendText } from "./delivery/NextSendText";
import type { NextSendView } from "./delivery/delivery-form-state";

const AUDIENCE_NOW = "Users matching the audience today, not how many it sent to";

export type CampaignRow = {
  id: string;
  name: string;
  description: string;
  status: { label: string; tone: BadgeTone };
  statusKey: string;
  actionCount: number;
  destinations: string[];
  editedIso: string;
  /** users matching its audience now; null when the list did not count it (lib/campaigns/campaign-overview.ts) */
  audience: number | null;
  delivered: number;
  failed: number;
  /** deliveries waiting for another attempt after a failed one */
  retrying: number;
  lastSendIso: string | null;
  /** an active scheduled or recurring campaign's next send; local: its date and time in each user's zone */
  nextSend: NextSendView | null;
};

const COLUMNS = "md:grid-cols-[minmax(0,1fr)_6rem_5.5rem_5.5rem_4.5rem_4.5rem_8rem_10rem]";

/**
 * One page of campaigns: name, status, audience, delivered / failed / retrying, last send; duplicate and delete
 * for a member who may edit (the server found, filtered and ordered them: CampaignListFilters).
 */
export function CampaignList({ campaigns, canEdit }: { campaigns: CampaignRow[]; canEdit: boolean }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [confirming, setConfirming] = useState<CampaignRow | null>(null);
  const [message, setMessage] = useState<string | null>(null);

  function duplicate(row: CampaignRow) {
    startTransition(async () => {
      const result = await duplicateCampaignAction(row.id);
      if (result.ok) router.push(`/campaigns/${result.data.id}`);
      else setMessage(result.message);
    });
  }

  function remove(row: CampaignRow) {
    startTransition(async () => {
      const result = await deleteCampaignAction(row.id);
      setConfirming(null);
      setMessage(result.ok ? `Deleted “${row.name}”.` : result.message);
      router.refresh();
    });
  }

  return (
    <>
      <p role="status" className={message ? "mb-3 rounded-lg bg-slate-100 px-3 py-2 text-sm text-slate-700" : "sr-only"}>
        {message}
      </p>
      <div className="overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm">
        <div className={`hidden ${COLUMNS} gap-4 border-b border-slate-200 bg-slate-50 px-5 py-2.5 text-xs font-medium tracking-wide text-slate-500 uppercase md:grid`}>
          <span>Campaign</span>
          <span>Status</span>
          <span title={AUDIENCE_NOW}>Audience now</span>
          <span>Delivered</span>
          <span>Failed</span>
          <span title="Waiting for another attempt after a failed one">Retrying</span>
          <span>Last send</span>
          <span className="sr-only">Actions</span>
        </div>
        <ul className="divide-y divide-slate-100" aria-label="Campaigns">
          {campaigns.map((c) => (
            <li key={c.id} aria-label={c.name} className={`grid grid-cols-1 gap-3 px-4 py-4 ${COLUMNS} md:items-center md:gap-4 md:px-5`}>
              <div className="min-w-0">
                <Link href={`/campaigns/${c.id}`} className="font-medium text-slate-900 hover:text-indigo-700 hover:underline">
                  {c.name}
                </Link>
                {c.description && <p className="mt-0.5 truncate text-sm text-slate-500">{c.description}</p>}
                {c.destinations.length > 0 && (
                  <p className="mt-1 truncate font-mono text-xs text-slate-500">
                    <span className="sr-only">Sends to </span>
                    <span aria-hidden>→ </span>
                    {c.destinations.slice(0, 3).join(", ")}
                    {c.destinations.length > 3 ? ` +${c.destinations.length - 3}` : ""}
                  </p>
                )}
                <p className="mt-1 text-xs text-slate-500">
                  {`${plural(c.actionCount, "webhook", "webhooks")} · edited `}
                  <DateTime value={c.editedIso} style="relative" />
                </p>
              </div>
              <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm text-slate-600 md:contents">
                <span>
                  <Badge tone={c.status.tone}>{c.status.label}</Badge>
                </span>
                {c.audience === null ? (
                  <span className="tabular-nums" title="Not counted in the list (too many audience conditions in all): the campaign's page counts it">
                    — <span className="sr-only">audience not counted here; the campaign&apos;s page counts it</span>
                  </span>
                ) : (
                  <span className="tabular-nums" title={AUDIENCE_NOW}>
                    {c.audience.toLocaleString("en")} <span className="md:sr-only">{pluralWord(c.audience, "user", "users")} in the audience now</span>
                  </span>
                )}
                <span className="tabular-nums text-emerald-700">
                  {c.delivered.toLocaleString("en")} <span className="md:sr-only">delivered</span>
                </span>
                <span className={`tabular-nums ${c.failed ? "text-red-700" : ""}`}>
                  {c.failed.toLocaleString("en")} <span className="md:sr-only">failed</span>
                </span>
                <span className={`tabular-nums ${c.retrying ? "text-amber-700" : ""}`} title="Waiting for another attempt after a failed one">
                  {c.retrying.toLocaleString("en")} <span className="md:sr-only">retrying</span>
                </span>
                {/* the last send and the next planned one, whichever there are (a triggered campaign with
                    sends scheduled said "Never sent", a recurring one after its first run no next run) */}
                <span className="flex flex-col">
                  {c.lastSendIso ? (
                    <DateTime value={c.lastSendIso} style="relative" className="text-slate-500">
                      <span className="md:hidden">Last sent </span>
                    </DateTime>
                  ) : (
                    !c.nextSend && <span className="text-slate-400">Never sent</span>
                  )}
                  {c.nextSend && (
                    <span className="text-slate-600">
                      {"Next: "}
                      <NextSendText next={c.nextSend} />
                    </span>
                  )}
                </span>
              </div>
              {/* a viewer only looks: no button that could only be refused */}
              {canEdit ? (
                <div className="-ml-2.5 flex gap-2 md:ml-0 md:justify-end">
                  <Button size="sm" variant="ghost" onClick={() => duplicate(c)} disabled={pending} aria-label={`Duplicate ${c.name}`}>
                    Duplicate
                  </Button>
                  <Button size="sm" variant="ghost" className="text-red-700 hover:bg-red-50 hover:text-red-800" onClick={() => setConfirming(c)} disabled={pending} aria-label={`Delete ${c.name}`}>
                    Delete
                  </Button>
                </div>
              ) : (
                <span aria-hidden className="hidden md:block" />
              )}
            </li>
          ))}
        </ul>
      </div>
      <ConfirmDialog
        open={!!confirming}
        title="Delete this campaign?"
        confirmLabel="Delete"
        busy={pending}
        onCancel={() => setConfirming(null)}
        onConfirm={() => confirming && remove(confirming)}
      >
        “{confirming?.name}” and its webhooks will be deleted, with their test sends and delivery history. This cannot be undone.
      </ConfirmDialog>
    </>
  );
}
