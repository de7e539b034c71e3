"use client";
// Activate's confirmation: what activating will do, in plain words (lib/delivery/core/activation-summary.ts),
// read from the settings on screen (Activate saves them first) and the audience count the Audience
// fields show. It opens once activation's dry run (checkActivationAction, lib checkActivation) has
// passed; a campaign it refuses gets the refusal here instead of a question, in activation's words,
// with the Allow link for admins. The server action still checks everything again when confirmed.
import { activationSummary, type AudienceAtCap, type ControlGroupShare, type TimedByEarlierStep } from "@/lib/delivery/core/activation-summary";
import { plural } from "@/lib/text/plural";
import { ConfirmDialog } from "../ui/ConfirmDialog";
import { Dialog } from "../ui/Dialog";
import { Button } from "../ui/Button";
import { WarningNote } from "../ui/WarningNote";
import { AllowDestinationLinks } from "../AllowDestinationLink";
import type { AudienceForm } from "./AudienceFields";
import { settingsFromForm, type DeliveryForm } from "./delivery-form-state";
import type { LimitsForm } from "./LimitsFields";
import { instantFromZonedInput } from "@/lib/delivery/forms/utc-input";
import { emptyInUrlAdvice } from "@/lib/webhooks/empty-in-url";
import { useAudienceCount, useAudienceZones } from "./useAudienceCount";

/**
 * `sendAtPassed`: a one-off send whose time has gone, which would go out at once; `refused`: what
 * activation's dry run found not ready (the dialog shows it, and asks nothing); `savedEdits`: Activate
 * saved the page's edits before its check; `controlGroups`: the webhooks' control groups the dry run
 * read, so the question says about how many are held out; `readingEarlierSteps`: the steps reading what an
 * earlier step saves, which the detail says are skipped when that step does not deliver; `timedByEarlierSteps`: the
 * steps timed from what an earlier step saves, which the detail says wait for that answer for their time; `unknownAttributes`: the dry run's lines on
 * {{user.X}} references no user has (a warning to accept, not a refusal: lib/campaigns/unknown-attributes.ts);
 * `sampleFailures`: the webhooks whose request cannot be built for some of the audience's first users
 * (a warning to accept too: lib/delivery/store/sample-renders.ts; for all of them, the dry run refuses);
 * `emptyInUrl`: the URL variables empty for some of those users, whose requests would go to another address
 */
export type Confirming = { sendAtPassed: boolean; refused?: { message: string; problems: string[] }; savedEdits?: boolean; controlGroups?: ControlGroupShare[]; readingEarlierSteps?: string[]; timedByEarlierSteps?: TimedByEarlierStep[]; unknownAttributes?: string[]; sampleFailures?: string[]; emptyInUrl?: string[]; /** the dry run's verdict on the audience's first users, for Activate to send back */ sampleCheck?: string; /** the audience's users the frequency cap stops now */ atCap?: AudienceAtCap };

/** The references to attributes no user has, under the question (Activate's, Resume's): what renders empty for everyone. */
export function UnknownAttributesNote({ lines, verb = "Activate" }: { lines?: string[]; verb?: "Activate" | "Resume" }) {
  return (
    <WarningNote
      label="Attributes no user has"
      heading={lines?.length === 1 ? "One value renders empty for every user:" : "Some values render empty for every user:"}
      items={lines}
      advice={`${verb} anyway if the attribute will arrive through the API; otherwise Cancel and fix the spelling.`}
    />
  );
}

/** The webhooks that fail for some of the users tried, under the question (Activate's, Resume's). */
export function SampleFailuresNote({ lines, verb = "Activate" }: { lines?: string[]; verb?: "Activate" | "Resume" }) {
  return (
    <WarningNote
      label="Users it fails for"
      heading={lines?.length === 1 ? "One webhook cannot be built for some users:" : "Some webhooks cannot be built for some users:"}
      items={lines}
      advice={`${verb} anyway and their deliveries fail with a template error; otherwise Cancel and fix the webhook or those users' data.`}
    />
  );
}

