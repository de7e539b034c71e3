"use client";
// Campaign limits: start and end dates, typed in a time zone chosen here (the browser's by default) and
// stored as UTC instants, each shown with its UTC equivalent; and the exemption from the per-user
// frequency cap.
import { Field, inputClass } from "../ui/Field";
import { utcText } from "../ui/DateTime";
import { useTimeZoneChoices } from "./TimeZoneList";
import { useRoleAllows } from "../auth/MemberRole";
import { instantFromZonedInput, utcInputStep } from "@/lib/delivery/forms/utc-input";
import { CAP_EXEMPT_ADMIN_ONLY } from "@/lib/delivery/forms/cap-exempt";

/** startAt and endAt: wall-clock times in `zone` (lib/delivery/forms/utc-input.ts reads them). */
export type LimitsForm = { startAt: string; endAt: string; zone: string; capExempt: boolean };

type Props = { limits: LimitsForm; set: (patch: Partial<LimitsForm>) => void; setZone: (zone: string) => void; disabled: boolean; errors: Record<string, string> };

/** "= 2031-03-01 08:00:30 UTC" under a date typed in another zone, so that what is stored is never a guess. */
function utcEquivalent(value: string, zone: string): string | null {
  const instant = new Date(instantFromZonedInput(value, zone));
  return Number.isNaN(instant.getTime()) ? null : `= ${utcText(instant)}`;
}

function DateField({ label, hint, name, props }: { label: string; hint: string; name: "startAt" | "endAt"; props: Props }) {
  const { limits, set, disabled, errors } = props;
  const value = limits[name];
  const utc = value && limits.zone !== "UTC" ? utcEquivalent(value, limits.zone) : null;
  return (
    <Field label={label} hint={utc ? `${hint} · ${utc}` : hint} error={errors[name]}>
      {(p) => <input {...p} type="datetime-local" step={utcInputStep(value)} className={inputClass} value={value} disabled={disabled} onChange={(e) => set({ [name]: e.target.value })} />}
    </Field>
  );
}

function ZoneSelect({ limits, setZone, disabled }: Props) {
  const choices = useTimeZoneChoices();
  const zones = choices.includes(limits.zone) ? choices : [limits.zone, ...choices];
  return (
    <Field label="Zone of start and end" hint="The dates are read in this zone and stored in UTC; changing it keeps the same moments">
      {(p) => (
        <select {...p} className={inputClass} value={limits.zone} disabled={disabled} onChange={(e) => setZone(e.target.value)}>
          {zones.map((z) => <option key={z} value={z}>{z}</option>)}
        </select>
      )}
    </Field>
  );
}

export function LimitsFields(props: Props) {
  const { limits, set, disabled } = props;
  // the frequency cap is an admin's setting (lib/delivery/forms/settings.ts refuses an editor's change)
  const canExempt = useRoleAllows("admin");
  return (
    <fieldset className="space-y-3">
      <legend className="text-sm font-medium text-slate-700">Limits</legend>
      <div className="grid gap-3 sm:grid-cols-2">
        <DateField label="Start" hint="Optional: nothing sends before" name="startAt" props={props} />
        <DateField label="End" hint="Optional: sends planned later are suppressed" name="endAt" props={props} />
        <ZoneSelect {...props} />
      </div>
      <div>
        <label className="flex items-center gap-2 text-sm text-slate-700">
          <input type="checkbox" checked={limits.capExempt} disabled={disabled || !canExempt} aria-describedby={canExempt ? undefined : "cap-exempt-note"} onChange={(e) => set({ capExempt: e.target.checked })} />
          Exempt from the per-user frequency cap
        </label>
        {!canExempt && <p id="cap-exempt-note" className="mt-1 text-xs text-slate-500">{CAP_EXEMPT_ADMIN_ONLY}.</p>}
      </div>
    </fieldset>
  );
}
