"use client";
// Next.js's App Router cannot block a route change, so the guard stands at the two doors it has:
// link clicks (taken in the capture phase, before Next's <Link> sees them) and Back/Forward (the
// Navigation API's traversal, cancelled before it happens). Reload, close and a typed address get the
// browser's own beforeunload prompt.
import { useEffect, useState } from "react";
import { leavingClickHref, samePage } from "@/lib/navigation/leaving-click";

export type LeaveGuard = {
  /** a way out was taken with changes unsaved: the dialog is open */
  asking: boolean;
  /** stays on the page, changes kept */
  stay: () => void;
  /** goes where the marketer was going, changes lost */
  leave: () => void;
};

/** The link a click takes this page away by, and where to; null when the page stays (see leavingClickHref). */
export function leavingLinkClick(e: MouseEvent): { link: HTMLAnchorElement; to: string } | null {
  const link = (e.target as Element | null)?.closest?.("a[href]");
  if (!(link instanceof HTMLAnchorElement)) return null;
  const to = leavingClickHref(e, { href: link.href, target: link.target, download: link.hasAttribute("download") }, window.location.href);
  return to ? { link, to } : null;
}

/** The Navigation API's parts used here (not yet in TypeScript's DOM types). */
type TraverseEvent = Event & { navigationType: string; destination: { url: string; index: number } };
type NavigationLike = EventTarget & { currentEntry: { index: number } | null };
const navigationApi = () => (window as { navigation?: NavigationLike }).navigation;

/**
 * While `dirty`, every way off the page asks first: show `<LeaveGuardDialog guard={...}>` with it.
 * Clean, nothing is listened to (Back goes at once), and navigations the page makes itself (a save
 * moving to the new campaign's page, a confirmed Delete) are never asked about: they are neither
 * clicks on links nor Back.
 */
export function useLeaveGuard(dirty: boolean): LeaveGuard {
  const [pending, setPending] = useState<{ go: () => void } | null>(null);

  useEffect(() => {
    if (!dirty) return;
    // Leave was chosen: the way out it resumes must not be asked about again
    let released = false;
    const ask = (go: () => void) =>
      setPending({
        go: () => {
          released = true;
          go();
        },
      });

    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      if (released) return;
      e.preventDefault();
      e.returnValue = "";
    };
    const onClick = (e: MouseEvent) => {
      const leaving = released ? null : leavingLinkClick(e);
      if (!leaving) return;
      const { link, to } = leaving;
      e.preventDefault();
      e.stopPropagation();
      // the same link again, so that <Link> navigates as it would have (its replace, its scroll)
      ask(() => (link.isConnected ? link.click() : window.location.assign(to)));
    };
    // Back/Forward: the router changes page on popstate, and nothing can stop it there; the
    // Navigation API's navigate event comes first and can be cancelled (the browser allows it after
    // the person's own input, which typed changes are). Where it cannot, Back leaves as before.
    const onNavigate = (event: Event) => {
      const e = event as TraverseEvent;
      if (released || e.navigationType !== "traverse" || !e.cancelable || samePage(e.destination.url, window.location.href)) return;
      const current = navigationApi()?.currentEntry;
      if (!current) return;
      const delta = e.destination.index - current.index;
      e.preventDefault();
      ask(() => window.history.go(delta));
    };

    // Capture on window: before React's listeners on the document (Next's <Link> among them).
    window.addEventListener("beforeunload", onBeforeUnload);
    window.addEventListener("click", onClick, true);
    navigationApi()?.addEventListener("navigate", onNavigate);
    return () => {
      window.removeEventListener("beforeunload", onBeforeUnload);
      window.removeEventListener("click", onClick, true);
      navigationApi()?.removeEventListener("navigate", onNavigate);
    };
  }, [dirty]);

  return {
    asking: pending !== null,
    stay: () => setPending(null),
    leave: () => {
      setPending(null);
      pending?.go();
    },
  };
}
