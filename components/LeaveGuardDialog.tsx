"use client";
import type { ReactNode } from "react";
import type { LeaveGuard } from "./useLeaveGuard";
import { ConfirmDialog } from "./ui/ConfirmDialog";

/** useLeaveGuard's question: Stay (focused, and Escape) keeps the changes; Leave goes on without them. `children`: what is lost. */
export function LeaveGuardDialog({ guard, children }: { guard: LeaveGuard; children: ReactNode }) {
  return (
    <ConfirmDialog open={guard.asking} title="Leave without saving?" cancelLabel="Stay" confirmLabel="Leave" onCancel={guard.stay} onConfirm={guard.leave}>
      {children}
    </ConfirmDialog>
  );
}
