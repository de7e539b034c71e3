"use client";
import { useState } from "react";

/** Headers as a compact two-column list. */
export function HeaderList({ headers }: { headers: [string, string][] }) {
  if (!headers.length) return <p className="text-xs text-slate-500">No headers</p>;
  return (
    <dl className="grid grid-cols-[minmax(0,auto)_minmax(0,1fr)] gap-x-3 gap-y-1 font-mono text-xs">
      {headers.map(([name, value], i) => (
        <div key={`${name}-${i}`} className="contents">
          <dt className="text-slate-500">{name}:</dt>
          <dd className="break-all text-slate-800">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function prettyJson(body: string): string | null {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return null;
  }
}

/** A message body; JSON can be shown pretty (default) or raw, exactly as the bytes went. */
export function BodyView({ body, label, prettyByDefault = true }: { body: string | null | undefined; label: string; prettyByDefault?: boolean }) {
  const [raw, setRaw] = useState(!prettyByDefault);
  if (body === null || body === undefined || body === "") return <p className="text-xs text-slate-500">No body</p>;
  const pretty = prettyJson(body);
  const shown = pretty && !raw ? pretty : body;
  return (
    <div>
      {pretty && pretty !== body && (
        <div className="mb-1.5 flex justify-end">
          <button
            type="button"
            aria-pressed={raw}
            onClick={() => setRaw(!raw)}
            className="rounded px-1.5 py-0.5 text-xs font-medium text-indigo-700 hover:bg-indigo-50"
          >
            {raw ? "Show pretty" : "Show raw"} <span className="sr-only">{label}</span>
          </button>
        </div>
      )}
      <pre aria-label={label} className="max-h-80 overflow-auto rounded-lg bg-slate-900 p-3 font-mono text-xs leading-relaxed whitespace-pre-wrap text-slate-100 [overflow-wrap:anywhere]">
        {shown}
      </pre>
    </div>
  );
}

export function MethodUrl({ method, url }: { method: string; url: string }) {
  return (
    <p className="flex items-start gap-2 font-mono text-[13px]">
      <span className="shrink-0 rounded bg-indigo-600 px-1.5 py-0.5 text-xs font-semibold text-white">{method}</span>
      <span className="min-w-0 break-all text-slate-900">{url}</span>
    </p>
  );
}

export function SubHeading({ children }: { children: React.ReactNode }) {
  return <h3 className="mb-1.5 text-xs font-semibold tracking-wide text-slate-500 uppercase">{children}</h3>;
}
