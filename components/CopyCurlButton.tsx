"use client";
import { useState } from "react";
import { CopyButton } from "./ui/CopyButton";

/** Copies the equivalent curl command (secrets masked); shows it when the clipboard is unavailable. */
export function CopyCurlButton({ curl }: { curl: string }) {
  const [shown, setShown] = useState(false);
  return (
    <div className="flex flex-col items-end gap-2">
      <CopyButton text={curl} label="Copy as curl" copiedText="Copied to the clipboard" onUnavailable={() => setShown(true)} className="flex-row-reverse">
        Copy as curl
      </CopyButton>
      {shown && (
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
