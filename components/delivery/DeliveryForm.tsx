"use client";
// The campaign's "Delivery" section: when it sends (radio group "When"), each action's timing,
// quiet hours, and the Activate / Pause / Resume buttons. Its state lives in the page
// (useDeliveryDraft): the page's Save saves it with the campaign.
import { useRouter } from "next/navigation";
import { useRef, useState, useTransition } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { deliveryKeys } from "@/lib/delivery/query-keys";
import { useResultLine } from "../useResultLine";
import { DismissButton } from "../ui/DismissButton";
import { useLiveCampaignWaiting } from "../outcomes/CampaignLiveStatus";
import { statusLineFollows } from "@/lib/campaigns/status-line";
import { useRoleAllows } from "../auth/MemberRole";
import { AllowDestinationLinks } from "../AllowDestinationLink";
import { Button } from "../ui/Button";
import { CampaignStatusBadge } from "../CampaignStatusBadge";
import { Field, FieldMessage, inputClass } from "../ui/Field";
import { focusFirstInvalid, useLeadToProblem } from "../ui/lead-to-problem";
import { scheduledTimeHasPassed } from "@/lib/delivery/core/schedule-time";
import { activateAction, checkActivationAction, pauseAction, resumeAction, resumeWarningsAction } from "@/app/campaigns/[id]/deliveries/actions";
import { failed, type ActionResult } from "@/lib/api/action-result";
import type { NextSendView, When } from "./delivery-form-state";
import { NextSendNote } from "./NextSendNote";
import type { DeliveryDraft, LiveAction } from "./useDeliveryDraft";
import { WhenFields } from "./WhenFields";
import { ActionTimingFields, type TimingErrors } from "./ActionTimingFields";
import { TimeZoneList } from "./TimeZoneList";
import { AudienceFields } from "./AudienceFields";
import { LimitsFields } from "./LimitsFields";
import { PausedNote } from "./PausedNote";
import { PAUSED_KIND_KEPT, PAUSED_TIMING_ADVICE, PAUSED_TIMING_PLANNED, pausedKeepsTiming } from "@/lib/delivery/forms/paused-timing";
import { ActivateConfirm, EmptyInUrlNote, SampleFailuresNote, UnknownAttributesNote, type Confirming } from "./ActivateConfirm";
import { ConfirmDialog } from "../ui/ConfirmDialog";
import type { AudienceAtCap, ControlGroupShare, TimedByEarlierStep } from "@/lib/delivery/core/activation-summary";
import type { MissedWhilePaused } from "@/lib/delivery/triggers";
import { earlierStepMappings } from "@/lib/campaigns/earlier-step-mappings";

const WHEN_OPTIONS: { value: When; label: string }[] = [
  { value: "immediate", label: "Immediately" },
  { value: "scheduled", label: "Scheduled" },
  { value: "triggered", label: "Triggered by event" },
  { value: "recurring", label: "Recurring" },
];

type Props = {
  /** undefined on a new campaign: its delivery settings are saved with it by the page's Save */
  campaignId?: string;
  status: string;
  delivery: DeliveryDraft;
  /** a paused triggered campaign: the events that arrived since it was paused */
  missed?: MissedWhilePaused | null;
  /** an active scheduled or recurring campaign: when it sends next, as of the page's load */
  nextSend?: NextSendView | null;
  /** each webhook's response mapping as edited, by its row's uid (the timing rows' id): a later webhook's time may come from it */
  responseMappings?: Map<string, unknown>;
  /** the page's save errors for these settings ("rule.sendAt", "actions.0.subDelivery.key") */
  saveErrors: Record<string, string>;
  /** Activate's problems at the webhooks' fields ("actions.0.fields.1.value"), for the editor to show there */
  onWebhookErrors?: (errors: Record<string, string>) => void;
  /**
   * Given while the page has unsaved changes: the page's Save (its errors shown where it shows them),
   * calling `then` with the stored webhooks and the version it saved only when it succeeded.
   */
  saveFirst?: (then: (saved: LiveAction[], version?: number) => void) => void;
  /** the campaign's version the page was loaded or last saved at: Activate is refused if it changed since */
  version?: number;
  /** the version Activate hands back (its save of an admin's exemption change moves it), for the page to hold as a Save's */
  onVersion?: (version: number) => void;
  /** the page's Save is running */
  saving?: boolean;
  /**
   * where a refusal's first problem at a webhook's field is, in the page's words ('webhook “Slack”,
   * Header "Authorization" value'), for the header's line; null when none is at a webhook's field
   */
  problemPlace?: (fieldErrors: Record<string, string>) => string | null;
  /** what Activate, Pause or Resume did, in a line for the page's header (its status replaces "Saved."), and the status it led to */
  onOutcome?: (outcome: { tone: "success" | "error"; text: string; leadsTo?: string }) => void;
};

