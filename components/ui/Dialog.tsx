"use client";
import { useEffect, useId, useRef, type ReactNode } from "react";

/** A modal (native <dialog>) with a title; Escape closes it. `footer` holds its buttons. */
export function Dialog({ open, title, onClose, children, footer, wide = false }: { open: boolean; title: string; onClose: () => void; children: ReactNode; footer?: ReactNode; wide?: boolean }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      // stated, not only implied by <dialog>: every confirmation (Activate's scheduled one too) reads as one
      // to whatever looks for role="dialog"
      role="dialog"
      aria-labelledby={titleId}
      // always opened with showModal(): the rest of the page is inert until it closes
      aria-modal="true"
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      className={`m-auto rounded-xl border border-slate-200 bg-white p-0 shadow-xl backdrop:bg-slate-900/40 ${wide ? "w-[min(52rem,calc(100vw-2rem))]" : "w-[min(30rem,calc(100vw-2rem))]"}`}
    >
      {open && (
        <div className="flex max-h-[calc(100vh-4rem)] flex-col">
          <h2 id={titleId} className="border-b border-slate-100 px-5 py-4 text-lg font-semibold text-slate-900">
            {title}
          </h2>
          <div className="min-h-0 flex-1 overflow-y-auto px-5 py-4 text-sm text-slate-700">{children}</div>
          {footer && <div className="flex justify-end gap-2 border-t border-slate-100 px-5 py-3">{footer}</div>}
        </div>
      )}
    </dialog>
  );
}
