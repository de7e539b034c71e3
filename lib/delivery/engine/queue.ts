// The queue port: what the rest of the app tells the delivery engine. Two adapters implement it,
// chosen once at start-up (lib/delivery/engine/start.ts): the embedded engine (polls the outbox in this
// process) and the BullMQ producer (hands due deliveries to `npm run worker` processes).
export type QueueHint = {
  /** the earliest due time among the changes (now when omitted) */
  dueAt?: Date | null;
  /** a campaign whose waiting deliveries changed (resumed, retried) */
  campaignId?: string;
  deliveryIds?: string[];
  /** when freshly planned deliveries come due (ms since the epoch; each distinct time once is enough) */
  dueTimes?: Iterable<number>;
};

/** How an engine's loop is doing, for the health check (lib/health.ts): judged there, measured here. */
export type EngineLiveness = {
  running: boolean;
  /** why the loop ended by itself (null while it runs or after stop()) */
  crashed: string | null;
  /** ms since the loop last finished its once-a-second tick (since start() before the first one) */
  sinceTickMs: number;
  /** the last error the loop met and is retrying after (null once a tick succeeds again) */
  lastError: string | null;
};

export interface DeliveryQueue {
  readonly kind: "embedded" | "bullmq" | "none";
  /** New or changed deliveries exist; the engine picks them up (the rows are already written). */
  notify(hint?: QueueHint): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** what the engine has done so far, for operators and the bench (engines that run a loop) */
  stats?(): Record<string, number>;
  /** engines that run a loop in this process: whether it still ticks */
  liveness?(): EngineLiveness;
}

/** When no engine runs in this process (tests, scripts): the rows wait for a worker's next look. */
const noQueue: DeliveryQueue = {
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
