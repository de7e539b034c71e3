"use client";
import { MAX_FIELDS } from "@/lib/campaigns/limits";
import { FIELD_TYPES, type FieldType } from "@/lib/webhooks/types";
import { uid, type FieldRow } from "./campaign-draft-state";
import { useNewRow } from "./new-rows";
import { RemoveRowButton } from "./RemoveRowButton";
import { TemplateInput } from "./TemplateInput";
import { Button } from "./ui/Button";
import { Field, inputClass, monoInputClass, type FieldNotice } from "./ui/Field";

const TYPE_LABELS: Record<FieldType, string> = { text: "Text", number: "Number", boolean: "Boolean", json: "JSON" };

/** The body's ordered key-value pairs; values are templates; in JSON mode each has a type. */
export function KeyValueEditor({
  rows,
  typed,
  errorAt,
  noticeAt,
  onChange,
}: {
  rows: FieldRow[];
  /** JSON mode: values have a type and dotted keys nest */
  typed: boolean;
  errorAt: (path: string) => string | undefined;
  /** a note at a value (an attribute no user has: lib/campaigns/unknown-attributes.ts) */
  noticeAt?: (path: string) => FieldNotice | undefined;
  onChange: (rows: FieldRow[]) => void;
}) {
  const added = useNewRow("fields", rows, onChange);
  const update = (i: number, patch: Partial<FieldRow>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const columns = typed ? "sm:grid-cols-[minmax(0,2fr)_minmax(0,3fr)_7rem_2rem]" : "sm:grid-cols-[minmax(0,2fr)_minmax(0,3fr)_2rem]";
  return (
    <fieldset>
      <legend className="text-sm font-medium text-slate-700">Data</legend>
      <p className="mt-0.5 text-xs text-slate-500">
        {typed ? "Sent as a JSON object. Dotted keys such as address.city build nested objects." : "Sent form-encoded, keys as written."}
      </p>
      {errorAt("fields") && <p className="mt-1.5 text-sm text-red-700">{errorAt("fields")}</p>}
      {rows.length > 0 && (
        <div aria-hidden className={`mt-3 hidden gap-2 text-xs font-medium text-slate-500 sm:grid ${columns}`}>
          <span>Key</span>
          <span>Value</span>
          {typed && <span>Type</span>}
        </div>
      )}
      <ul className="mt-1.5 space-y-2">
        {rows.map((row, i) => (
          <li key={row.uid} onBlur={added.onRowBlur(row.uid)} className={`grid grid-cols-[minmax(0,1fr)_2rem] items-start gap-2 rounded-lg border border-slate-200 p-2 sm:border-0 sm:p-0 ${columns}`}>
            <Field label="Key" labelHidden error={errorAt(`fields.${i}.key`)} className="col-span-1">
              {(c) => <input {...c} ref={added.focusIfNew(row.uid)} className={monoInputClass} placeholder="first_name" value={row.key} onChange={(e) => update(i, { key: e.target.value })} />}
            </Field>
            <div className="col-start-2 row-start-1 sm:hidden">
              <RemoveRowButton label={`Remove field ${i + 1}`} onClick={() => onChange(rows.filter((_, j) => j !== i))} />
            </div>
            <Field label="Value" labelHidden error={errorAt(`fields.${i}.value`)} notice={noticeAt?.(`fields.${i}.value`)} className="col-span-2 sm:col-span-1">
              {(c) => (
                <TemplateInput {...c} formPath={`fields.${i}.value`} className={monoInputClass} placeholder="{{user.firstName}}" value={row.value} onChange={(value) => update(i, { value })} />
              )}
            </Field>
            {typed && (
              <Field label="Type" labelHidden error={errorAt(`fields.${i}.type`)} className="col-span-2 sm:col-span-1">
                {(c) => (
                  <select {...c} className={inputClass} value={row.type} onChange={(e) => update(i, { type: e.target.value as FieldType })}>
                    {FIELD_TYPES.map((t) => (
                      <option key={t} value={t}>
                        {TYPE_LABELS[t]}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
            )}
            <div className="hidden sm:block">
              <RemoveRowButton label={`Remove field ${i + 1}`} onClick={() => onChange(rows.filter((_, j) => j !== i))} />
            </div>
          </li>
        ))}
      </ul>
      <Button
        size="sm"
        className="mt-3"
        disabled={rows.length >= MAX_FIELDS}
        onClick={() => added.add({ uid: uid(), key: "", value: "", type: "text" })}
      >
        <span aria-hidden>+</span> Add field
      </Button>
    </fieldset>
  );
}
