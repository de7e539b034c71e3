"use client";
import { useId, type ReactNode } from "react";

export { inputClass, monoInputClass } from "./input-classes";

type ControlProps = { id: string; "aria-describedby"?: string; "aria-invalid"?: boolean };

/** A labelled control with its hint and its error, announced through aria-describedby. */
export function Field({
  label,
  hint,
  error,
  notice,
  className = "",
  labelHidden = false,
  children,
}: {
  label: string;
  hint?: ReactNode;
  error?: string;
  notice?: string;
  className?: string;
  labelHidden?: boolean;
  children: (control: ControlProps) => ReactNode;
}) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [error ? errorId : null, notice && !error ? `${id}-notice` : null, hint ? hintId : null].filter(Boolean).join(" ");
  return (
    <div className={className}>
      <label htmlFor={id} className={labelHidden ? "sr-only" : "mb-1.5 block text-sm font-medium text-slate-700"}>
        {label}
      </label>
      {children({ id, "aria-describedby": describedBy || undefined, "aria-invalid": error ? true : undefined })}
      {error && <FieldMessage id={errorId} tone="error">{error}</FieldMessage>}
      {notice && !error && <FieldMessage id={`${id}-notice`} tone="notice">{notice}</FieldMessage>}
      {hint && (
        <p id={hintId} className="mt-1.5 text-xs text-slate-500">
          {hint}
        </p>
      )}
    </div>
  );
}

export function FieldMessage({ id, tone, children }: { id?: string; tone: "error" | "notice"; children: ReactNode }) {
  return (
    <p id={id} className={`mt-1.5 text-sm ${tone === "error" ? "text-red-700" : "text-amber-700"}`}>
      {children}
    </p>
  );
}
