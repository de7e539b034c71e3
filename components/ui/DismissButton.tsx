import { Button } from "./Button";

/** A result line's "Dismiss": it goes by itself once stale (components/useResultLine.ts), or at once with this. */
export function DismissButton({ onClick }: { onClick: () => void }) {
  return (
    <Button size="sm" variant="ghost" className="-my-1 shrink-0" onClick={onClick} aria-label="Dismiss this message">
      Dismiss
    </Button>
  );
}
