// A paused campaign sent at once or at a date planned each delivery at its webhook's timing when it
// was activated: a new delay or time would move none of them, so it is refused (forms/settings.ts
// pausedChangeProblem). The words the refusal and the Delivery section's note share.
export const PAUSED_TIMING_PLANNED = "Its deliveries were planned with each webhook's timing when it was activated, so a new delay or time would not move them";
export const PAUSED_TIMING_ADVICE = "keep the timing, or cancel what waits and duplicate the campaign to send it differently.";

/** Whether a paused campaign of this kind refuses a new webhook timing (a recurring one's waiting runs follow it instead). */
export function pausedKeepsTiming(when: string): boolean {
  return when === "immediate" || when === "scheduled";
}
