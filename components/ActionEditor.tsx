"use client";
import { VARIANT_KEYS, variantNameHint, type VariantKey } from "@/lib/campaigns/variants";
import type { ReactNode } from "react";
import { MAX_TIMEOUT_SECONDS } from "@/lib/campaigns/limits";
import { CONTENT_TYPES, HTTP_METHODS, type ContentType, type HttpMethod } from "@/lib/webhooks/types";
import type { ActionState } from "./campaign-draft-state";
import { HeadersEditor } from "./HeadersEditor";
import { KeyValueEditor } from "./KeyValueEditor";
import { ResponseMappingEditor } from "./ResponseMappingEditor";
import { SigningSecretField } from "./SigningSecretField";
import { UrlField } from "./UrlField";
import { Button } from "./ui/Button";
import { Field, inputClass, type FieldNotice } from "./ui/Field";

const CONTENT_TYPE_LABELS: Record<ContentType, string> = {
  "application/json": "JSON (application/json)",
  "application/x-www-form-urlencoded": "Form (application/x-www-form-urlencoded)",
};

/** One webhook action: where it goes, how, and what it carries. */
export function ActionEditor({
  action,
  webhookId,
  variant,
  campaignId,
  index,
  active,
  savedUrl,
  errorAt,
  noticeAt,
  onChange,
  onActivate,
  onDuplicate,
  onDelete,
  variantTabs,
  variantControls,
  headerActions,
  note,
  readOnly = false,
}: {
  action: ActionState;
  /** the webhook's saved id (variant A's row): its signing secret signs every variant */
  webhookId?: string;
  /** the variant the fields edit (B, C, ...); absent on the webhook itself (A) */
  variant?: string;
  campaignId?: string;
  index: number;
  active: boolean;
  savedUrl?: string;
  errorAt: (path: string) => string | undefined;
  noticeAt: (path: string) => FieldNotice | undefined;
  onChange: (patch: Partial<ActionState>) => void;
  onActivate: () => void;
  onDuplicate: () => void;
  onDelete: () => void;
  /** with variants, the tabs choosing which one the request fields edit (VariantTabs), above them */
  variantTabs?: ReactNode;
  /** the A/B splits and control group (VariantControls), after the request */
  variantControls?: ReactNode;
  /** more buttons beside Duplicate and Delete (Save as template) */
  headerActions?: ReactNode;
  /** shown at the top of this webhook, above its fields (the note of the template it was started from) */
  note?: ReactNode;
  /** a viewer's: every field disabled, no Duplicate or Delete */
  readOnly?: boolean;
}) {
  const headingId = `action-${action.uid}-title`;
  return (
    <section
      aria-labelledby={headingId}
      // a save's problem list finds its fields by path under this (lead-to-problem.ts focusFieldAt)
      data-field-prefix={variant && variant !== "A" ? `actions.${index}.variants.${VARIANT_KEYS.indexOf(variant as VariantKey) - 1}.` : `actions.${index}.`}
      onFocusCapture={onActivate}
      // disabled fields take no focus: a click picks the webhook to preview instead
      onClickCapture={readOnly ? onActivate : undefined}
      className={`rounded-xl border bg-white shadow-sm transition-shadow ${active ? "border-indigo-300 ring-2 ring-indigo-100" : "border-slate-200"}`}
    >
      <div className="flex flex-wrap items-center justify-between gap-3 border-b border-slate-100 px-4 py-3 sm:px-5">
        <h2 id={headingId} className="flex min-w-0 items-center gap-2 text-base font-semibold text-slate-900">
          <span className="flex h-6 w-6 shrink-0 items-center justify-center rounded-md bg-indigo-50 text-xs font-semibold text-indigo-700">{index + 1}</span>
          <span className="truncate">{action.name || "Webhook"}</span>
          {!action.id && <span className="text-xs font-normal text-slate-500">(not saved)</span>}
        </h2>
        {!readOnly && (
          <div className="flex flex-wrap gap-1">
            {headerActions}
            <Button size="sm" variant="ghost" onClick={onDuplicate}>
              Duplicate webhook
            </Button>
            <Button size="sm" variant="ghost" className="text-red-700 hover:bg-red-50 hover:text-red-800" onClick={onDelete}>
              Delete webhook
            </Button>
          </div>
        )}
      </div>
      <div className="space-y-5 px-4 py-4 sm:px-5">
        {note}
        {variantTabs}
        {/* a disabled fieldset disables every control inside it, the rows' add and remove buttons too */}
        <fieldset disabled={readOnly} className="min-w-0 space-y-5">
          {/* the save's refusal of a webhook's id (named twice, or not this campaign's) is shown at what names the webhook */}
          <Field label="Webhook name" hint={variant && variant !== "A" ? variantNameHint(variant) : undefined} error={errorAt("name") ?? errorAt("id")}>
            {(c) => <input {...c} className={inputClass} value={action.name} onChange={(e) => onChange({ name: e.target.value })} />}
          </Field>
          <UrlField value={action.url} savedUrl={savedUrl} error={errorAt("url")} notice={noticeAt("url")} readOnly={readOnly} onChange={(url) => onChange({ url })} />
          <div className="grid grid-cols-1 gap-4 sm:grid-cols-[8rem_minmax(0,1fr)_9rem]">
            <Field label="HTTP method" error={errorAt("method")}>
              {(c) => (
                <select {...c} className={inputClass} value={action.method} onChange={(e) => onChange({ method: e.target.value as HttpMethod })}>
                  {HTTP_METHODS.map((m) => (
                    <option key={m}>{m}</option>
                  ))}
                </select>
              )}
            </Field>
            <Field label="Content type" error={errorAt("contentType")}>
              {(c) => (
                <select {...c} className={inputClass} value={action.contentType} onChange={(e) => onChange({ contentType: e.target.value as ContentType })}>
                  {CONTENT_TYPES.map((t) => (
                    <option key={t} value={t}>
                      {CONTENT_TYPE_LABELS[t]}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label="Timeout (seconds)" error={errorAt("timeoutSeconds")}>
              {(c) => (
                <input
                  {...c}
                  type="number"
                  min={1}
                  max={MAX_TIMEOUT_SECONDS}
                  inputMode="numeric"
                  className={inputClass}
                  value={action.timeoutSeconds}
                  onChange={(e) => onChange({ timeoutSeconds: e.target.value })}
                />
              )}
            </Field>
          </div>
          {action.method === "GET" && <p className="-mt-2 text-xs text-slate-500">A GET sends no body: the data below becomes query parameters.</p>}
          <KeyValueEditor rows={action.fields} typed={action.contentType === "application/json"} errorAt={errorAt} noticeAt={noticeAt} onChange={(fields) => onChange({ fields })} />
          <HeadersEditor rows={action.headers} url={action.url} errorAt={errorAt} noticeAt={noticeAt} onChange={(headers) => onChange({ headers })} />
          <ResponseMappingEditor rows={action.responseMapping ?? []} variants={Boolean(variantTabs)} errorAt={errorAt} onChange={(responseMapping) => onChange({ responseMapping })} />
          {/* one secret per webhook: the webhook's (A's) row holds it and signs every variant */}
          <SigningSecretField campaignId={campaignId} actionId={webhookId} variant={variant} state={action.signing} onChange={(signing) => onChange({ signing })} />
        </fieldset>
        {/* the request first, as Braze and Leanplum compose a message before testing variants of it */}
        {variantControls}
      </div>
    </section>
  );
}
