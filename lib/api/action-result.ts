// The one result every server action returns to its component: data (and an optional line to
// show) on success; on failure a message, the offending fields, and for activation the problems
// found. Client-safe (zod only): forms import the type, actions build it with these helpers.
import type { z } from "zod";

export type FieldErrors = Record<string, string>;

/**
 * `version` on a failure: the campaign version the tab holds next when the action moved it before it
 * failed (Activate saves the settings on screen, then may refuse the activation).
 */
export type ActionResult<T = undefined> =
  | { ok: true; data: T; message?: string }
  | { ok: false; fieldErrors: FieldErrors; message: string; problems?: string[]; conflict?: true; version?: number };

export type ActionFailure = Extract<ActionResult, { ok: false }>;

export function succeeded<T>(data: T, message?: string): ActionResult<T> {
  return message === undefined ? { ok: true, data } : { ok: true, data, message };
}

export function failed(message: string, fieldErrors: FieldErrors = {}, problems?: string[]): ActionFailure {
  return problems ? { ok: false, fieldErrors, message, problems } : { ok: false, fieldErrors, message };
}

/** zod issues as { "actions.0.fields.2.key": "Duplicate key ..." }, the first message per field. */
export function fieldErrorsOf(error: z.ZodError, prefix = ""): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join(".") || "form";
    errors[path] ??= issue.message;
  }
  return errors;
}

export function invalid(error: z.ZodError, prefix = ""): ActionFailure {
  const fieldErrors = fieldErrorsOf(error, prefix);
  const count = Object.keys(fieldErrors).length;
  return failed(count === 1 ? "Fix the highlighted field, then save again." : `Fix the ${count} highlighted fields, then save again.`, fieldErrors);
}
