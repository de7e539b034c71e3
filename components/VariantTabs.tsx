"use client";
import { variantKey } from "@/lib/campaigns/variants";

/** Above a webhook's request fields when it has variants: which variant (A, B, ...) those fields edit, or show to a viewer. */
export function VariantTabs({ count, tab, onTab, readOnly = false }: { count: number; tab: number; onTab: (tab: number) => void; readOnly?: boolean }) {
  return (
    <div className="flex flex-wrap items-center gap-2">
      <span aria-hidden className="text-xs text-slate-500">
        {readOnly ? "Showing" : "Editing"}
      </span>
      <div role="tablist" aria-label="Variants" className="flex flex-wrap gap-1">
        {Array.from({ length: count }, (_, i) => (
          <button
            key={i}
            type="button"
            role="tab"
            aria-selected={tab === i}
            onClick={() => onTab(i)}
            className={`rounded-md px-3 py-1 text-sm font-medium ${tab === i ? "bg-indigo-600 text-white" : "bg-slate-100 text-slate-700 hover:bg-slate-200"}`}
          >
            Variant {variantKey(i)}
          </button>
        ))}
      </div>
    </div>
  );
}
