"use client";
import { useId } from "react";

const WHY = "Always stored as a secret: the name says it holds a credential and the value is typed out";

/**
 * A header's Secret box. `byName`: the header's name says it holds a credential and its value is typed
 * out, so the save stores it as a secret whatever the box says: ticked, and it cannot be unticked.
 */
export function SecretBox({ checked, byName, onChange }: { checked: boolean; byName: boolean; onChange: (checked: boolean) => void }) {
  const whyId = useId();
  return (
    <>
      <label className="col-span-2 flex h-9 items-center gap-2 text-sm text-slate-600 sm:col-span-1" title={byName ? WHY : undefined}>
        <input
          type="checkbox"
          className="h-4 w-4 rounded border-slate-300 text-indigo-600 disabled:opacity-60"
          checked={checked}
          disabled={byName}
          aria-describedby={byName ? whyId : undefined}
          onChange={(e) => onChange(e.target.checked)}
        />
        <span className="sm:sr-only">Secret</span>
      </label>
      {/* out of the grid's flow (absolute), and out of the label: the box's name stays "Secret" */}
      {byName && (
        <span id={whyId} className="sr-only">
          {WHY}
        </span>
      )}
    </>
  );
}
