"use client";
// The campaign's audience: everyone, or users whose attributes match conditions (all / any),
// with the live count of matching users.
import { CONDITION_OPERATORS, CONDITIONS_COMPARE_NOTE, type Condition } from "@/lib/audience/conditions";
import { useAudienceCount } from "./useAudienceCount";
import { Button } from "../ui/Button";
import { useId } from "react";
import { Field, FieldMessage, inputClass } from "../ui/Field";
import { audienceCountLine } from "@/lib/audience/count-line";

export type AudienceForm = { match: "all" | "any"; conditions: Condition[] };
const LABELS: Record<string, string> = { equals: "equals", notEquals: "does not equal", contains: "contains", exists: "exists", greater: "is greater than", less: "is less than", inList: "is one of (comma-separated)" };

/**
 * `sent`: a one-off campaign was activated (its audience was read then): the count is of the audience now, not of who it sent to.
 * `error`: the save's refusal of the audience as a whole (a paused one-off campaign keeps the one it planned for).
 */
export function AudienceFields({ audience, set, disabled, sent = false, error }: { audience: AudienceForm; set: (a: AudienceForm) => void; disabled: boolean; sent?: boolean; error?: string }) {
  const counted = useAudienceCount(audience);
  const errorId = useId();
  const setCondition = (i: number, patch: Partial<Condition>) => set({ ...audience, conditions: audience.conditions.map((c, j) => (j === i ? { ...c, ...patch } : c)) });
  return (
    <fieldset className="space-y-3" aria-invalid={error ? true : undefined} aria-describedby={error ? errorId : undefined}>
      <legend className="text-sm font-medium text-slate-700">Audience</legend>
      {error && <FieldMessage id={errorId} tone="error">{error}</FieldMessage>}
      <p role="status" aria-live="polite" className="text-sm text-slate-600">
        {audienceCountLine(audience, counted, { sent })}
      </p>
      {audience.conditions.length > 1 && (
        <Field label="Match">
          {(p) => (
            <select {...p} className={`${inputClass} max-w-xs`} value={audience.match} disabled={disabled} onChange={(e) => set({ ...audience, match: e.target.value as "all" | "any" })}>
              <option value="all">all conditions</option>
              <option value="any">any condition</option>
            </select>
          )}
        </Field>
      )}
      {audience.conditions.length === 0 && <p className="text-sm text-slate-500">Everyone: add a condition to send to a segment.</p>}
      {audience.conditions.map((c, i) => (
        <div key={i} className="grid grid-cols-[1fr_1fr_1fr_auto] items-end gap-2">
          <Field label={`Attribute ${i + 1}`}>{(p) => <input {...p} className={inputClass} value={c.key} disabled={disabled} placeholder="plan" onChange={(e) => setCondition(i, { key: e.target.value })} />}</Field>
          <Field label={`Attribute condition ${i + 1}`}>
            {(p) => (
              <select {...p} className={inputClass} value={c.operator} disabled={disabled} onChange={(e) => setCondition(i, { operator: e.target.value as Condition["operator"] })}>
                {CONDITION_OPERATORS.map((o) => <option key={o} value={o}>{LABELS[o]}</option>)}
              </select>
            )}
          </Field>
          <Field label={`Attribute value ${i + 1}`}>{(p) => <input {...p} className={inputClass} value={String(c.value ?? "")} disabled={disabled || c.operator === "exists"} onChange={(e) => setCondition(i, { value: e.target.value })} />}</Field>
          <Button size="sm" variant="ghost" disabled={disabled} onClick={() => set({ ...audience, conditions: audience.conditions.filter((_, j) => j !== i) })}>Remove</Button>
        </div>
      ))}
      {audience.conditions.length > 0 && <p className="text-xs text-slate-500">{CONDITIONS_COMPARE_NOTE}</p>}
      <Button size="sm" disabled={disabled} onClick={() => set({ ...audience, conditions: [...audience.conditions, { key: "", operator: "equals", value: "" }] })}>Add audience condition</Button>
    </fieldset>
  );
}
