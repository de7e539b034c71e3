// The states of a delivery (Delivery.state) and which of them the engine may pick up.
import type { Hold } from "./hold-reason";

export const DELIVERY_STATES = ["scheduled", "sending", "delivered", "retrying", "failed", "suppressed", "cancelled"] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/** The one word a person reads for each state: the log's State filter, its counts, its rows and a delivery's detail. */
export const DELIVERY_STATE_LABELS: Record<DeliveryState, string> = {
  scheduled: "Scheduled",
  sending: "Sending",
  delivered: "Delivered",
  retrying: "Retrying",
  failed: "Failed",
  suppressed: "Suppressed",
  cancelled: "Cancelled",
};
/** The label of `state` (DELIVERY_STATE_LABELS); a state this build does not know shows as stored. */
export function deliveryStateLabel(state: string): string {
  return Object.hasOwn(DELIVERY_STATE_LABELS, state) ? DELIVERY_STATE_LABELS[state as DeliveryState] : state;
}

/** What a held row reads instead of its state (lib/delivery/core/hold-reason.ts holdOf): in the log's rows and a delivery's detail. */
export const HOLD_LABELS: Record<Hold, string> = { campaign_paused: "Held: campaign paused", quiet_hours: "Held: quiet hours", before_start: "Held: before start date", earlier_step: "Held: earlier step" };
/** A delivery's state as a person reads it: its hold when it is held (HOLD_LABELS), else its state's label. */
export function deliveryStateText(state: string, hold: string | null | undefined): string {
  return hold && Object.hasOwn(HOLD_LABELS, hold) ? HOLD_LABELS[hold as Hold] : deliveryStateLabel(state);
}

/** Waiting for their due time; a worker claims them when it comes. */
export const WAITING = ["scheduled", "retrying"] as const satisfies readonly DeliveryState[];
export type WaitingState = (typeof WAITING)[number];
/** WAITING as Prisma's `in` takes it */
export const WAITING_STATES: DeliveryState[] = [...WAITING];
/** Whether a delivery in `state` waits for its due time (WAITING). */
export function isWaiting(state: string): state is WaitingState {
  return (WAITING as readonly string[]).includes(state);
}
/** Nothing more will happen to these. */
export const FINAL_STATES: DeliveryState[] = ["delivered", "failed", "suppressed", "cancelled"];
/** A person may send these again (Retry in the log, "Retry all failed"). */
export const RETRYABLE_STATES: DeliveryState[] = ["failed", "retrying", "suppressed"];
/** States whose reason says what went wrong: the log shows it under the state. */
export const REASON_STATES: DeliveryState[] = ["failed", "retrying", "suppressed"];
/** What a success rate divides: the deliveries that reached a final answer from a receiver or gave up. */
export const SUCCESS_RATE_STATES: DeliveryState[] = ["delivered", "failed"];
/** The series of the outcome charts. */
export const OUTCOME_STATES = ["delivered", "retrying", "failed", "suppressed"] as const satisfies readonly DeliveryState[];

export const CAMPAIGN_STATUSES = ["draft", "active", "paused", "finished"] as const;

/** The log's Attempts cell: the requests a delivery sent, "–" when it sent none (failed before a request existed, or still waiting). */
export function requestsSentText(sent: number): string {
  return sent > 0 ? String(sent) : "–";
}
