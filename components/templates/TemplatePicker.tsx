"use client";
// "Start from a template": the template library (built-in and saved), each with what it sends and
// where to find its secret; the one chosen becomes a new webhook (a copy, not a link).
import { useState } from "react";
import type { DestinationTemplateView } from "@/lib/campaigns/destination-template-schemas";
import { Badge } from "../ui/Badge";
import { Button } from "../ui/Button";
import { Dialog } from "../ui/Dialog";
import { TemplateDetails } from "./TemplateDetails";
import { useDestinationTemplates } from "./useDestinationTemplates";

export function TemplatePicker({ onPick }: { onPick: (template: DestinationTemplateView) => void }) {
  const [open, setOpen] = useState(false);
  const [chosenId, setChosenId] = useState<string | null>(null);
  const templates = useDestinationTemplates(open);
  const list = templates.data ?? [];
  const chosen = list.find((t) => t.id === chosenId) ?? list[0] ?? null;

  const use = () => {
    if (!chosen) return;
    onPick(chosen);
    setOpen(false);
  };

  return (
    <>
      <Button size="sm" onClick={() => setOpen(true)}>
        Start from a template
      </Button>
      <Dialog
        open={open}
        wide
        title="Start from a template"
        onClose={() => setOpen(false)}
        footer={
          <>
            <Button onClick={() => setOpen(false)}>Cancel</Button>
            <Button variant="primary" onClick={use} disabled={!chosen}>
              Use template
            </Button>
          </>
        }
      >
        {templates.isPending && <p role="status">Loading templates…</p>}
        {templates.isError && <p role="alert" className="text-red-700">{templates.error.message}</p>}
        {list.length > 0 && chosen && (
          <div className="grid gap-5 sm:grid-cols-[minmax(0,16rem)_minmax(0,1fr)]">
            <fieldset>
              <legend className="mb-2 text-xs font-medium text-slate-500 uppercase">Templates</legend>
              <div className="space-y-1">
                {list.map((t) => (
                  <label key={t.id} className={`flex cursor-pointer items-start gap-2 rounded-lg px-2 py-1.5 ${t.id === chosen.id ? "bg-indigo-50" : "hover:bg-slate-50"}`}>
                    <input type="radio" name="destination-template" className="mt-1" checked={t.id === chosen.id} onChange={() => setChosenId(t.id)} />
                    <span className="min-w-0">
                      <span className="block font-medium text-slate-900">{t.name}</span>
                      <span className="block">{t.builtIn ? <Badge>Built in</Badge> : <Badge tone="indigo">Saved</Badge>}</span>
                    </span>
                  </label>
                ))}
              </div>
            </fieldset>
            <TemplateDetails template={chosen} />
          </div>
        )}
      </Dialog>
    </>
  );
}
