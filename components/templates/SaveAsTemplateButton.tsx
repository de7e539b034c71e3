"use client";
// "Save as template" on a webhook: its URL, data and headers become a template in the library, its
// secrets left out (the server decides what is a secret; the dialog says what it left out).
import { useQueryClient } from "@tanstack/react-query";
import { useState, useTransition } from "react";
import { saveTemplateAction } from "@/app/settings/webhook-template-actions";
import { BUILT_IN_TEMPLATES } from "@/lib/campaigns/builtin-destination-templates";
import { campaignKeys } from "@/lib/campaigns/query-keys";
import { freeTemplateName } from "@/lib/campaigns/template-name";
import { useRoleAllows } from "../auth/MemberRole";
import { actionDraftOf, type ActionState } from "../campaign-draft-state";
import { Button } from "../ui/Button";
import { Dialog } from "../ui/Dialog";
import { destinationTemplatesQuery } from "./useDestinationTemplates";
import { ErrorRevealScope, Field, inputClass } from "../ui/Field";

type Outcome = { name: string; cleared: string[] };

export function SaveAsTemplateButton({ action }: { action: ActionState }) {
  const canSave = useRoleAllows("editor");
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [secretNote, setSecretNote] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [pending, start] = useTransition();
  if (!canSave) return null;

  const openDialog = () => {
    // a webhook started from a template bears its name, which the library would refuse: suggest a free one,
    // first among the templates known now, then among all of them once loaded (unless it was retyped meanwhile)
    const known = queryClient.getQueryData(destinationTemplatesQuery.queryKey) ?? BUILT_IN_TEMPLATES;
    const suggested = freeTemplateName(action.name, known.map((t) => t.name));
    setName(suggested);
    void queryClient.fetchQuery(destinationTemplatesQuery).then(
      (all) => setName((typed) => (typed === suggested ? freeTemplateName(action.name, all.map((t) => t.name)) : typed)),
      () => {},
    );
    setDescription("");
    // a webhook started from a built-in template keeps its note on where the secret is
    setSecretNote(BUILT_IN_TEMPLATES.find((t) => t.id === action.templateId)?.secretNote ?? "");
    setErrors({});
    setMessage(null);
    setOutcome(null);
    setOpen(true);
  };

  const save = () =>
    start(async () => {
      const result = await saveTemplateAction({ name, description, secretNote, webhook: actionDraftOf(action) });
      if (!result.ok) {
        setErrors(result.fieldErrors);
        const keys = Object.keys(result.fieldErrors);
        // an error at one of the dialog's fields shows there; the webhook's own are on the page behind
        const atDialogField = keys.some((k) => k === "name" || k === "description" || k === "secretNote");
        const atWebhook = keys.some((k) => k.startsWith("webhook."));
        setMessage(atWebhook ? "Fix the webhook first (its URL, data or headers), then save it as a template." : atDialogField ? null : result.message);
        return;
      }
      setOutcome({ name: result.data.template.name, cleared: result.data.cleared });
      await queryClient.invalidateQueries({ queryKey: campaignKeys.destinationTemplates });
    });

  return (
    <>
      <Button size="sm" variant="ghost" onClick={openDialog}>
        Save as template
      </Button>
      <Dialog
        open={open}
        title="Save as template"
        onClose={() => setOpen(false)}
        footer={
          outcome ? (
            <Button variant="primary" onClick={() => setOpen(false)}>
              Done
            </Button>
          ) : (
            <>
              <Button onClick={() => setOpen(false)}>Cancel</Button>
              <Button variant="primary" onClick={save} disabled={pending}>
                Save template
              </Button>
            </>
          )
        }
      >
        {outcome ? (
          <div role="status" className="space-y-2">
            <p className="font-medium text-emerald-800">Saved “{outcome.name}” as a template. Find it under Start from a template and in Settings › Webhook templates.</p>
            {outcome.cleared.length > 0 && <p>Not saved, as they are or may be secrets: {outcome.cleared.join(", ")}.</p>}
          </div>
        ) : (
          // the editor around holds errors back until a field is left; the dialog's show at once
          <ErrorRevealScope revealed>
            <form
              className="space-y-4"
              onSubmit={(e) => {
                e.preventDefault();
                save();
              }}
            >
              <p className="text-slate-600">The URL, data and headers are saved; secrets (secret headers, the URL password, keys and tokens) are not.</p>
              <Field label="Template name" error={errors.name}>
                {(c) => <input {...c} className={inputClass} value={name} onChange={(e) => setName(e.target.value)} />}
              </Field>
              <Field label="Description (optional)" error={errors.description}>
                {(c) => <input {...c} className={inputClass} value={description} onChange={(e) => setDescription(e.target.value)} />}
              </Field>
              <Field label="Where to find the secret (optional)" error={errors.secretNote} hint="Shown to whoever starts a webhook from this template.">
                {(c) => <textarea {...c} rows={3} className={inputClass} value={secretNote} onChange={(e) => setSecretNote(e.target.value)} />}
              </Field>
              {message && (
                <p role="alert" className="text-red-700">
                  {message}
                </p>
              )}
              <button type="submit" hidden />
            </form>
          </ErrorRevealScope>
        )}
      </Dialog>
    </>
  );
}
