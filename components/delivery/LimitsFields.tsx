"use client";
// Campaign limits: start and end dates (UTC) and the exemption from the per-user frequency cap.
import { Field, inputClass } from "../ui/Field";
import { utcInputStep } from "@/lib/delivery/forms/utc-input";

export type LimitsForm = { startAt: string; endAt: string; capExempt: boolean };

export function LimitsFields({ limits, set, disabled, errors }: { limits: LimitsForm; set: (patch: Partial<LimitsForm>) => void; disabled: boolean; errors: Record<string, string> }) {
  return (
    <fieldset className="space-y-3">
      <legend className="text-sm font-medium text-slate-700">Limits</legend>
      <div className="grid gap-3 sm:grid-cols-2">
        <Field label="Start (UTC)" hint="Optional: nothing sends before" error={errors.startAt}>
          {(p) => <input {...p} type="datetime-local" step={utcInputStep(limits.startAt)} className={inputClass} value={limits.startAt} disabled={disabled} onChange={(e) => set({ startAt: e.target.value })} />}
        </Field>
        <Field label="End (UTC)" hint="Optional: sends planned later are suppressed" error={errors.endAt}>
          {(p) => <input {...p} type="datetime-local" step={utcInputStep(limits.endAt)} className={inputClass} value={limits.endAt} disabled={disabled} onChange={(e) => set({ endAt: e.target.value })} />}
        </Field>
      </div>
      <label className="flex items-center gap-2 text-sm text-slate-700">
        <input type="checkbox" checked={limits.capExempt} disabled={disabled} onChange={(e) => set({ capExempt: e.target.checked })} />
        Exempt from the per-user frequency cap
      </label>
    </fieldset>
  );
}
