"use client";
// The campaign page's version, as its editor holds it (its Save's conflict check): the Goal form, a
// section of its own on the page, saves with it and hands the editor the version its change moved to,
// as Activate and a webhook's delete do, so the tab's own goal is no conflict for its next Save.
import { createContext, useContext, useEffect, useRef, type ReactNode, type RefObject } from "react";

type Held = { version?: number; hold?: (version: number) => void };
const HeldVersion = createContext<RefObject<Held> | null>(null);

export function CampaignVersionScope({ children }: { children: ReactNode }) {
  const heldRef = useRef<Held>({});
  return <HeldVersion.Provider value={heldRef}>{children}</HeldVersion.Provider>;
}

/** The editor's side: the version it holds, and how it takes the next one. */
export function useHoldsCampaignVersion(version: number | undefined, hold: (version: number) => void) {
  const heldRef = useContext(HeldVersion);
  useEffect(() => {
    if (heldRef) heldRef.current = { version, hold };
  });
}

/** Another section's side: the version the editor holds now, and handing it the next (outside a scope: none, and nothing). */
export function useCampaignVersion() {
  const heldRef = useContext(HeldVersion);
  return { current: () => heldRef?.current.version, hold: (version: number) => heldRef?.current.hold?.(version) };
}
