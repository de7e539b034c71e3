import type { CampaignProgress } from "@/lib/delivery/store/campaign-outcomes";

/** Delivered of planned for a one-off send, as a progress bar ("150 of 200 delivered · 75%"). */
export function SendProgress({ progress }: { progress: CampaignProgress }) {
  const { planned, delivered, failed, suppressed, waiting } = progress;
  const percent = planned ? Math.floor((delivered / planned) * 100) : 0;
  const text = `${delivered} of ${planned} delivered · ${percent}%`;
  const rest = [failed && `${failed} failed`, suppressed && `${suppressed} suppressed`, waiting && `${waiting} to go`].filter(Boolean).join(", ");
  return (
    <div className="space-y-1.5">
      <div className="flex flex-wrap items-baseline justify-between gap-2 text-sm">
        <span className="font-medium text-slate-800">{text}</span>
        {rest && <span className="text-slate-500">{rest}</span>}
      </div>
      <div
        role="progressbar"
        aria-label="Delivery progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={text}
        className="h-2.5 w-full overflow-hidden rounded-full bg-slate-100 ring-1 ring-slate-200 ring-inset"
      >
        <div className="h-full rounded-full bg-emerald-600 transition-[width] duration-500" style={{ width: `${percent}%` }} />
      </div>
    </div>
  );
}
