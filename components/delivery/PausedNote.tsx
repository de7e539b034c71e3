import type { MissedWhilePaused } from "@/lib/delivery/triggers";
import { DateTime } from "../ui/DateTime";

/** What a paused campaign does and does not do, and, for a triggered one, the events it has missed so far. */
export function PausedNote({ missed }: { missed: MissedWhilePaused | null }) {
  return (
    <div role="note" className="space-y-1 rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-900">
      <p>Paused: deliveries already planned wait and go out when you resume.</p>
      {missed && (
        <p>
          “{missed.event}” events tracked meanwhile do not trigger it; they are stored, and <strong>Resume and catch up</strong> sends them when
          you resume, as if it had not been paused. Since{" "}
          <DateTime value={missed.since} />
          : {missed.count === 0 ? "none has" : `${missed.count.toLocaleString("en-US")} ${missed.count === 1 ? "has" : "have"}`} arrived.
        </p>
      )}
    </div>
  );
}
