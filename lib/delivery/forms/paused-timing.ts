// A paused campaign sent at once or at a date planned each delivery at its webhook's timing when it
// was activated: a new delay or time would move none of them, so it is refused (forms/settings.ts
// pausedChangeProblem). The words the refusal and the Delivery section's note share.
export const PAUSED_TIMING_PLANNED = "Its deliveries were planned with each webhook's timing when it was activated, so a new delay or time would not move them";
/** The refusal of a new send time or audience (its field named), and why the Delivery section locks the send time. */
export const PAUSED_PLANNED_SEND =
  "Its deliveries were planned when it was activated, so a new send time or audience would not change them: cancel what waits and duplicate the campaign to send it differently.";
export const PAUSED_SEND_TIME_KEPT = "Paused: its deliveries were planned for this time when it was activated, so the time cannot change (duplicate the campaign to send at another).";
export const PAUSED_KIND_KEPT = "A paused campaign keeps its kind of delivery: duplicate it to send another way.";
export const PAUSED_TIMING_ADVICE = "keep the timing, or cancel what waits and duplicate the campaign to send it differently.";

/** Whether a paused campaign of this kind refuses a new webhook timing (a recurring one's waiting runs follow it instead). */
export function pausedKeepsTiming(when: string): boolean {
  return when === "immediate" || when === "scheduled";
}
