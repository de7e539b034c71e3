// The states of a delivery (Delivery.state) and which of them the engine may pick up.
export const DELIVERY_STATES = ["scheduled", "sending", "delivered", "retrying", "failed", "suppressed", "cancelled"] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/** Waiting for their due time; a worker claims them when it comes. */
export const WAITING_STATES: DeliveryState[] = ["scheduled", "retrying"];
/** Nothing more will happen to these. */
export const FINAL_STATES: DeliveryState[] = ["delivered", "failed", "suppressed", "cancelled"];

export const CAMPAIGN_STATUSES = ["draft", "active", "paused", "finished"] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];
