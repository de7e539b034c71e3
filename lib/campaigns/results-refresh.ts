// How often the campaign page's results table refreshes: while its numbers can still change by
// themselves. Deliveries change them while the campaign sends; conversions change them until the goal
// window of the last user reached has closed, also after the campaign has finished or been paused.
// Client-safe (no imports).

/** While deliveries go out: a slower beat than the outcome chart's 3 s (the table is one aggregate query). */
export const RESULTS_SENDING_MS = 5_000;
/** After sending, while conversions may still arrive: they trickle in over hours or days. */
export const RESULTS_WINDOW_OPEN_MS = 30_000;

export type ResultsLiveness = {
  status: string;
  /** deliveries still waiting (scheduled or retrying): the outcomes' `live` beyond an active status */
  waiting: boolean;
  /** CampaignResults.goalOpenUntil: null without a goal or before anyone is reached */
  goalOpenUntil: string | null;
};

/** The refetch interval in ms, or false once nothing can change by itself (a draft, no goal, the window closed). */
export function resultsRefetchMs({ status, waiting, goalOpenUntil }: ResultsLiveness, now: number): number | false {
  // a paused campaign's waiting deliveries are held: they change nothing until it resumes
  if (status === "active" || (waiting && status !== "paused")) return RESULTS_SENDING_MS;
  if (status !== "draft" && goalOpenUntil !== null && Date.parse(goalOpenUntil) > now) return RESULTS_WINDOW_OPEN_MS;
  return false;
}
