"use client";
import type { MergeClash } from "@/lib/campaigns/campaign-merge";

/** What "Merge their changes" did to the form: what came from the stored campaign, and each clash (yours kept, theirs masked). */
export function MergeNotice({ fromThem, clashes, onDismiss }: { fromThem: string[]; clashes: MergeClash[]; onDismiss: () => void }) {
  return (
    <section aria-label="Merged changes" aria-live="polite" className="rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-950">
      <div className="flex items-start justify-between gap-3">
        <p className="font-medium">Their changes are in the form below. Nothing is saved until you press Save.</p>
        <button type="button" onClick={onDismiss} className="shrink-0 font-medium underline hover:text-amber-700">
          Dismiss
        </button>
      </div>
      {fromThem.length === 0 && clashes.length === 0 && <p className="mt-1">Their save changed nothing you see here.</p>}
      {fromThem.length > 0 && <p className="mt-1">From them: {fromThem.join(", ")}.</p>}
      {clashes.length > 0 && (
        <ul className="mt-1 list-disc space-y-0.5 pl-5">
          {clashes.map((c, i) => (
            <li key={`${c.label}-${i}`}>{c.text}</li>
          ))}
        </ul>
      )}
    </section>
  );
}