/** Activate's, Pause's and Resume's result: the status it led to, when it succeeded */
type Outcome = ActionResult<{ status: string } | undefined>;

/** The save's errors for the webhook at `i`, by the timing row's fields (the delay is "seconds" or "offsetSeconds" as sent). */
function timingErrors(errors: Record<string, string>, i: number): TimingErrors {
  const at = (path: string) => errors[`actions.${i}.${path}`];
  return {
    delay: at("subDelivery.seconds") ?? at("subDelivery.offsetSeconds") ?? at("subDelivery"),
    key: at("subDelivery.key"),
    retryPolicy: at("retryPolicy"),
    rateLimit: at("rateLimitPerSecond"),
  };
}

const PAUSE_ID = "delivery-pause";

const isWebhookField = (path: string) => /^actions\.\d+\.(?!subDelivery\.)/.test(path);

export function DeliveryForm({ campaignId, status, delivery, missed = null, nextSend = null, responseMappings, saveErrors, onWebhookErrors, problemPlace, saveFirst, version, onVersion, saving = false, onOutcome }: Props) {
  const router = useRouter();
  const { form, set, audience, limits } = delivery;
  // "Active: 46 deliveries planned." goes once none of them waits any more (all sent or failed), or when dismissed
  const [result, setResult] = useResultLine<Outcome>(useLiveCampaignWaiting());
  const queryClient = useQueryClient();
  // the result tells of a status ("Active: 3 deliveries planned."): it goes once the campaign moves on from it (finishes by itself)
  const [statusSeen, setStatusSeen] = useState(status);
  if (statusSeen !== status) {
    setStatusSeen(status);
    if (result && !statusLineFollows({ leadsTo: result.ok ? result.data?.status : undefined }, status)) setResult(null);
  }
  const [pending, start] = useTransition();
  const [confirming, setConfirming] = useState<Confirming | null>(null);
  // the dialog opens after the check, while Activate was disabled (and so lost the focus): closing it
  // puts the focus back there rather than at the top of the page
  const activateButton = useRef<HTMLButtonElement>(null);
  // a refused activation focuses its first field with an error (the Delivery section's or a webhook's)
  const leadToProblem = useLeadToProblem();
  // a viewer sees the settings and changes nothing (the server refuses it too)
  const canEdit = useRoleAllows("editor");
  const locked = !canEdit || status === "active" || status === "finished";
  const errors = { ...saveErrors, ...(result && !result.ok ? result.fieldErrors : {}) };
  // `refused`: the header's line when it fails (the problems are listed here, under the buttons)
  const run = (fn: () => Promise<Outcome>, { savesSettings = false, refused }: { savesSettings?: boolean; refused?: (fieldErrors: Record<string, string>) => string } = {}) =>
    start(async () => {
      let r: Outcome;
      try {
        r = await fn();
        if (r.ok && savesSettings) delivery.markSaved();
        router.refresh();
        // the counts the result line follows are read again from after the action
        void queryClient.invalidateQueries({ queryKey: deliveryKeys.outcomes(campaignId) });
      } catch {
        r = failed("That did not work; check your connection and try again.");
      }
      setResult(r);
      onOutcome?.(r.ok ? { tone: "success", text: r.message ?? "Done.", leadsTo: r.data?.status } : { tone: "error", text: refused ? refused(r.fieldErrors) : r.message });
      // a refused activation, not a failed Pause or Resume (no field of theirs shows an error)
      if (!r.ok && refused) leadToProblem();
    });

  // the header's line names where the problem is: the webhook and its field, else this section
  const notActivated = (fieldErrors: Record<string, string>) => {
    const place = problemPlace?.(fieldErrors);
    return place ? `Not activated: see ${place}.` : "Not activated: see the Delivery section.";
  };
  const showWebhookErrors = (r: Outcome) => {
    if (!r.ok) onWebhookErrors?.(Object.fromEntries(Object.entries(r.fieldErrors).filter(([p]) => isWebhookField(p))));
  };
  // `sampleCheck`: the dry run's verdict on the audience's first users, so Activate does not render them again
  const activateSaved = (saved?: LiveAction[], sampleCheck?: string, savedVersion?: number) =>
    run(async () => {
      const r = await activateAction(campaignId!, delivery.savedSettings(saved), sampleCheck, savedVersion ?? version);
      // refused or not, its save may have moved the version: without it, this tab's next change of the
      // exemption would be refused as a conflict with its own
      const next = r.ok ? r.data.version : r.version;
      if (next !== undefined) onVersion?.(next);
      showWebhookErrors(r);
      return r;
    }, { savesSettings: true, refused: notActivated });
  // Activate sends what is on screen: unsaved edits are saved first, and a save that fails activates nothing.
  const activate = (sampleCheck?: string) => (saveFirst ? saveFirst((saved, savedVersion) => activateSaved(saved, sampleCheck, savedVersion)) : activateSaved(undefined, sampleCheck));
  // Activate checks first, as activation will (its dry run): what it would refuse is shown in the
  // dialog, with nothing to confirm. Otherwise it asks, saying what will happen; a one-off send whose
  // time has gone would go out at once: it says so. Unsaved edits are saved before the check, as
  // Activate saves them, so that it judges what is on screen.
  const checkSaved = (saved?: LiveAction[]) =>
    start(async () => {
      let r: ActionResult<{ controlGroups: ControlGroupShare[]; readingEarlierSteps: string[]; timedByEarlierSteps: TimedByEarlierStep[]; unknownAttributes: string[]; sampleFailures: string[]; emptyInUrl?: string[]; sampleCheck?: string; atCap?: AudienceAtCap }>;
      try {
        r = await checkActivationAction(campaignId!, delivery.savedSettings(saved));
      } catch {
        r = failed("That did not work; check your connection and try again.");
      }
      // `saved`: saveFirst ran, so the edits are saved whatever the answer is (the dialog says so)
      const savedEdits = saved !== undefined;
      if (r.ok) {
        // an earlier refusal no longer holds
        setResult(null);
        setConfirming({ sendAtPassed: form.when === "scheduled" && scheduledTimeHasPassed(form, new Date()), savedEdits, controlGroups: r.data.controlGroups, readingEarlierSteps: r.data.readingEarlierSteps, timedByEarlierSteps: r.data.timedByEarlierSteps, unknownAttributes: r.data.unknownAttributes, sampleFailures: r.data.sampleFailures, emptyInUrl: r.data.emptyInUrl, sampleCheck: r.data.sampleCheck, atCap: r.data.atCap });
        return;
      }
      // the problems stay listed under the buttons once the dialog is closed, as an activation's refusal
      setResult(r);
      showWebhookErrors(r);
      // a refusal with nothing to fix ("try again in N s": the member's share of rendering time) says itself
      const toFix = (r.problems?.length ?? 0) > 0 || Object.keys(r.fieldErrors).length > 0;
      onOutcome?.({ tone: "error", text: toFix ? notActivated(r.fieldErrors) : r.message });
      setConfirming({ sendAtPassed: false, refused: { message: r.message, problems: r.problems ?? Object.values(r.fieldErrors) }, savedEdits });
    });
  const askToActivate = () => (saveFirst ? saveFirst(checkSaved) : checkSaved());
  // Resume asks first only when a webhook reads an attribute no user has (it renders empty for everyone),
  // or fails for some of the audience's first users (`failing`), or leaves a URL value empty for some (`emptyInUrl`)
  // (`sampleCheck`: the check's verdict on them, sent back so that Resume does not render them again)
  const [askingResume, setAskingResume] = useState<{ catchUp: boolean; lines: string[]; failing?: string[]; emptyInUrl?: string[]; sampleCheck?: string } | null>(null);
  const resume = (catchUp: boolean, sampleCheck?: string) =>
    run(() => resumeAction(campaignId!, catchUp || sampleCheck ? { ...(catchUp ? { catchUp: true } : {}), ...(sampleCheck ? { sampleCheck } : {}) } : undefined));
  const askToResume = (catchUp: boolean) =>
    start(async () => {
      let lines: string[] = [];
      let failing: string[] = [];
      let emptyInUrl: string[] = [];
      let sampleCheck: string | undefined;
      try {
        const r = await resumeWarningsAction(campaignId!);
        if (r.ok) [lines, failing, emptyInUrl, sampleCheck] = [r.data.unknownAttributes, r.data.sampleFailures, r.data.emptyInUrl ?? [], r.data.sampleCheck];
        else {
          // not checked ("try again in N s": the member's share of rendering time): said, and nothing resumed
          setResult(r);
          onOutcome?.({ tone: "error", text: r.message });
          return;
        }
      } catch {
        // no warning to give: the resume itself says what fails
      }
      if (lines.length || failing.length || emptyInUrl.length) setAskingResume({ catchUp, lines, failing, emptyInUrl, sampleCheck });
      else resume(catchUp, sampleCheck);
    });

  return (
    <section aria-labelledby="delivery-heading" className="space-y-5 rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:p-5">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h2 id="delivery-heading" className="text-base font-semibold text-slate-900">
          Delivery
        </h2>
        <CampaignStatusBadge status={status} />
      </div>
      {/* its settings are locked while it sends (the server refuses them too): said, with the way to Pause */}
      {status === "active" && canEdit && campaignId && (
        <p role="note" className="rounded-lg bg-slate-50 px-3 py-2 text-sm text-slate-700">
          Pause the campaign to change how it delivers.{" "}
          <a
            href={`#${PAUSE_ID}`}
            className="font-medium text-indigo-700 underline underline-offset-2 hover:text-indigo-600"
            onClick={(e) => {
              e.preventDefault();
              const pause = document.getElementById(PAUSE_ID);
              pause?.scrollIntoView({ block: "center" });
              pause?.focus();
            }}
          >
            Go to Pause
          </a>
        </p>
      )}
      <div role="radiogroup" aria-labelledby="delivery-when" className="space-y-2">
        <p id="delivery-when" className="text-sm font-medium text-slate-700">
          When
        </p>
        <div className="flex flex-wrap gap-4">
          {WHEN_OPTIONS.map((o) => (
            <label key={o.value} className="flex items-center gap-2 text-sm text-slate-800">
              <input type="radio" name={`when-${campaignId ?? "new"}`} value={o.value} checked={form.when === o.value} disabled={locked || status === "paused"} aria-describedby={status === "paused" ? "delivery-when-kept" : undefined} onChange={() => set({ when: o.value })} />
              {o.label}
            </label>
          ))}
        </div>
        {/* the save refuses another kind while paused (pausedChangeProblem): the choice is locked, and why */}
        {status === "paused" && (
          <p id="delivery-when-kept" className="text-xs text-slate-500">
            {PAUSED_KIND_KEPT}
          </p>
        )}
        {errors["rule.when"] && <FieldMessage tone="error">{errors["rule.when"]}</FieldMessage>}
      </div>
      {status === "active" && nextSend && <NextSendNote next={nextSend} />}
      {status === "paused" && <PausedNote missed={missed} />}
      {status === "finished" && (
        <p role="note" className="rounded-lg bg-slate-50 px-3 py-2 text-sm text-slate-700">
          Finished: every delivery is final and nothing more will be sent. Edits to its webhooks are only used if you retry a delivery by hand; duplicate the campaign to send it again.
        </p>
      )}
      <WhenFields form={form} set={set} errors={errors} disabled={locked} status={status} />
      <AudienceFields audience={audience} set={delivery.setAudience} disabled={locked} error={errors.audience} sent={status !== "draft" && (form.when === "immediate" || form.when === "scheduled")} />
      <TimeZoneList />
      <div className="space-y-3">
        <h3 className="text-sm font-medium text-slate-700">Timing per webhook</h3>
        {status === "paused" && pausedKeepsTiming(form.when) && (
          <p role="note" className="text-sm text-slate-600">
            {PAUSED_TIMING_PLANNED}: {PAUSED_TIMING_ADVICE} Retries and rate limits still apply to what waits.
          </p>
        )}
        {form.actions.length === 0 && <p className="text-sm text-slate-500">Save the campaign with a webhook first.</p>}
        {form.actions.map((a, i) => (
          <ActionTimingFields
            key={a.id}
            timing={a}
            disabled={locked}
            timingKept={status === "paused" && pausedKeepsTiming(form.when)}
            errors={timingErrors(errors, i)}
            earlierSteps={earlierStepMappings(form.actions.map((x, j) => ({ label: `Webhook ${j + 1}`, mappings: [responseMappings?.get(x.id)] })), i)}
            set={(patch) => set({ actions: form.actions.map((x, j) => (j === i ? { ...x, ...patch } : x)) })}
          />
        ))}
      </div>
      <div className="space-y-2">
        <label className="flex items-center gap-2 text-sm text-slate-700">
          <input type="checkbox" checked={form.quiet} disabled={locked} onChange={(e) => set({ quiet: e.target.checked })} />
          Quiet hours, in each user&apos;s local time (held sends go out when they end)
        </label>
        {form.quiet && (
          <div className="grid max-w-sm grid-cols-2 gap-2">
            <Field label="Quiet from">{(p) => <input {...p} type="time" className={inputClass} value={form.quietStart} disabled={locked} onChange={(e) => set({ quietStart: e.target.value })} />}</Field>
            <Field label="Quiet until">{(p) => <input {...p} type="time" className={inputClass} value={form.quietEnd} disabled={locked} onChange={(e) => set({ quietEnd: e.target.value })} />}</Field>
          </div>
        )}
      </div>
      <LimitsFields limits={limits} set={delivery.setLimits} setZone={delivery.setLimitsZone} disabled={locked} errors={errors} />
      {canEdit && (
        <div className="flex flex-wrap items-center gap-3 border-t border-slate-100 pt-4">
          {!campaignId && <p className="text-sm text-slate-600">Save sets how the campaign delivers too; then you can activate it.</p>}
          {campaignId && status === "draft" && (
            <Button ref={activateButton} variant="primary" disabled={pending || saving} onClick={askToActivate}>Activate</Button>
          )}
          {campaignId && status === "active" && <Button id={PAUSE_ID} disabled={pending} onClick={() => run(() => pauseAction(campaignId))}>Pause</Button>}
          {campaignId && status === "paused" && (
            <>
              <Button variant="primary" disabled={pending} onClick={() => askToResume(false)}>Resume</Button>
              {missed && missed.count > 0 && (
                <Button disabled={pending} onClick={() => askToResume(true)}>
                  Resume and catch up {missed.count.toLocaleString("en-US")} {missed.count === 1 ? "event" : "events"}
                </Button>
              )}
            </>
          )}
          {(pending || saving) && <span className="text-sm text-slate-500">Working…</span>}
        </div>
      )}
      <ActivateConfirm
        confirming={confirming}
        form={form}
        audience={audience}
        limits={limits}
        busy={pending}
        onCancel={() => {
          const refused = !!confirming?.refused;
          setConfirming(null);
          // after the dialog has closed (it gives the focus back to what had it when it opened): a
          // refusal leads to its first field with an error, if one shows it
          setTimeout(() => (refused && focusFirstInvalid()) || activateButton.current?.focus(), 0);
        }}
        onConfirm={() => {
          setConfirming(null);
          activate(confirming?.sampleCheck);
        }}
      />
      <ConfirmDialog
        open={!!askingResume}
        title="Resume this campaign?"
        confirmLabel="Resume"
        busy={pending}
        onCancel={() => setAskingResume(null)}
        onConfirm={() => {
          const catchUp = askingResume?.catchUp ?? false;
          setAskingResume(null);
          resume(catchUp, askingResume?.sampleCheck);
        }}
      >
        <p>Its webhooks send again from now on.</p>
        <UnknownAttributesNote lines={askingResume?.lines} verb="Resume" />
        <SampleFailuresNote lines={askingResume?.failing} verb="Resume" />
        <EmptyInUrlNote lines={askingResume?.emptyInUrl} verb="Resume" />
      </ConfirmDialog>
      <div role="status" aria-live="polite">
        {result && (
          <div className={`rounded-lg px-3 py-2 text-sm ${result.ok ? "bg-emerald-50 text-emerald-800" : "bg-red-50 text-red-800"}`}>
            <p className="flex items-start justify-between gap-2">
              <span>{result.message}</span>
              <DismissButton onClick={() => setResult(null)} />
            </p>
            {!result.ok && result.problems && (
              <ul className="mt-1 list-disc pl-5">
                {result.problems.map((p) => <li key={p}>{p}</li>)}
              </ul>
            )}
            {!result.ok && <AllowDestinationLinks errors={result.problems ?? []} />}
          </div>
        )}
      </div>
    </section>
  );
}
