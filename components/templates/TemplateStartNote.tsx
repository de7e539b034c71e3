"use client";
import { Button } from "../ui/Button";

/** Shown in a webhook just started from a template: what to fill in and where to find its secret. */
export function TemplateStartNote({ templateName, secretNote, fillIn, webhook, onDismiss }: { templateName: string; secretNote: string; fillIn: string[]; webhook: string; onDismiss: () => void }) {
  return (
    <div role="note" aria-label={`${webhook} started from ${templateName}`} className="flex items-start justify-between gap-3 rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900">
      <div className="space-y-1">
        <p className="font-medium">
          {webhook} started from “{templateName}”: a copy, so later changes to the template do not change this webhook.
        </p>
        {fillIn.length > 0 && <p>Replace {fillIn.map((n) => `{{${n}}}`).join(", ")} in the URL with your own.</p>}
        {secretNote && (
          <p>
            <span className="font-medium">Where to find the secret: </span>
            {secretNote}
          </p>
        )}
      </div>
      <Button size="sm" variant="ghost" onClick={onDismiss} aria-label={`Dismiss the template note of ${webhook}`}>
        Dismiss
      </Button>
    </div>
  );
}
