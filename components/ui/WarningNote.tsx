import type { ReactNode } from "react";

/**
 * A warning to accept, not a refusal (under a dialog's question): what it is about (`label`, its
 * accessible name), a one-line `heading`, the `items` it found, and what to do (`advice`). Nothing when there are no items.
 */
export function WarningNote({ label, heading, items, advice }: { label: string; heading: string; items?: string[]; advice: ReactNode }) {
  if (!items?.length) return null;
  return (
    <div role="note" aria-label={label} className="mt-3 rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-900">
      <p className="font-medium">{heading}</p>
      <ul className="mt-1 list-disc space-y-1 pl-5 break-words">
        {items.map((item) => (
          <li key={item}>{item}</li>
        ))}
      </ul>
      <p className="mt-1">{advice}</p>
    </div>
  );
}
