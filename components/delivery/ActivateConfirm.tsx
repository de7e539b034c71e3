"use client";
// Activate's confirmation: what activating will do, in plain words (lib/delivery/core/activation-summary.ts),
// read from the settings on screen (Activate saves them first) and the audience count the Audience
// fields show. UI only: the server action still checks everything and names what is not ready.
import { activationSummary } from "@/lib/delivery/core/activation-summary";
import { plural } from "@/lib/text/plural";
import { ConfirmDialog } from "../ui/ConfirmDialog";
import type { AudienceForm } from "./AudienceFields";
import { settingsFromForm, type DeliveryForm } from "./delivery-form-state";
import type { LimitsForm } from "./LimitsFields";
import { instantFromZonedInput } from "@/lib/delivery/forms/utc-input";
import { useAudienceCount } from "./useAudienceCount";

type Props = {
  /** null: closed; `sendAtPassed`: a one-off send whose time has gone, which would go out at once */
  confirming: { sendAtPassed: boolean } | null;
  form: DeliveryForm;
  audience: AudienceForm;
  limits: LimitsForm;
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
};

export function ActivateConfirm({ confirming, form, audience, limits, busy, onConfirm, onCancel }: Props) {
  const counted = useAudienceCount(audience);
  const users = counted.current && counted.data ? counted.data.matching : null;
  // read only while open: the form changes with every keystroke
  const summary = confirming && !confirming.sendAtPassed ? activationSummary(settingsFromForm(form).rule, users, { startAt: limits.startAt ? new Date(instantFromZonedInput(limits.startAt, limits.zone)) : null }) : null;
  if (confirming?.sendAtPassed) {
    const whole = users === null ? "the whole audience" : `the whole audience (${plural(users, "user", "users")})`;
    return (
      <ConfirmDialog open title="This time is in the past: send now?" confirmLabel="Send now" busy={busy} onCancel={onCancel} onConfirm={onConfirm}>
        {`“Send at” (${form.sendAt.replace("T", " ")}, ${form.inUserTimeZone ? "each user's zone" : form.timeZone}) has already passed, so activating sends to ${whole} at once. Cancel to pick a later time.`}
      </ConfirmDialog>
    );
  }
  return (
    <ConfirmDialog open={!!summary} title={summary?.question ?? ""} confirmLabel="Activate" busy={busy} onCancel={onCancel} onConfirm={onConfirm}>
      {summary?.detail}
    </ConfirmDialog>
  );
}
