"use client";
import { createContext, useContext, useId, useState, type ReactNode } from "react";
import { useTemplateDrafting } from "../template-drafting";

export { inputClass, monoInputClass } from "./input-classes";

/** A note at a field: a warning (amber), or a fact said plainly (`info`: "Set from Webhook 1's response"). */
export type FieldNotice = string | { text: string; info: true };

type ControlProps = { id: string; "aria-describedby"?: string; "aria-invalid"?: boolean; onBlur?: () => void };

/**
 * Inside a form that validates as you type: `revealed` false holds a field's error back until the
 * user has left that field (blur); true (after a save attempt) shows every error. Outside it, errors
 * show at once.
 */
const ErrorReveal = createContext<{ revealed: boolean } | null>(null);
export function ErrorRevealScope({ revealed, children }: { revealed: boolean; children: ReactNode }) {
  return <ErrorReveal.Provider value={{ revealed }}>{children}</ErrorReveal.Provider>;
}

/** Whether a mouse button or a finger is down (set before the press moves the focus away from a field). */
let pressing = false;
if (typeof window !== "undefined") {
  window.addEventListener("pointerdown", () => (pressing = true), true);
  for (const end of ["pointerup", "pointercancel"]) window.addEventListener(end, () => (pressing = false), true);
}

/**
 * Runs `show` now, or, when the blur came from pressing another control, once that press has ended
 * and its click has landed: an error appearing under the field left would move the page under the
 * pointer, and the click ("Add field" below a broken URL) would land elsewhere and be lost.
 */
function afterPress(show: () => void) {
  if (!pressing) return show();
  const ended = () => {
    for (const end of ["pointerup", "pointercancel"]) window.removeEventListener(end, ended, true);
    setTimeout(show, 0);
  };
  for (const end of ["pointerup", "pointercancel"]) window.addEventListener(end, ended, true);
}

/** A labelled control with its hint and its error, announced through aria-describedby. */
export function Field({
  label,
  hint,
  error: givenError,
  notice,
  className = "",
  labelHidden = false,
  children,
}: {
  label: string;
  hint?: ReactNode;
  error?: string;
  notice?: FieldNotice;
  className?: string;
  labelHidden?: boolean;
  children: (control: ControlProps) => ReactNode;
}) {
  const id = useId();
  const gate = useContext(ErrorReveal);
  const [left, setLeft] = useState(false);
  // held back until the field is left (unless a save was tried), and while a `{{` is being typed in it
  const drafting = useTemplateDrafting()?.ids.has(id) ?? false;
  const error = (gate && !gate.revealed && !left) || drafting ? undefined : givenError;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [error ? errorId : null, notice && !error ? `${id}-notice` : null, hint ? hintId : null].filter(Boolean).join(" ");
  return (
    <div className={className}>
      <label htmlFor={id} className={labelHidden ? "sr-only" : "mb-1.5 block text-sm font-medium text-slate-700"}>
        {label}
      </label>
      {children({ id, "aria-describedby": describedBy || undefined, "aria-invalid": error ? true : undefined, onBlur: gate ? () => afterPress(() => setLeft(true)) : undefined })}
      {error && <FieldMessage id={errorId} tone="error">{error}</FieldMessage>}
      {notice && !error && (
        <FieldMessage id={`${id}-notice`} tone={typeof notice === "string" ? "notice" : "info"}>
          {typeof notice === "string" ? notice : notice.text}
        </FieldMessage>
      )}
      {hint && (
        <p id={hintId} className="mt-1.5 text-xs text-slate-500">
          {hint}
        </p>
      )}
    </div>
  );
}

const MESSAGE_TONES = { error: "text-red-700", notice: "text-amber-700", info: "text-slate-600" } as const;

export function FieldMessage({ id, tone, children }: { id?: string; tone: keyof typeof MESSAGE_TONES; children: ReactNode }) {
  return (
    <p id={id} className={`mt-1.5 text-sm ${MESSAGE_TONES[tone]}`}>
      {children}
    </p>
  );
}
