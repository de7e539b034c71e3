"use client";
// After a refused save or activation, the page leads to the problem as good forms do: the first field
// marked invalid (aria-invalid, set by Field at every error it shows) is scrolled into view and
// focused, so its error is read out with its label. One helper for the editor and the Delivery section.
import { useCallback, useEffect, useState } from "react";

/** Focuses the first field with an error in `root`, in the page's order; false when none is shown. */
export function focusFirstInvalid(root: ParentNode = document): boolean {
  const field = root.querySelector<HTMLElement>('[aria-invalid="true"]:not([disabled])');
  if (!field) return false;
  // centred: the sticky header would hide a field scrolled to the top edge
  field.scrollIntoView({ block: "center" });
  field.focus({ preventScroll: true });
  return true;
}

/**
 * Focuses the field of a save's problem by its path ("name", "actions.0.fields.1.value"): the control
 * marked `data-field` with the rest of the path inside its webhook's card (`data-field-prefix`, "actions.0."),
 * else that card's (or the Delivery section's) first field with an error, else the page's.
 */
export function focusFieldAt(path: string): boolean {
  const m = /^(actions\.\d+\.(?:variants\.\d+\.)?)(.+)$/.exec(path);
  const root: ParentNode =
    // the webhook's card, showing another variant's tab if not this one's
    (m ? (document.querySelector(`[data-field-prefix="${m[1]}"]`) ?? document.querySelector(`[data-field-prefix^="${/^actions\.\d+\./.exec(path)![0]}"]`)) : null) ??
    (path.startsWith("delivery.") ? document.querySelector('[aria-labelledby="delivery-heading"]') : null) ??
    document;
  const field = root.querySelector<HTMLElement>(`[data-field="${CSS.escape(m ? m[2]! : path)}"]`);
  if (!field) return focusFirstInvalid(root) || focusFirstInvalid();
  field.scrollIntoView({ block: "center" });
  field.focus({ preventScroll: true });
  return true;
}

/**
 * `lead()` focuses the first field with an error once the render that shows the refusal's errors has
 * been committed (call it where the refusal's errors are set, in the same update). `otherwise` runs when
 * no field shows one (a refusal with no field to point at).
 */
export function useLeadToProblem(otherwise?: () => void) {
  const [asked, setAsked] = useState(0);
  useEffect(() => {
    if (asked && !focusFirstInvalid()) otherwise?.();
    // only a new request leads; `otherwise` may be a new function each render
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [asked]);
  return useCallback(() => setAsked((n) => n + 1), []);
}
