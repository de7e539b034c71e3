"use client";
// Starting a webhook from a template in the campaign editor: a new campaign's untouched first webhook
// is replaced, otherwise one is added; the note on where to find the secret shows in that webhook, one
// note per webhook (a second template's note does not replace the first's: Slack's secret instructions
// were lost when a JSON webhook followed).
import { useState } from "react";
import type { DestinationTemplateView } from "@/lib/campaigns/destination-template-schemas";
import { actionDraftFromTemplate, fillInPlaceholders } from "@/lib/campaigns/template-apply";
import type { ActionDraftInput } from "@/lib/campaigns/schemas";
import type { ActionState } from "../campaign-draft-state";

type Editor = { state: { id?: string; actions: ActionState[] }; addActionFromDraft: (draft: ActionDraftInput, replaceUid?: string) => string };
export type TemplateStartNoteState = { uid: string; templateName: string; secretNote: string; fillIn: string[] };

const untouched = (a: ActionState) => !a.id && !a.url.trim() && a.fields.length === 0 && a.headers.length === 0;

export function useTemplateStart(editor: Editor, activate: (uid: string) => void) {
  const [notes, setNotes] = useState<TemplateStartNoteState[]>([]);
  function start(template: DestinationTemplateView) {
    const only = editor.state.actions.length === 1 ? editor.state.actions[0] : undefined;
    const uid = editor.addActionFromDraft(actionDraftFromTemplate(template), only && untouched(only) ? only.uid : undefined);
    activate(uid);
    const note = { uid, templateName: template.name, secretNote: template.secretNote, fillIn: fillInPlaceholders(template.webhook.url) };
    setNotes((all) => [...all.filter((n) => n.uid !== uid), note]);
  }
  return {
    /** the note of the webhook `uid` was started from, if any */
    noteOf: (uid: string) => notes.find((n) => n.uid === uid),
    start,
    dismiss: (uid: string) => setNotes((all) => all.filter((n) => n.uid !== uid)),
  };
}
