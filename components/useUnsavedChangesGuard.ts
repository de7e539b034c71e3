"use client";
import { useEffect } from "react";
import { leavingLinkClick } from "./useLeaveGuard";

export const UNSAVED_CHANGES_QUESTION = "You have unsaved changes. Leave this page and lose them?";

/**
 * While `dirty`, leaving the page (reload, close, a link to another page) asks first, in the browser's
 * own confirm: the Settings forms' guard. The campaign editor has useLeaveGuard (its own dialog, and Back).
 */
export function useUnsavedChangesGuard(dirty: boolean) {
  useEffect(() => {
    if (!dirty) return;
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      e.returnValue = "";
    };
    // Client-side navigations do not fire beforeunload: ask on clicks on links that leave the page.
    const onClick = (e: MouseEvent) => {
      if (!leavingLinkClick(e)) return;
      if (!window.confirm(UNSAVED_CHANGES_QUESTION)) {
        e.preventDefault();
        e.stopPropagation();
      }
    };
    window.addEventListener("beforeunload", onBeforeUnload);
    document.addEventListener("click", onClick, true);
    return () => {
      window.removeEventListener("beforeunload", onBeforeUnload);
      document.removeEventListener("click", onClick, true);
    };
  }, [dirty]);
}
