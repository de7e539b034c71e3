import { breakerNextTry, heldUntilText } from "@/lib/delivery/core/hold-reason";
import type { Hold } from "@/lib/delivery/core/hold-reason";
import { deliveryStateLabel, HOLD_LABELS, REASON_STATES } from "@/lib/delivery/core/states";
import { Badge } from "../ui/Badge";
import { DateTime } from "../ui/DateTime";

/** States whose reason says what went wrong: shown in the row, so a failure is read without opening it. */
const SHOWS_REASON = new Set<string>(REASON_STATES);

/**
 * A delivery's state in the log. A waiting row of a paused campaign reads "Held: campaign paused", since
 * nothing goes out before it is resumed. A row held for quiet hours is still Scheduled in the engine, but
 * reads "Held: quiet hours, until 08:00 Sat 5 Dec (Europe/Berlin)" so that it does not look stuck (one held
 * for its campaign's start date likewise: "Held: before start date, until 2026-12-07 09:00 UTC"; one waiting for
 * an earlier step's answer reads "Held: earlier step" and which step, as its reason says). A
 * failed, retrying or suppressed row reads why under its state ("Attempt 1: DNS lookup failed for …"),
 * and a retrying one when its next attempt is (`nextAttemptAt`: only the detail panel said it).
 */
export function DeliveryStateLabel({ state, hold, reason, nextAttemptAt = null }: { state: string; hold: Hold | null; reason: string | null; nextAttemptAt?: string | null }) {
  if (hold === "campaign_paused") {
    return (
      <span className="flex flex-col items-start gap-0.5">
        <Badge tone="amber">{HOLD_LABELS.campaign_paused}</Badge>
        <span className="whitespace-nowrap text-xs text-slate-500">{deliveryStateLabel(state)}, until resumed</span>
        {reason && SHOWS_REASON.has(state) && <ReasonText reason={reason} />}
      </span>
    );
  }
  if (hold === "quiet_hours" || hold === "before_start") {
    const until = heldUntilText(reason);
    return (
      <span className="flex flex-col items-start gap-0.5" title={reason ?? undefined}>
        <Badge tone="amber">{HOLD_LABELS[hold]}</Badge>
        {until && <span className="whitespace-nowrap text-xs text-slate-500">{until}</span>}
      </span>
    );
  }
  if (hold === "earlier_step") {
    return (
      <span className="flex flex-col items-start gap-0.5">
        <Badge tone="amber">{HOLD_LABELS.earlier_step}</Badge>
        {reason && <ReasonText reason={reason} />}
      </span>
    );
  }
  const next = state === "retrying" && nextAttemptAt && (
    <span className="whitespace-nowrap text-xs text-amber-800">
      Next attempt <DateTime value={nextAttemptAt} style="seconds" />
    </span>
  );
  if ((!reason || !SHOWS_REASON.has(state)) && !next) return <span title={reason ?? undefined}>{deliveryStateLabel(state)}</span>;
  return (
    <span className="flex flex-col items-start gap-0.5">
      <span>{deliveryStateLabel(state)}</span>
      {next}
      {reason && SHOWS_REASON.has(state) && <ReasonText reason={reason} />}
    </span>
  );
}

/** The reason under the state; a host breaker's next try in the viewer's own format, as the row's other times (its UTC words on hover). */
function ReasonText({ reason }: { reason: string }) {
  const next = breakerNextTry(reason, new Date());
  return (
    <span className="line-clamp-2 max-w-44 text-xs sm:max-w-72 text-slate-500" title={reason}>
      {next ? (
        <>
          {next.before}
          <DateTime value={next.at} style="time" />
        </>
      ) : (
        reason
      )}
    </span>
  );
}
