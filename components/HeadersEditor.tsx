"use client";
import { MAX_HEADERS, SECRET_MASK } from "@/lib/campaigns/limits";
import { sealedAsSecret, sealedByName } from "@/lib/campaigns/sealed-secret";
import { headerNameProblemAsTyped } from "@/lib/webhooks/request-headers";
import { urlHasCredentials } from "@/lib/webhooks/url-credentials";
import { uid, type HeaderRow } from "./campaign-draft-state";
import { useNewRow } from "./new-rows";
import { RemoveRowButton } from "./RemoveRowButton";
import { TemplateInput } from "./TemplateInput";
import { Button } from "./ui/Button";
import { Field, monoInputClass, type FieldNotice } from "./ui/Field";
import { SecretBox } from "./SecretBox";

const columns = "sm:grid-cols-[minmax(0,2fr)_minmax(0,3fr)_5rem_2rem]";

/** Extra request headers (name + value template); secret values are stored encrypted and shown masked. */
export function HeadersEditor({
  rows,
  url = "",
  errorAt,
  noticeAt,
  onChange,
}: {
  rows: HeaderRow[];
  /** the webhook's URL as typed: credentials in it make an Authorization header a conflict */
  url?: string;
  errorAt: (path: string) => string | undefined;
  /** what the last save changed, e.g. a secret value it had to clear */
  noticeAt?: (path: string) => FieldNotice | undefined;
  onChange: (rows: HeaderRow[]) => void;
}) {
  const added = useNewRow("headers", rows, onChange);
  const credentials = urlHasCredentials(url);
  const update = (i: number, patch: Partial<HeaderRow>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <fieldset>
      <legend className="text-sm font-medium text-slate-700">Headers</legend>
      <p className="mt-0.5 text-xs text-slate-500">
        Optional. Hookline sets Content-Type, User-Agent and the webhook-id, -timestamp and -signature headers itself.
      </p>
      {errorAt("headers") && <p className="mt-1.5 text-sm text-red-700">{errorAt("headers")}</p>}
      {rows.length > 0 && (
        <div aria-hidden className={`mt-3 hidden gap-2 text-xs font-medium text-slate-500 sm:grid ${columns}`}>
          <span>Name</span>
          <span>Value</span>
          <span>Secret</span>
        </div>
      )}
      <ul className="mt-1.5 space-y-2">
        {rows.map((row, i) => {
          // the box shows what the save will store (the server's one rule), as the name and value are typed
          const secret = sealedAsSecret(row);
          return (
            <li key={row.uid} onBlur={added.onRowBlur(row.uid)} className={`grid grid-cols-[minmax(0,1fr)_2rem] items-start gap-2 rounded-lg border border-slate-200 p-2 sm:border-0 sm:p-0 ${columns}`}>
              <Field label="Header name" labelHidden error={errorAt(`headers.${i}.name`) ?? headerNameProblemAsTyped(row.name, i, credentials) ?? undefined}>
                {(c) => <input {...c} ref={added.focusIfNew(row.uid)} className={monoInputClass} placeholder="X-Api-Key" value={row.name} onChange={(e) => update(i, { name: e.target.value })} />}
              </Field>
              <div className="col-start-2 row-start-1 sm:hidden">
                <RemoveRowButton label={`Remove header ${i + 1}`} onClick={() => onChange(rows.filter((_, j) => j !== i))} />
              </div>
              <Field label="Header value" labelHidden error={errorAt(`headers.${i}.value`)} notice={noticeAt?.(`headers.${i}.value`)} className="col-span-2 sm:col-span-1">
                {(c) => (
                  <TemplateInput
                    {...c}
                    formPath={`headers.${i}.value`}
                    className={monoInputClass}
                    type={secret && row.value !== SECRET_MASK ? "password" : "text"}
                    placeholder={secret ? "stored encrypted" : "{{user.id}}"}
                    value={row.value}
                    onChange={(value) => update(i, { value })}
                  />
                )}
              </Field>
              <SecretBox checked={secret} byName={sealedByName(row)} onChange={(checked) => update(i, { secret: checked })} />
              <div className="hidden sm:block">
                <RemoveRowButton label={`Remove header ${i + 1}`} onClick={() => onChange(rows.filter((_, j) => j !== i))} />
              </div>
            </li>
          );
        })}
      </ul>
      <Button
        size="sm"
        className="mt-3"
        disabled={rows.length >= MAX_HEADERS}
        onClick={() => added.add({ uid: uid(), name: "", value: "", secret: false })}
      >
        <span aria-hidden>+</span> Add header
      </Button>
    </fieldset>
  );
}
