"use client";
import { useId, useMemo, useState } from "react";
import { builtInFieldProblem, MAX_ATTRIBUTE_NAME } from "@/lib/api/schemas/users";
import { kindOf, kindsFromCatalogue, MAPPED_KINDS, MAX_MAPPING_PATH, MAX_RESPONSE_MAPPINGS, type MappedKind } from "@/lib/webhooks/response-mapping";
import { uid, type MappingRow } from "./campaign-draft-state";
import { useNewRow } from "./new-rows";
import { RemoveRowButton } from "./RemoveRowButton";
import { useAttributeChoices } from "./useTemplateSuggestions";
import { Button } from "./ui/Button";
import { Field, inputClass, monoInputClass } from "./ui/Field";

const KIND_LABELS: Record<MappedKind, string> = { string: "Text", number: "Number", boolean: "True/false", date: "Date", list: "List" };

/**
 * "Save response to user": rows of JSON path -> user attribute. The attribute is picked from the
 * catalogue (its type comes with it) or typed as a new name.
 */
export function ResponseMappingEditor({
  rows,
  errorAt,
  onChange,
  variants = false,
}: {
  rows: MappingRow[];
  /** the webhook has variants: the one mapping is the webhook's, for every variant's response (the dispatcher maps with the step's) */
  variants?: boolean;
  errorAt: (path: string) => string | undefined;
  onChange: (rows: MappingRow[]) => void;
}) {
  const listId = useId();
  const [wanted, setWanted] = useState(rows.length > 0);
  const { data: attributes = [] } = useAttributeChoices(wanted);
  const added = useNewRow("responseMapping", rows, onChange);
  const update = (i: number, patch: Partial<MappingRow>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  // a catalogue attribute seen with one type: picking it keeps that type, so the values stay comparable
  const kinds = useMemo(() => kindsFromCatalogue(attributes), [attributes]);
  const pickAttribute = (i: number, attribute: string) => {
    const type = kindOf(kinds, attribute);
    update(i, { attribute, ...(type ? { type } : {}) });
  };
  /** Saving another type into an attribute users hold changes it under every segment and template that reads it. */
  const typeChange = (row: MappingRow) => {
    const held = kindOf(kinds, row.attribute.trim());
    return held && row.type && row.type !== held
      ? `Your users' "${row.attribute.trim()}" holds ${KIND_LABELS[held].toLowerCase()}; saving ${KIND_LABELS[row.type].toLowerCase()} replaces it for each user this webhook answers for, and segments and templates that read it will see the new type.`
      : undefined;
  };
  const columns = "sm:grid-cols-[minmax(0,3fr)_minmax(0,2fr)_10rem_2rem]";
  return (
    <fieldset onFocusCapture={() => setWanted(true)}>
      <legend className="text-sm font-medium text-slate-700">Save response to user</legend>
      <p className="mt-0.5 text-xs text-slate-500">
        When the receiver answers 2xx with JSON, each path&apos;s value is saved on the user, so a later webhook can use {"{{user.<name>}}"}. A response that is not JSON or misses a path saves nothing for it; the delivery log says why.
      </p>
      {variants && (
        <p className="mt-0.5 text-xs font-medium text-slate-600">
          One for the whole webhook: it applies to every variant&apos;s response (A, B, …), whichever variant a user is sent, and is the same on each tab.
        </p>
      )}
      {errorAt("responseMapping") && <p className="mt-1.5 text-sm text-red-700">{errorAt("responseMapping")}</p>}
      {rows.length > 0 && (
        <div aria-hidden className={`mt-3 hidden gap-2 text-xs font-medium text-slate-500 sm:grid ${columns}`}>
          <span>JSON path</span>
          <span>User attribute</span>
          <span>Saved as</span>
        </div>
      )}
      <datalist id={listId}>
        {/* an attribute stored under a built-in field's name before that was refused is not offered: Save refuses it */}
        {attributes.filter((a) => !builtInFieldProblem(a.name)).map((a) => (
          <option key={a.name} value={a.name}>
            {a.types.join(", ")}
          </option>
        ))}
      </datalist>
      <ul className="mt-1.5 space-y-2">
        {rows.map((row, i) => (
          <li key={row.uid} onBlur={added.onRowBlur(row.uid)} className={`grid grid-cols-[minmax(0,1fr)_2rem] items-start gap-2 rounded-lg border border-slate-200 p-2 sm:border-0 sm:p-0 ${columns}`}>
            <Field label={`JSON path ${i + 1}`} labelHidden error={errorAt(`responseMapping.${i}.path`)} className="col-span-1">
              {(c) => <input {...c} ref={added.focusIfNew(row.uid)} maxLength={MAX_MAPPING_PATH} className={monoInputClass} placeholder="$.customer.id" value={row.path} onChange={(e) => update(i, { path: e.target.value })} />}
            </Field>
            <div className="col-start-2 row-start-1 sm:hidden">
              <RemoveRowButton label={`Remove mapping ${i + 1}`} onClick={() => onChange(rows.filter((_, j) => j !== i))} />
            </div>
            <Field label={`User attribute ${i + 1}`} labelHidden error={errorAt(`responseMapping.${i}.attribute`) ?? builtInFieldProblem(row.attribute.trim()) ?? undefined} className="col-span-2 sm:col-span-1">
              {(c) => <input {...c} list={listId} maxLength={MAX_ATTRIBUTE_NAME} className={monoInputClass} placeholder="crmId" value={row.attribute} onChange={(e) => pickAttribute(i, e.target.value)} />}
            </Field>
            <Field label={`Saved as ${i + 1}`} labelHidden error={errorAt(`responseMapping.${i}.type`)} className="col-span-2 sm:col-span-1">
              {(c) => (
                <select {...c} className={inputClass} value={row.type} onChange={(e) => update(i, { type: e.target.value as MappingRow["type"] })}>
                  <option value="">As in the JSON</option>
                  {MAPPED_KINDS.map((k) => (
                    <option key={k} value={k}>
                      {KIND_LABELS[k]}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <div className="hidden sm:block">
              <RemoveRowButton label={`Remove mapping ${i + 1}`} onClick={() => onChange(rows.filter((_, j) => j !== i))} />
            </div>
            {typeChange(row) && (
              <p role="note" className="col-span-2 text-xs text-amber-800 sm:col-span-4">
                {typeChange(row)}
              </p>
            )}
          </li>
        ))}
      </ul>
      <Button
        size="sm"
        className="mt-3"
        disabled={rows.length >= MAX_RESPONSE_MAPPINGS}
        onClick={() => {
          setWanted(true);
          added.add({ uid: uid(), path: "", attribute: "", type: "" });
        }}
      >
        <span aria-hidden>+</span> Add mapping
      </Button>
      {rows.length >= MAX_RESPONSE_MAPPINGS && <p className="mt-1.5 text-xs text-slate-500">At most {MAX_RESPONSE_MAPPINGS} mappings per webhook.</p>}
    </fieldset>
  );
}
