// The queue port: what the rest of the app tells the delivery engine. Two adapters implement it,
// chosen once at start-up (lib/delivery/start.ts): the embedded engine (polls the outbox in this
// process) and the BullMQ producer (hands due deliveries to `npm run worker` processes).
export interface DeliveryQueue {
  readonly kind: "embedded" | "bullmq" | "none";
  /** New or changed deliveries exist; the earliest is due at `dueAt` (now when omitted). */
  notify(hint?: { dueAt?: Date | null; campaignId?: string; deliveryIds?: string[] }): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** When no engine runs in this process (tests, scripts): the rows wait for a worker's sweeper. */
export const noQueue: DeliveryQueue = {
  kind: "none",
  notify: async () => {},
  start: async () => {},
  stop: async () => {},
};

const holder = globalThis as unknown as { __hooklineQueue?: DeliveryQueue };

export function deliveryQueue(): DeliveryQueue {
  return holder.__hooklineQueue ?? noQueue;
}

export function setDeliveryQueue(queue: DeliveryQueue | null) {
  holder.__hooklineQueue = queue ?? undefined;
}
