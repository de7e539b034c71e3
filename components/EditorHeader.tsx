"use client";
import Link from "next/link";
import { CampaignStatusBadge } from "./CampaignStatusBadge";
import { Button } from "./ui/Button";

/** The campaign screen's top bar: where you are, whether it is saved, Save and Delete (for those who may edit). Stays in view. */
export function EditorHeader({
  title,
  status,
  dirty,
  saving,
  saved,
  editable = true,
  message,
  problems = [],
  onSave,
  onDelete,
  onMerge,
}: {
  title: string;
  status?: string;
  dirty: boolean;
  saving: boolean;
  saved: boolean;
  /** false for a viewer: no Save or Delete */
  editable?: boolean;
  /** `reload`: the save lost to another (CampaignConflictError): "Merge their changes" (for those who may edit) and Reload beside it */
  message: { tone: "success" | "error"; text: string; reload?: boolean } | null;
  /** a refused save's problems (two or more): listed in place of `message`'s text, each a button to its field */
  problems?: { label: string; onGo: () => void }[];
  onSave: () => void;
  onDelete: () => void;
  /** merges the stored campaign into the form (useCampaignDraft's mergeTheirs) */
  onMerge?: () => void;
}) {
  return (
    <div className="sticky top-0 z-10 -mx-4 -mt-6 border-b border-slate-200 bg-slate-50 px-4 py-3 sm:-mx-6 sm:px-6">
      <nav aria-label="Breadcrumb" className="hidden text-sm text-slate-500 sm:block">
        <Link href="/campaigns" className="hover:text-slate-800">
          Campaigns
        </Link>
        <span aria-hidden className="mx-1.5">
          /
        </span>
      </nav>
      {/* Phones: the title on its own line, then the status and the buttons; wider: one line. */}
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
        <div className="flex min-w-0 basis-full items-center gap-2 sm:flex-1 sm:basis-0 sm:gap-3">
          <h1 className="truncate text-lg font-semibold tracking-tight text-slate-900 sm:text-2xl">{title}</h1>
          {status && <CampaignStatusBadge status={status} />}
        </div>
        <p role="status" className="min-h-5 min-w-0 flex-1 text-sm sm:order-last sm:basis-full">
          {message ? (
            <>
              {message.tone === "error" && problems.length > 1 ? (
                // on a phone the other fields are screens below: each is named, and a press goes to it
                <span className="text-red-700">
                  {problems.length} problems:{" "}
                  {problems.map((p, i) => (
                    <span key={p.label}>
                      {i > 0 && <span aria-hidden> · </span>}
                      <button type="button" onClick={p.onGo} className="font-medium underline underline-offset-2 hover:text-red-900 focus-visible:outline-2 focus-visible:outline-red-600">
                        {p.label}
                      </button>
                    </span>
                  ))}
                </span>
              ) : (
                <span className={message.tone === "error" ? "text-red-700" : "text-emerald-700"}>{message.text}</span>
              )}
              {message.reload && editable && onMerge && (
                <button type="button" onClick={onMerge} disabled={saving} className="ml-2 font-medium text-red-800 underline hover:text-red-950">
                  Merge their changes
                </button>
              )}
              {message.reload && (
                <button type="button" onClick={() => window.location.reload()} className="ml-2 font-medium text-red-800 underline hover:text-red-950">
                  Reload
                </button>
              )}
            </>
          ) : dirty ? (
            <span className="text-slate-500">Unsaved changes</span>
          ) : null}
        </p>
        {editable && (
          <div className="flex shrink-0 items-center gap-2">
            {saved && (
              <Button variant="danger" onClick={onDelete} disabled={saving}>
                Delete
              </Button>
            )}
            <Button variant="primary" onClick={onSave} disabled={saving} className="min-w-20">
              {saving ? "Saving…" : "Save"}
            </Button>
          </div>
        )}
      </div>
    </div>
  );
}
