"use client";
// Sub-delivery per action: at once, after a delay, or before/after a time from the event or the
// user; plus the retry policy (in plain words) and the send rate.
import { Field, inputClass } from "../ui/Field";
import { describeRetryPolicy, RETRY_POLICIES, retryPolicyLabel, type RetryPolicy } from "@/lib/delivery/core/retry-policy";
import type { ActionTiming, DelayUnit } from "./delivery-form-state";
import { earlierStepTimingMessage, type EarlierStepMapping } from "@/lib/campaigns/earlier-step-mappings";

/** The save's refusals, each at its own field (lib/delivery/core/rules.ts words them). */
export type TimingErrors = { delay?: string; key?: string; retryPolicy?: string; rateLimit?: string };

/**
 * `timingKept`: a paused campaign's deliveries were planned with this timing (the section's note says why): retries and the rate stay editable;
 * `earlierSteps`: what the webhooks before this one save from their responses (a time read from one of those waits for its answer)
 */
export function ActionTimingFields({ timing, set, disabled: locked, errors, timingKept = false, earlierSteps = [] }: { timing: ActionTiming; set: (patch: Partial<ActionTiming>) => void; disabled: boolean; errors: TimingErrors; timingKept?: boolean; earlierSteps?: EarlierStepMapping[] }) {
  const disabled = locked || timingKept;
  return (
    <fieldset className="space-y-3 rounded-lg border border-slate-200 p-3">
      <legend className="px-1 text-sm font-medium text-slate-800">{timing.name}</legend>
      <div className="grid grid-cols-[1fr_auto] items-end gap-2">
        <Field label="Delay" hint={timing.relative ? undefined : "Empty or 0 sends at once"} error={errors.delay}>
          {(p) => <input {...p} type="number" min={0} className={inputClass} value={timing.delay} disabled={disabled} onChange={(e) => set({ delay: e.target.value })} />}
        </Field>
        <Field label="Unit" labelHidden>
          {(p) => (
            <select {...p} className={inputClass} value={timing.unit} disabled={disabled} onChange={(e) => set({ unit: e.target.value as DelayUnit })}>
              <option value="seconds">seconds</option>
              <option value="minutes">minutes</option>
              <option value="hours">hours</option>
              <option value="days">days</option>
            </select>
          )}
        </Field>
      </div>
      <label className="flex items-center gap-2 text-sm text-slate-700">
        <input type="checkbox" checked={timing.relative} disabled={disabled} onChange={(e) => set({ relative: e.target.checked })} />
        Measure from a time in the event or the user (Unix seconds or ISO-8601, UTC unless it has an offset)
      </label>
      {timing.relative && (
        <div className="grid gap-2 sm:grid-cols-3">
          <Field label="Before or after">
            {(p) => (
              <select {...p} className={inputClass} value={timing.direction} disabled={disabled} onChange={(e) => set({ direction: e.target.value as "before" | "after" })}>
                <option value="after">after</option>
                <option value="before">before</option>
              </select>
            )}
          </Field>
          <Field label="Time from">
            {(p) => (
              <select {...p} className={inputClass} value={timing.source} disabled={disabled} onChange={(e) => set({ source: e.target.value as "event" | "user" })}>
                <option value="event">event parameter</option>
                <option value="user">user attribute</option>
              </select>
            )}
          </Field>
          <Field label="Parameter or attribute" error={errors.key} hint={timing.source === "user" ? (earlierStepTimingMessage(timing.key, earlierSteps) ?? undefined) : undefined}>
            {(p) => <input {...p} className={inputClass} value={timing.key} disabled={disabled} onChange={(e) => set({ key: e.target.value })} />}
          </Field>
        </div>
      )}
      {/* one field a row: the retry policies' labels need the whole width to be read */}
      <div className="grid gap-2">
        <Field label="Retries" hint={describeRetryPolicy(timing.retryPolicy)} error={errors.retryPolicy}>
          {(p) => (
            <select {...p} className={inputClass} value={timing.retryPolicy} disabled={locked} onChange={(e) => set({ retryPolicy: e.target.value as RetryPolicy })}>
              {RETRY_POLICIES.map((r) => <option key={r} value={r}>{retryPolicyLabel(r)}</option>)}
            </select>
          )}
        </Field>
        <Field label="Rate limit (requests per second)" hint="Optional: protects the receiver from floods" error={errors.rateLimit}>
          {(p) => <input {...p} type="number" min={1} className={inputClass} value={timing.rateLimit} disabled={locked} onChange={(e) => set({ rateLimit: e.target.value })} />}
        </Field>
      </div>
    </fieldset>
  );
}
