"use client";
// The sign-in, owner set-up and invitation forms: email (unless fixed), password, and the error.
import { MEMBER_NAME_MAX_LENGTH } from "@/lib/auth/member-name";
import { useActionState, useState, type ChangeEvent } from "react";
import type { FormActionState } from "@/app/define-action";
import { Button } from "@/components/ui/Button";
import { inputClass } from "@/components/ui/Field";
import { PASSWORD_RULE } from "@/lib/auth/password-rule";

type Props = {
  action: (state: FormActionState, form: FormData) => Promise<FormActionState>;
  submitLabel: string;
  askName?: boolean;
  fixedEmail?: string;
  token?: string;
  newPassword?: boolean;
};

export function CredentialsForm({ action, submitLabel, askName, fixedEmail, token, newPassword }: Props) {
  const [state, formAction, pending] = useActionState(action, null);
  // Controlled, so a failed attempt keeps what was typed (React resets a form after its action).
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const err = state?.fieldErrors ?? {};
  return (
    <form action={formAction} className="space-y-4">
      {token && <input type="hidden" name="token" value={token} />}
      {askName && (
        <label className="block text-sm">
          Name
          <input
            name="name"
            className={`${inputClass} mt-1`}
            autoComplete="name"
            maxLength={MEMBER_NAME_MAX_LENGTH}
            value={name}
            onChange={(e) => setName(e.target.value)}
            aria-invalid={!!err.name}
            aria-describedby={err.name ? "name-error" : undefined}
          />
          <FieldError id="name-error" message={err.name} />
        </label>
      )}
      {fixedEmail ? (
        <p className="text-sm text-slate-600">Email: {fixedEmail}</p>
      ) : (
        <label className="block text-sm">
          Email
          <input
            name="email"
            type="email"
            required
            className={`${inputClass} mt-1`}
            autoComplete="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            aria-invalid={!!err.email}
            aria-describedby={err.email ? "email-error" : undefined}
          />
          <FieldError id="email-error" message={err.email} />
        </label>
      )}
      <label className="block text-sm">
        Password
        <input
          name="password"
          type="password"
          required
          className={`${inputClass} mt-1`}
          autoComplete={newPassword ? "new-password" : "current-password"}
          // a new password refused ("Use at least 10 characters") stays to be corrected; a wrong one on
          // sign-in is emptied as React resets the form (not left on screen, and its emptying tells the
          // person the attempt was answered)
          {...(newPassword ? { value: password, onChange: (e: ChangeEvent<HTMLInputElement>) => setPassword(e.target.value) } : {})}
          aria-invalid={!!err.password}
          aria-describedby={err.password ? "password-error" : newPassword ? "password-rule" : undefined}
        />
        <FieldError id="password-error" message={err.password} />
        {/* the rule once: a refused password's error says it, in place of the hint */}
        {newPassword && !err.password && (
          <span id="password-rule" className="mt-1 block text-xs text-slate-500">
            {PASSWORD_RULE}
          </span>
        )}
      </label>
      {state?.message && (
        <p role="alert" className="text-sm text-red-700">
          {state.message}
        </p>
      )}
      <Button type="submit" variant="primary" disabled={pending} className="w-full">
        {submitLabel}
      </Button>
    </form>
  );
}

/** A field's error under its input, named by the input's aria-describedby. */
function FieldError({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <span id={id} className="mt-1 block text-xs text-red-700">
      {message}
    </span>
  );
}
