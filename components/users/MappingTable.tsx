"use client";
// One row per CSV column: what it becomes (user id, email, time zone, an attribute and its type, or
// nothing), beside the column's first values.
import { inputClass } from "@/components/ui/Field";
import { columnTypeNote } from "@/lib/audience/import/mapping";

export type Mapping =
  | { target: "skip" | "userId" | "email" | "timezone" }
  | { target: "attribute"; name: string; type: "string" | "number" | "boolean" | "date" | "list" };

const TYPES = ["string", "number", "boolean", "date", "list"] as const;

export function MappingTable({ headers, sample, mapping, onChange }: { headers: string[]; sample: string[][]; mapping: Mapping[]; onChange: (m: Mapping[]) => void }) {
  const set = (i: number, m: Mapping) => onChange(mapping.map((old, j) => (j === i ? m : old)));
  return (
    <div className="max-h-[28rem] overflow-auto">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Column mapping and preview of the first rows</caption>
        <thead className="text-xs uppercase text-slate-500">
          <tr>
            <th className="py-2 pr-3">Column</th>
            <th className="py-2 pr-3">Import as</th>
            <th className="py-2">First values</th>
          </tr>
        </thead>
        <tbody>
          {headers.map((h, i) => {
            const m = mapping[i] ?? { target: "skip" };
            return (
              <tr key={i} className="border-t border-slate-100 align-top">
                <td className="py-2 pr-3 font-mono">{h || `(column ${i + 1})`}</td>
                <td className="space-y-1 py-2 pr-3">
                  <select
                    aria-label={`Import column ${h || i + 1} as`}
                    className={inputClass}
                    value={m.target}
                    onChange={(e) => {
                      const target = e.target.value as Mapping["target"];
                      set(i, target === "attribute" ? { target, name: h.trim() || `column${i + 1}`, type: "string" } : { target });
                    }}
                  >
                    <option value="userId">User id</option>
                    <option value="email">Email</option>
                    <option value="timezone">Time zone</option>
                    <option value="attribute">Attribute</option>
                    <option value="skip">Skip</option>
                  </select>
                  {m.target === "attribute" && (
                    <div className="flex gap-1">
                      <input aria-label={`Attribute name for column ${h || i + 1}`} className={inputClass} value={m.name} onChange={(e) => set(i, { ...m, name: e.target.value })} />
                      <select aria-label={`Type of column ${h || i + 1}`} className={inputClass} value={m.type} onChange={(e) => set(i, { ...m, type: e.target.value as (typeof TYPES)[number] })}>
                        {TYPES.map((t) => (
                          <option key={t}>{t}</option>
                        ))}
                      </select>
                    </div>
                  )}
                  {m.target === "attribute" && <TypeNote cells={sample.map((row) => row[i] ?? "")} type={m.type} />}
                </td>
                <td className="py-2 font-mono text-xs text-slate-600">
                  {sample
                    .map((row) => row[i] ?? "")
                    .slice(0, 5)
                    .map((v, k) => (
                      <div key={k} className="max-w-xs truncate">
                        {v ? v : m.target === "userId" ? <span className="font-sans text-amber-700">empty: this row will be rejected</span> : <span title="empty">·</span>}
                      </div>
                    ))}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** What the chosen type does to the column's first values that do not fit it (lib/audience/import/mapping.ts columnTypeNote). */
function TypeNote({ cells, type }: { cells: string[]; type: Extract<Mapping, { target: "attribute" }>["type"] }) {
  const note = columnTypeNote(cells, type);
  return note ? <p className="max-w-xs text-xs text-amber-700">{note}</p> : null;
}
