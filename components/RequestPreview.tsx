"use client";
import type { ReactNode } from "react";
import { describeProblem, fieldLabel } from "@/lib/campaigns/problem-labels";
import type { PreviewResult } from "@/lib/campaigns/preview";
import { BodyView, HeaderList, MethodUrl, SubHeading } from "./HttpMessageView";
import { inNewRow } from "./new-rows";
import { formPath } from "./template-drafting";

const NONE: ReadonlySet<string> = new Set();

/** The exact request the action would send for the sample user: method, URL, headers, body bytes. */
export function RequestPreview({
  result,
  updating,
  failure,
  outOfDate,
  forWhom,
  urlEmpty,
  drafting = NONE,
  newRows = NONE,
}: {
  result: PreviewResult | undefined;
  updating: boolean;
  failure: string | null;
  /** says that the request shown is not for what is typed now, and why (PreviewOutOfDateNotice) */
  outOfDate?: ReactNode;
  forWhom: string;
  /** nothing typed in the URL yet */
  urlEmpty: boolean;
  /** the form paths of the fields where a `{{` is being typed (suggestions open): their mistakes wait, a hint says why */
  drafting?: ReadonlySet<string>;
  /** the rows just added and not left yet ("fields.2", new-rows.tsx): their empty cells are not mistakes yet */
  newRows?: ReadonlySet<string>;
}) {
  const found = result ? Object.entries(result.problems).filter(([field]) => !inNewRow(formPath(field), newRows)) : [];
  // A URL not typed yet is a step still to take, not a mistake: a hint, until something is typed.
  const foundErrors = (result?.errors ?? []).filter((p) => !(urlEmpty && p.field === "url") && !inNewRow(formPath(p.field), newRows));
  const errors = foundErrors.filter((p) => !drafting.has(formPath(p.field)));
  const problems = found.filter(([field]) => !drafting.has(formPath(field)));
  const waiting = errors.length < foundErrors.length || problems.length < found.length;
  // a mistake in a row just added waits until the row is left: without a word the panel showed only its heading
  const heldByNewRow =
    !result?.request &&
    ((result?.errors ?? []).some((p) => !(urlEmpty && p.field === "url") && inNewRow(formPath(p.field), newRows)) ||
      Object.keys(result?.problems ?? {}).some((field) => inNewRow(formPath(field), newRows)));
  return (
    <section aria-labelledby="request-preview-title" aria-busy={updating} className="space-y-4">
      <div className="flex flex-wrap items-baseline justify-between gap-x-3 gap-y-0.5">
        <h2 id="request-preview-title" className="text-base font-semibold text-slate-900">
          Request preview
        </h2>
        <span className="text-xs text-slate-500" aria-live="polite">
          {updating ? "Updating…" : forWhom}
        </span>
      </div>
      {failure && <p className="rounded-lg bg-red-50 px-3 py-2 text-sm text-red-800">{failure}</p>}
      {!failure && outOfDate}
      {(!result || urlEmpty) && !failure && !outOfDate && <p className="text-sm text-slate-500">Type the webhook&apos;s URL to see the request.</p>}
      {waiting && <p className="text-sm text-slate-500">Finish the {"{{ }}"} expression to see the request.</p>}
      {heldByNewRow && !waiting && <p className="text-sm text-slate-500">Finish this row (leave it) to see the request.</p>}
      {errors.length > 0 && (
        <div className="rounded-lg border border-red-200 bg-red-50 px-3 py-2.5 text-sm text-red-800">
          <p className="font-medium">The request cannot be built yet</p>
          <ul className="mt-1 list-disc space-y-0.5 pl-5">
            {errors.map((p, i) => (
              <li key={i}>{describeProblem(p)}</li>
            ))}
          </ul>
        </div>
      )}
      {result?.skipped && errors.length === 0 && (
        // a valid outcome ({{required}}), not a broken template: said plainly, without error styling
        <p role="status" className="rounded-lg border border-slate-200 bg-slate-50 px-3 py-2.5 text-sm text-slate-700">
          {result.skipped}
        </p>
      )}
      {result && result.warnings.some((w) => !w.info) && (
        <div className="rounded-lg border border-amber-200 bg-amber-50 px-3 py-2.5 text-sm text-amber-900">
          <p className="font-medium">Warnings</p>
          <ul className="mt-1 list-disc space-y-0.5 pl-5">
            {result.warnings.filter((w) => !w.info).map((p, i) => (
              <li key={i}>{describeProblem(p)}</li>
            ))}
          </ul>
        </div>
      )}
      {/* facts, not warnings: an attribute an earlier webhook's response sets */}
      {result && result.warnings.some((w) => w.info) && (
        <div className="rounded-lg border border-slate-200 bg-slate-50 px-3 py-2.5 text-sm text-slate-700">
          <p className="font-medium">Notes</p>
          <ul className="mt-1 list-disc space-y-0.5 pl-5">
            {result.warnings.filter((w) => w.info).map((p, i) => (
              <li key={i}>{describeProblem(p)}</li>
            ))}
          </ul>
        </div>
      )}
      {result?.request && (
        <div className="space-y-4">
          <MethodUrl method={result.request.method} url={result.request.url} />
          <div>
            <SubHeading>Headers</SubHeading>
            <HeaderList headers={result.request.headers} />
          </div>
          <div>
            <SubHeading>Body</SubHeading>
            <BodyView body={result.request.body} label="Preview body" prettyByDefault={false} />
          </div>
        </div>
      )}
      {problems.length > 0 && (
        <div className="text-sm text-slate-600">
          <p className="font-medium text-slate-700">To fix before saving</p>
          <ul className="mt-1 list-disc space-y-0.5 pl-5">
            {problems.map(([field, message]) => (
              <li key={field}>
                {fieldLabel(field)}: {message}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
