// Messages between the bench and its receiver process (bench/receiver/server.ts).
export type ReceiverStats = {
  count: number;
  bytes: number;
  firstAt: number;
  lastAt: number;
  byKind: Record<string, number>;
  /** requests whose key (last path segment) had already arrived, while recording */
  duplicates: number;
  recorded: number;
};

export type ReceiverCommand =
  | { type: "stats"; id: number }
  | { type: "reset"; id: number; record: boolean }
  | { type: "arrivals"; id: number };

export type ReceiverReply =
  | { type: "listening"; id: 0; port: number }
  | { type: "ok"; id: number }
  | { type: "stats"; id: number; stats: ReceiverStats }
  | { type: "arrivals"; id: number; arrivals: [string, number][] };