/** The URL variables empty for some of the users tried, under the question (Activate's, Resume's): their requests go to another address. */
export function EmptyInUrlNote({ lines, verb = "Activate" }: { lines?: string[]; verb?: "Activate" | "Resume" }) {
  return (
    <WarningNote
      label="URL values some users lack"
      heading={lines?.length === 1 ? "One URL value is empty for some users:" : "Some URL values are empty for some users:"}
      items={lines}
      advice={emptyInUrlAdvice(verb)}
    />
  );
}

// Activate saves unsaved edits before its check (the check reads the saved campaign): a Cancel keeps
// them saved, a draft that has sent nothing. The dialog says so rather than let Cancel look like an undo.
const SAVED_NOTE = "Your changes are saved; Cancel sends nothing and leaves the campaign a draft.";

type Props = {
  /** null: closed */
  confirming: Confirming | null;
  form: DeliveryForm;
  audience: AudienceForm;
  limits: LimitsForm;
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
};

export function ActivateConfirm({ confirming, form, audience, limits, busy, onConfirm, onCancel }: Props) {
  const counted = useAudienceCount(audience);
  const asking = !!confirming && !confirming.sendAtPassed && !confirming.refused;
  // a send in each user's zone says how many users' time has passed (sent at once or left out)
  const byZone = useAudienceZones(audience, asking && form.when === "scheduled" && form.inUserTimeZone);
  const users = byZone?.zones ? byZone.matching : counted.current && counted.data ? counted.data.matching : null;
  // read only while open: the form changes with every keystroke
  const summary = asking ? activationSummary(settingsFromForm(form).rule, users, { startAt: limits.startAt ? new Date(instantFromZonedInput(limits.startAt, limits.zone)) : null, zones: byZone?.zones ?? undefined, controlGroups: confirming.controlGroups, readingEarlierSteps: confirming.readingEarlierSteps, timedByEarlierSteps: confirming.timedByEarlierSteps, atCap: confirming.atCap }) : null;
  if (confirming?.refused) {
    const { message, problems } = confirming.refused;
    return (
      <Dialog
        open
        title="Not ready to activate"
        onClose={onCancel}
        footer={
          <Button onClick={onCancel} autoFocus>
            Close
          </Button>
        }
      >
        <p>{message}</p>
        {problems.length > 0 && (
          <ul className="mt-1 list-disc space-y-1 pl-5 break-words">
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        )}
        <AllowDestinationLinks errors={problems} />
        <p className="mt-3 text-slate-600">{confirming.savedEdits ? "Nothing was sent; your changes are saved." : "Nothing was sent."}
          {/* nothing to fix: the message says when to press Activate again (the member's share of rendering time) */}
          {problems.length > 0 && " Fix these, then press Activate again."}
        </p>
      </Dialog>
    );
  }
  if (confirming?.sendAtPassed) {
    const whole = users === null ? "the whole audience" : `the whole audience (${plural(users, "user", "users")})`;
    return (
      <ConfirmDialog open title="This time is in the past: send now?" confirmLabel="Send now" busy={busy} onCancel={onCancel} onConfirm={onConfirm}>
        <p>{`“Send at” (${form.sendAt.replace("T", " ")}, ${form.inUserTimeZone ? "each user's zone" : form.timeZone}) has already passed, so activating sends to ${whole} at once. Cancel to pick a later time.`}</p>
        <UnknownAttributesNote lines={confirming.unknownAttributes} />
        <SampleFailuresNote lines={confirming.sampleFailures} />
        <EmptyInUrlNote lines={confirming.emptyInUrl} />
        {confirming.savedEdits && <p className="mt-2 text-slate-600">{SAVED_NOTE}</p>}
      </ConfirmDialog>
    );
  }
  return (
    <ConfirmDialog open={!!summary} title={summary?.question ?? ""} confirmLabel="Activate" busy={busy} onCancel={onCancel} onConfirm={onConfirm}>
      <p>{summary?.detail}</p>
      <UnknownAttributesNote lines={confirming?.unknownAttributes} />
      <SampleFailuresNote lines={confirming?.sampleFailures} />
      <EmptyInUrlNote lines={confirming?.emptyInUrl} />
      {confirming?.savedEdits && <p className="mt-2 text-slate-600">{SAVED_NOTE}</p>}
    </ConfirmDialog>
  );
}
