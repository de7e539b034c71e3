"use client";
import { SECRET_MASK } from "@/lib/campaigns/limits";
import { savedPasswordNotice } from "@/lib/campaigns/url-origin";
import { TemplateInput } from "./TemplateInput";
import { AllowDestinationLink } from "./AllowDestinationLink";
import { Field, monoInputClass, type FieldNotice } from "./ui/Field";

/** The webhook URL template; explains templating, Basic auth credentials and the masked saved password. */
export function UrlField({
  value,
  savedUrl,
  error,
  notice,
  readOnly = false,
  onChange,
}: {
  value: string;
  /** the URL as last saved (password masked), to warn when an edit points the saved password elsewhere */
  savedUrl?: string;
  error?: string;
  notice?: FieldNotice;
  /** a viewer's: no hints on how to edit it */
  readOnly?: boolean;
  onChange: (url: string) => void;
}) {
  const savedPassword = !!savedUrl && savedUrl.includes(`${SECRET_MASK}@`);
  // a user name without a password (https://sk_live_...@api.stripe.com) is stored as the secret itself
  const savedUserName = savedPassword && !savedUrl.includes(`:${SECRET_MASK}@`);
  // the secret resolver's rule (lib/campaigns/secret-resolver.ts): same scheme, host and port, none of them templated
  const passwordNotice = savedUrl ? savedPasswordNotice(value, savedUrl, SECRET_MASK) : undefined;
  const hint = savedPassword ? (
    <>
      The saved {savedUserName ? "credential (a user name without a password)" : "password"} shows as {SECRET_MASK}; type a new one in its place to change it.
    </>
  ) : (
    <>
      Personalise with <code className="font-mono text-slate-700">{"{{user.id}}"}</code> or{" "}
      <code className="font-mono text-slate-700">{"{{user.city}}"}</code> (type <code className="font-mono text-slate-700">{"{{"}</code> for suggestions). For Basic auth, write{" "}
      <code className="font-mono text-slate-700">https://name:password@host/…</code> (or <code className="font-mono text-slate-700">https://key@host/…</code>{" "}
      for an API key as the user name); it is stored encrypted and shown as {SECRET_MASK}.
    </>
  );
  return (
    <div>
      <Field
        label="URL"
        error={error}
        notice={notice ?? passwordNotice}
        hint={readOnly ? undefined : hint}
      >
        {(control) => (
          <TemplateInput
            {...control}
            formPath="url"
            type="text"
            inputMode="url"
            placeholder="https://api.example.com/users/{{user.id}}/notify"
            className={monoInputClass}
            value={value}
            onChange={onChange}
          />
        )}
      </Field>
      {/* a private address the preview says is refused: the admin's way to allow it, as at Test send */}
      <AllowDestinationLink error={typeof notice === "string" ? notice : undefined} />
    </div>
  );
}
