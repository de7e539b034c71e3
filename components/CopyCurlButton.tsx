"use client";
import { useState } from "react";
import { Button } from "./ui/Button";

/** Copies the equivalent curl command (secrets masked); shows it when the clipboard is unavailable. */
export function CopyCurlButton({ curl }: { curl: string }) {
  const [state, setState] = useState<"idle" | "copied" | "shown">("idle");
  async function copy() {
    try {
      await navigator.clipboard.writeText(curl);
      setState("copied");
      setTimeout(() => setState("idle"), 2000);
    } catch {
      setState("shown");
    }
  }
  return (
    <div className="flex flex-col items-end gap-2">
      <Button size="sm" onClick={copy}>
        Copy as curl
      </Button>
      <span role="status" className={state === "copied" ? "text-xs text-emerald-700" : "sr-only"}>
        {state === "copied" ? "Copied to the clipboard" : ""}
      </span>
      {state === "shown" && (
        <textarea
          readOnly
          aria-label="curl command"
          className="h-28 w-full rounded-lg border border-slate-300 p-2 font-mono text-xs"
          value={curl}
          onFocus={(e) => e.target.select()}
        />
      )}
    </div>
  );
}
