"use client";
// The fields of the chosen "When": a date and zone, an event with conditions, or a recurrence.
import { useId } from "react";
import { Field, FieldMessage, inputClass } from "../ui/Field";
import { Button } from "../ui/Button";
import type { DeliveryForm } from "./delivery-form-state";
import { TIME_ZONE_LIST_ID, useTimeZoneChoices } from "./TimeZoneList";
import { CONDITION_OPERATORS, CONDITIONS_COMPARE_NOTE } from "@/lib/audience/conditions";
import { immediateRuleLine } from "@/lib/audience/count-line";
import { utcInputStep } from "@/lib/delivery/forms/utc-input";
import { PAUSED_SEND_TIME_KEPT, pausedKeepsTiming } from "@/lib/delivery/forms/paused-timing";

/** `status`: the campaign's (draft, active, paused, finished): an immediate rule is told in its tense */
type Props = { form: DeliveryForm; set: (patch: Partial<DeliveryForm>) => void; errors: Record<string, string>; disabled: boolean; status: string };
const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const OPERATOR_LABELS: Record<string, string> = { equals: "equals", notEquals: "does not equal", contains: "contains", exists: "exists", greater: "is greater than", less: "is less than", inList: "is one of" };

function TimeZoneField({ form, set, errors, disabled }: Props) {
  const own = useTimeZoneChoices()[0];
  return (
    <Field label="Time zone" error={errors["rule.timeZone"]} hint={`Type to search the IANA zones${own ? `; yours (${own}) comes first` : ""}`}>
      {(p) => (
        <input
          {...p}
          type="text"
          autoComplete="off"
          spellCheck={false}
          className={inputClass}
          list={TIME_ZONE_LIST_ID}
          value={form.timeZone}
          disabled={disabled}
          onChange={(e) => set({ timeZone: e.target.value })}
        />
      )}
    </Field>
  );
}

/**
 * "In each user's time zone", one option under Scheduled and Recurring alike: the time typed is each
 * user's own time (users without a zone use the zone above). Switching between the two keeps it, as
 * it keeps the time zone, since it means the same there (it had two labels, so being kept surprised).
 * Its error (with cron) is announced with it.
 */
function UserZoneCheckbox({ form, set, errors, disabled, hint }: Props & { hint: string }) {
  const id = useId();
  const error = errors["rule.inUserTimeZone"];
  return (
    <div className="sm:col-span-2">
      <label className="flex items-center gap-2 text-sm text-slate-700">
        <input
          type="checkbox"
          checked={form.inUserTimeZone}
          disabled={disabled}
          aria-invalid={error ? true : undefined}
          aria-describedby={`${error ? `${id}-error ` : ""}${id}-hint`}
          onChange={(e) => set({ inUserTimeZone: e.target.checked })}
        />
        In each user&apos;s time zone
      </label>
      {error && <FieldMessage id={`${id}-error`} tone="error">{error}</FieldMessage>}
      <p id={`${id}-hint`} className="mt-1.5 text-xs text-slate-500">
        {hint}
      </p>
    </div>
  );
}

