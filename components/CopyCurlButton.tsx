"use client";
import { useState } from "react";
import { SECRET_MASK } from "@/lib/campaigns/limits";
import { CopyButton } from "./ui/CopyButton";

/** Copies the equivalent curl command (secrets masked); shows it when the clipboard is unavailable. */
export function CopyCurlButton({ curl }: { curl: string }) {
  const [shown, setShown] = useState(false);
  const masked = curl.includes(SECRET_MASK);
  return (
    <div className="flex flex-col items-end gap-2">
      <CopyButton text={curl} label="Copy as curl" copiedText="Copied to the clipboard" onUnavailable={() => setShown(true)} className="flex-row-reverse">
        Copy as curl
      </CopyButton>
      {/* the command is copied as shown: a masked credential would be sent as the four dots */}
      {masked && <p className="text-right text-xs text-slate-500">Secrets are shown as {SECRET_MASK}: put them back before running it.</p>}
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
