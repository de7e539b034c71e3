"use client";
// Starting a webhook from a template in the campaign editor: a new campaign's untouched first webhook
// is replaced, otherwise one is added; the note on where to find the secret shows above it.
import { useState } from "react";
import type { DestinationTemplateView } from "@/lib/campaigns/destination-template-schemas";
import { actionDraftFromTemplate, fillInPlaceholders } from "@/lib/campaigns/template-apply";
import type { ActionDraftInput } from "@/lib/campaigns/schemas";
import type { ActionState } from "../campaign-draft-state";

type Editor = { state: { id?: string; actions: ActionState[] }; addActionFromDraft: (draft: ActionDraftInput, replaceUid?: string) => string };
export type TemplateStartNoteState = { uid: string; templateName: string; secretNote: string; fillIn: string[] };

const untouched = (a: ActionState) => !a.id && !a.url.trim() && a.fields.length === 0 && a.headers.length === 0;

export function useTemplateStart(editor: Editor, activate: (uid: string) => void) {
  const [note, setNote] = useState<TemplateStartNoteState | null>(null);
  function start(template: DestinationTemplateView) {
    const only = editor.state.actions.length === 1 ? editor.state.actions[0] : undefined;
    const uid = editor.addActionFromDraft(actionDraftFromTemplate(template), only && untouched(only) ? only.uid : undefined);
    activate(uid);
    setNote({ uid, templateName: template.name, secretNote: template.secretNote, fillIn: fillInPlaceholders(template.webhook.url) });
  }
  return { note, start, dismiss: () => setNote(null) };
}
