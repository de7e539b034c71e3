"use client";
// Settings › Webhook templates: the templates members saved (rename, describe, say where the secret
// is, delete; editors and admins) and the built-in ones, read-only. Secret headers show empty: a
// template never holds a secret.
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { deleteTemplateAction, updateTemplateAction } from "@/app/settings/webhook-template-actions";
import type { DestinationTemplateView } from "@/lib/campaigns/destination-template-schemas";
import { Button } from "@/components/ui/Button";
import { Card } from "@/components/ui/Card";
import { ConfirmDialog } from "@/components/ui/ConfirmDialog";
import { DateTime } from "@/components/ui/DateTime";
import { Dialog } from "@/components/ui/Dialog";
import { Field } from "@/components/ui/Field";
import { inputClass } from "@/components/ui/input-classes";
import { Table } from "@/components/ui/Table";

type Editing = { id: string; name: string; description: string; secretNote: string };

export function WebhookTemplatesSection({ templates, editable }: { templates: DestinationTemplateView[]; editable: boolean }) {
  const router = useRouter();
  const saved = templates.filter((t) => !t.builtIn);
  const builtIn = templates.filter((t) => t.builtIn);
  const [editing, setEditing] = useState<Editing | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [deleting, setDeleting] = useState<DestinationTemplateView | null>(null);
  const [message, setMessage] = useState<{ tone: "ok" | "error"; text: string } | null>(null);
  const [pending, start] = useTransition();

  const saveEdit = () =>
    start(async () => {
      if (!editing) return;
      const { id, ...patch } = editing;
      const res = await updateTemplateAction(id, patch);
      if (!res.ok) {
        setErrors(res.fieldErrors);
        return setMessage({ tone: "error", text: res.message });
      }
      setEditing(null);
      setMessage({ tone: "ok", text: `Saved “${res.data.name}”. Webhooks made from it do not change.` });
      router.refresh();
    });
  const confirmDelete = () =>
    start(async () => {
      if (!deleting) return;
      const res = await deleteTemplateAction(deleting.id);
      setMessage(res.ok ? { tone: "ok", text: `Deleted “${deleting.name}”. Webhooks made from it keep what they copied.` } : { tone: "error", text: res.message });
      setDeleting(null);
      router.refresh();
    });

  return (
    <div id="webhook-templates" className="scroll-mt-4">
      <Card
        title="Webhook templates"
        labelledBy="webhook-templates-heading"
        description="Templates a webhook can start from (Start from a template in the campaign editor). Save one with Save as template on a webhook; secrets are never saved with it. Changing or deleting a template does not change the webhooks made from it."
      >
        <div className="space-y-4">
          {saved.length === 0 ? (
            <p className="text-sm text-slate-500">No saved templates yet.</p>
          ) : (
            <Table aria-label="Saved webhook templates" className="w-full text-left text-sm">
              <thead className="text-xs text-slate-500 uppercase">
                <tr>
                  <th className="py-2 pr-3">Name</th>
                  <th className="py-2 pr-3">Request</th>
                  <th className="py-2 pr-3">Headers</th>
                  <th className="py-2 pr-3">Saved</th>
                  <th className="py-2" />
                </tr>
              </thead>
              <tbody>
                {saved.map((t) => (
                  <tr key={t.id} className="border-t border-slate-100 align-top">
                    <td className="py-2 pr-3">
                      <span className="font-medium text-slate-900">{t.name}</span>
                      {t.description && <span className="block text-slate-600">{t.description}</span>}
                    </td>
                    <td className="py-2 pr-3 font-mono text-[13px] break-all">
                      {t.webhook.method} {t.webhook.url}
                    </td>
                    <td className="py-2 pr-3">
                      <ul className="space-y-0.5">
                        {t.webhook.headers.map((h) => (
                          <li key={h.name}>
                            <span className="font-mono text-[13px]">{h.name}</span>: {h.secret ? <span className="text-slate-500">secret, empty (typed when used)</span> : <span className="font-mono text-[13px]">{h.value}</span>}
                          </li>
                        ))}
                      </ul>
                    </td>
                    <td className="py-2 pr-3 text-slate-600">
                      {t.updatedAt && <DateTime value={t.updatedAt} />} by {t.createdBy}
                    </td>
                    <td className="py-2 text-right whitespace-nowrap">
                      {editable && (
                        <>
                          <Button
                            size="sm"
                            variant="ghost"
                            aria-label={`Edit ${t.name}`}
                            onClick={() => {
                              setErrors({});
                              setMessage(null);
                              setEditing({ id: t.id, name: t.name, description: t.description, secretNote: t.secretNote });
                            }}
                          >
                            Edit
                          </Button>
                          <Button size="sm" variant="ghost" className="text-red-700 hover:bg-red-50" aria-label={`Delete ${t.name}`} onClick={() => setDeleting(t)}>
                            Delete
                          </Button>
                        </>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </Table>
          )}
          {!editable && <p className="text-sm text-slate-500">Only editors and admins can change templates.</p>}
          <p className="text-sm text-slate-600">Built in (read-only): {builtIn.map((t) => t.name).join(", ")}.</p>
          {message && (
            <p role={message.tone === "ok" ? "status" : "alert"} className={`text-sm ${message.tone === "ok" ? "text-emerald-700" : "text-red-700"}`}>
              {message.text}
            </p>
          )}
        </div>
      </Card>
      <Dialog
        open={!!editing}
        title="Edit template"
        onClose={() => setEditing(null)}
        footer={
          <>
            <Button onClick={() => setEditing(null)}>Cancel</Button>
            <Button variant="primary" onClick={saveEdit} disabled={pending}>
              Save template
            </Button>
          </>
        }
      >
        {editing && (
          <form
            className="space-y-4"
            onSubmit={(e) => {
              e.preventDefault();
              saveEdit();
            }}
          >
            <Field label="Template name" error={errors.name}>
              {(c) => <input {...c} className={inputClass} value={editing.name} onChange={(e) => setEditing({ ...editing, name: e.target.value })} />}
            </Field>
            <Field label="Description" error={errors.description}>
              {(c) => <input {...c} className={inputClass} value={editing.description} onChange={(e) => setEditing({ ...editing, description: e.target.value })} />}
            </Field>
            <Field label="Where to find the secret" error={errors.secretNote}>
              {(c) => <textarea {...c} rows={3} className={inputClass} value={editing.secretNote} onChange={(e) => setEditing({ ...editing, secretNote: e.target.value })} />}
            </Field>
            {message?.tone === "error" && (
              <p role="alert" className="text-sm text-red-700">
                {message.text}
              </p>
            )}
            <button type="submit" hidden />
          </form>
        )}
      </Dialog>
      <ConfirmDialog open={!!deleting} title="Delete this template?" confirmLabel="Delete" busy={pending} onCancel={() => setDeleting(null)} onConfirm={confirmDelete}>
        {`“${deleting?.name ?? "This template"}” will be removed from the library. Webhooks started from it keep what they copied.`}
      </ConfirmDialog>
    </div>
  );
}
