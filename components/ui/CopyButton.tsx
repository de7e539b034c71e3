"use client";
import { useEffect, useRef, useState, type ReactNode } from "react";
import { Button } from "./Button";

/**
 * Copies `text` to the clipboard and says "Copied" for a moment. `label` names it for screen readers
 * ("Copy API key"); when the clipboard refuses (a denied permission), `onUnavailable` runs, or it says so.
 */
export function CopyButton({
  text,
  label,
  children = "Copy",
  copiedText = "Copied",
  onUnavailable,
  className = "",
}: {
  text: string;
  label: string;
  children?: ReactNode;
  copiedText?: string;
  onUnavailable?: () => void;
  className?: string;
}) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  async function copy() {
    clearTimeout(timer.current);
    try {
      await navigator.clipboard.writeText(text);
      setState("copied");
      timer.current = setTimeout(() => setState("idle"), 2000);
    } catch {
      setState(onUnavailable ? "idle" : "failed");
      onUnavailable?.();
    }
  }
  return (
    <span className={`inline-flex items-center gap-2 ${className}`}>
      <Button size="sm" onClick={copy} aria-label={label}>
        {children}
      </Button>
      <span role="status" className={state === "idle" ? "sr-only" : `text-xs ${state === "copied" ? "text-emerald-700" : "text-red-700"}`}>
        {state === "copied" ? copiedText : state === "failed" ? "Could not copy: select the text and copy it" : ""}
      </span>
    </span>
  );
}
