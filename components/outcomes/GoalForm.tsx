"use client";
// The campaign's conversion goal: an event from the catalogue (or typed) and the window after a
// user's first delivered webhook. Saved on its own; the results table refetches after a save.
import { useQueryClient } from "@tanstack/react-query";
import { useId, useState, useTransition } from "react";
import { saveCampaignGoalAction } from "@/app/campaigns/goal-actions";
import type { FieldErrors } from "@/lib/api/action-result";
import { describeWindow, type GoalSettings, MAX_GOAL_WINDOW_HOURS, MIN_GOAL_WINDOW_HOURS } from "@/lib/campaigns/goals";
import { campaignKeys } from "@/lib/campaigns/query-keys";
import { useRoleAllows } from "../auth/MemberRole";
import { useCampaignVersion } from "../CampaignVersionScope";
import { Button } from "../ui/Button";
import { Field, inputClass } from "../ui/Field";

export function GoalForm({ campaignId, initial, eventNames }: { campaignId: string; initial: GoalSettings; eventNames: string[] }) {
  const listId = useId();
  // a viewer sees the goal and changes nothing (the server refuses it too), as in the rest of the campaign
  const canEdit = useRoleAllows("editor");
  const queryClient = useQueryClient();
  const [event, setEvent] = useState(initial.goalEvent ?? "");
  const [hours, setHours] = useState(String(initial.goalWindowHours));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [status, setStatus] = useState<{ tone: "ok" | "error"; text: string } | null>(null);
  const [pending, startTransition] = useTransition();
  // the goal as stored when this form last read or saved it: one set elsewhere since is a conflict, not overwritten
  const [seen, setSeen] = useState(initial);
  // the editor's version: a goal's change moves it, and the editor holds the one answered (its next Save is no conflict)
  const version = useCampaignVersion();

  const save = (e: React.FormEvent) => {
    e.preventDefault();
    if (!canEdit) return;
    startTransition(async () => {
      const result = await saveCampaignGoalAction(campaignId, { goalEvent: event, goalWindowHours: hours }, version.current(), seen);
      if (!result.ok) {
        // the action's arguments are [campaignId, goal]: "1.goalEvent" is the goal's field
        setErrors(Object.fromEntries(Object.entries(result.fieldErrors).map(([k, v]) => [k.replace(/^1\./, ""), v])));
        setStatus({ tone: "error", text: result.message });
        return;
      }
      version.hold(result.data.version);
      setSeen({ goalEvent: result.data.goalEvent, goalWindowHours: result.data.goalWindowHours });
      setErrors({});
      setEvent(result.data.goalEvent ?? "");
      setHours(String(result.data.goalWindowHours));
      setStatus({ tone: "ok", text: result.data.goalEvent ? `Goal saved: ${result.data.goalEvent} within ${describeWindow(result.data.goalWindowHours)}.` : "Goal removed." });
      await queryClient.invalidateQueries({ queryKey: campaignKeys.results(campaignId) });
    });
  };

  return (
    <form onSubmit={save} noValidate aria-label="Goal" className="grid gap-4 sm:grid-cols-[minmax(0,2fr)_minmax(0,1fr)_auto] sm:items-start">
      <fieldset disabled={!canEdit} className="contents">
        <Field label="Goal event" error={errors.goalEvent} hint="A user converts when they track this event. Pick a tracked event or type a name; leave empty for no goal.">
          {(c) => <input {...c} list={listId} className={inputClass} placeholder="purchase" value={event} onChange={(e) => setEvent(e.target.value)} autoComplete="off" />}
        </Field>
        <datalist id={listId}>
          {eventNames.map((name) => (
            <option key={name} value={name} />
          ))}
        </datalist>
        <Field label="Window (hours)" error={errors.goalWindowHours} hint={`After the first delivered webhook; ${MIN_GOAL_WINDOW_HOURS} to ${MAX_GOAL_WINDOW_HOURS} (30 days).`}>
          {(c) => <input {...c} type="number" inputMode="numeric" min={MIN_GOAL_WINDOW_HOURS} max={MAX_GOAL_WINDOW_HOURS} step={1} className={inputClass} value={hours} onChange={(e) => setHours(e.target.value)} />}
        </Field>
        <div className="sm:pt-7">
          <Button type="submit" variant="primary" disabled={pending}>
            {pending ? "Saving…" : "Save goal"}
          </Button>
        </div>
      </fieldset>
      {!canEdit && (
        <p role="note" className="text-sm text-slate-500 sm:col-span-3">
          Viewers cannot change the goal
        </p>
      )}
      {/* always rendered, so a screen reader announces the text when it appears */}
      <p role="status" className={`text-sm sm:col-span-3 ${status?.tone === "error" ? "text-red-700" : "text-emerald-700"} ${status ? "" : "sr-only"}`}>
        {status?.text}
      </p>
    </form>
  );
}