export function WhenFields(props: Props) {
  const { form, set, errors, disabled } = props;
  if (form.when === "scheduled") {
    // paused, its deliveries were planned for this time when it was activated: the save would refuse a new one (pausedChangeProblem)
    const kept = props.status === "paused" && pausedKeepsTiming(form.when);
    const timing = { ...props, disabled: disabled || kept };
    return (
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Send at" error={errors["rule.sendAt"]} hint={kept ? PAUSED_SEND_TIME_KEPT : undefined} className={kept ? "sm:col-span-2" : undefined}>
          {(p) => <input {...p} type="datetime-local" step={utcInputStep(form.sendAt)} className={inputClass} value={form.sendAt} disabled={timing.disabled} onChange={(e) => set({ sendAt: e.target.value })} />}
        </Field>
        <TimeZoneField {...timing} />
        <UserZoneCheckbox {...timing} hint="Sends at this date and time in each user's own zone (users without one use the zone above)." />
        {form.inUserTimeZone && (
          <Field label="Users whose time has passed" className="sm:col-span-2" error={errors["rule.whenPassed"]}>
            {(p) => (
              <select {...p} className={inputClass} value={form.whenPassed} disabled={timing.disabled} onChange={(e) => set({ whenPassed: e.target.value as "sendNow" | "skip" })}>
                <option value="sendNow">Send at once</option>
                <option value="skip">Skip them (recorded as suppressed)</option>
              </select>
            )}
          </Field>
        )}
      </div>
    );
  }
  if (form.when === "triggered") {
    const setCondition = (i: number, patch: object) => set({ conditions: form.conditions.map((c, j) => (j === i ? { ...c, ...patch } : c)) });
    return (
      <div className="space-y-3">
        <Field label="Event name" error={errors["rule.event"]} hint="Each tracked event with this name (POST /api/v1/events) starts the campaign for its user.">
          {(p) => <input {...p} className={inputClass} value={form.event} disabled={disabled} placeholder="purchase" onChange={(e) => set({ event: e.target.value })} />}
        </Field>
        {form.conditions.map((c, i) => (
          <div key={i} className="grid grid-cols-[1fr_1fr_1fr_auto] items-end gap-2">
            <Field label={`Parameter ${i + 1}`}>{(p) => <input {...p} className={inputClass} value={c.key} disabled={disabled} onChange={(e) => setCondition(i, { key: e.target.value })} />}</Field>
            <Field label={`Condition ${i + 1}`}>
              {(p) => (
                <select {...p} className={inputClass} value={c.operator} disabled={disabled} onChange={(e) => setCondition(i, { operator: e.target.value })}>
                  {CONDITION_OPERATORS.map((o) => <option key={o} value={o}>{OPERATOR_LABELS[o]}</option>)}
                </select>
              )}
            </Field>
            <Field label={`Value ${i + 1}`}>{(p) => <input {...p} className={inputClass} value={String(c.value ?? "")} disabled={disabled || c.operator === "exists"} onChange={(e) => setCondition(i, { value: e.target.value })} />}</Field>
            <Button size="sm" variant="ghost" disabled={disabled} onClick={() => set({ conditions: form.conditions.filter((_, j) => j !== i) })}>Remove</Button>
          </div>
        ))}
        {form.conditions.length > 0 && <p className="text-xs text-slate-500">{CONDITIONS_COMPARE_NOTE}</p>}
        <Button size="sm" disabled={disabled} onClick={() => set({ conditions: [...form.conditions, { key: "", operator: "equals", value: "" }] })}>Add condition</Button>
      </div>
    );
  }
  if (form.when === "recurring") {
    return (
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Repeat">
          {(p) => (
            <select {...p} className={inputClass} value={form.frequency} disabled={disabled} onChange={(e) => set({ frequency: e.target.value as DeliveryForm["frequency"] })}>
              <option value="daily">Daily</option>
              <option value="weekly">Weekly</option>
              <option value="cron">Cron expression</option>
            </select>
          )}
        </Field>
        {form.frequency === "cron" ? (
          <Field label="Cron expression" error={errors["rule.cron"]} hint="minute hour day month weekday, e.g. 0 9 * * 1-5">
            {(p) => <input {...p} className={`${inputClass} font-mono`} value={form.cron} disabled={disabled} onChange={(e) => set({ cron: e.target.value })} />}
          </Field>
        ) : (
          <Field label="Time of day" error={errors["rule.time"]}>
            {(p) => <input {...p} type="time" className={inputClass} value={form.time} disabled={disabled} onChange={(e) => set({ time: e.target.value })} />}
          </Field>
        )}
        {form.frequency === "weekly" && (
          <fieldset className="sm:col-span-2">
            <legend className="mb-1.5 text-sm font-medium text-slate-700">Weekdays</legend>
            <div className="flex flex-wrap gap-3">
              {WEEKDAYS.map((d, i) => (
                <label key={d} className="flex items-center gap-1 text-sm">
                  <input type="checkbox" disabled={disabled} checked={form.weekdays.includes(i)} onChange={(e) => set({ weekdays: e.target.checked ? [...form.weekdays, i] : form.weekdays.filter((x) => x !== i) })} />
                  {d}
                </label>
              ))}
            </div>
            {errors["rule.weekdays"] && <p className="mt-1 text-sm text-red-700">{errors["rule.weekdays"]}</p>}
          </fieldset>
        )}
        <TimeZoneField {...props} />
        <UserZoneCheckbox {...props} hint="Each run goes out at its time in the user's own zone (users without one use the zone above). Daily and weekly only." />
        <Field label="Ends on" hint="Optional" error={errors["rule.endsOn"]}>
          {(p) => <input {...p} type="date" className={inputClass} value={form.endsOn} disabled={disabled} onChange={(e) => set({ endsOn: e.target.value })} />}
        </Field>
        <Field label="Ends after (occurrences)" hint="Optional" error={errors["rule.maxOccurrences"]}>
          {(p) => <input {...p} type="number" min={1} className={inputClass} value={form.maxOccurrences} disabled={disabled} onChange={(e) => set({ maxOccurrences: e.target.value })} />}
        </Field>
      </div>
    );
  }
  return <p className="text-sm text-slate-600">{immediateRuleLine(props.status)}</p>;
}
