import { heldUntilText } from "@/lib/delivery/core/hold-reason";
import type { Hold } from "@/lib/delivery/core/hold-reason";
import { Badge } from "../ui/Badge";

/**
 * A delivery's state in the log. A row held for quiet hours is still "scheduled" in the engine, but
 * reads "Held: quiet hours, until 08:00 Sat 5 Dec (Europe/Berlin)" so that it does not look stuck.
 */
export function DeliveryStateLabel({ state, hold, reason }: { state: string; hold: Hold | null; reason: string | null }) {
  const until = hold === "quiet_hours" ? heldUntilText(reason) : null;
  if (hold !== "quiet_hours") return <span title={reason ?? undefined}>{state}</span>;
  return (
    <span className="flex flex-col items-start gap-0.5" title={reason ?? undefined}>
      <Badge tone="amber">Held: quiet hours</Badge>
      {until && <span className="whitespace-nowrap text-xs text-slate-500">{until}</span>}
    </span>
  );
}
