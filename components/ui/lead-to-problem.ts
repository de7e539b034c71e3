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
