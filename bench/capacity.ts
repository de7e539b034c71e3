// A capacity model from measured CPU costs per delivery: how many deliveries per second N workers
// sustain on C cores, and which resource runs out first. Each worker is one event loop (at most one
// core); PostgreSQL's backends spread over the cores; Redis is one thread; the producer (web
// process) pays the fan-out. The receiver is the world outside and is not counted.
export type DeliveryCosts = {
  /** µs of worker CPU per delivery (one worker's event loop) */
  worker: number;
  /** µs of PostgreSQL CPU per delivery (backends and shared processes) */
  postgres: number;
  /** µs of redis-server CPU per delivery */
  redis: number;
  /** µs of the producer's CPU per delivery (fan-out, notify) */
  producer: number;
};

export type Limit = "workers" | "cores" | "Redis";

export type Capacity = { workers: number; cores: number; deliveriesPerSecond: number; limit: Limit; postgresCores: number };

export function capacity(costs: DeliveryCosts, workers: number, cores: number): Capacity {
  const total = costs.worker + costs.postgres + costs.redis + costs.producer;
  const candidates: [Limit, number][] = [
    ["workers", costs.worker > 0 ? (workers * 1e6) / costs.worker : Infinity],
    ["cores", total > 0 ? (cores * 1e6) / total : Infinity],
    ["Redis", costs.redis > 0 ? 1e6 / costs.redis : Infinity],
  ];
  const [limit, rate] = candidates.reduce((a, b) => (b[1] < a[1] ? b : a));
  return { workers, cores, deliveriesPerSecond: Math.round(rate), limit, postgresCores: Math.round(((rate * costs.postgres) / 1e6) * 10) / 10 };
}

/** the model for a grid of worker counts and core counts, each cell "rate (limit)" */
export function capacityGrid(costs: DeliveryCosts, workerCounts = [1, 2, 4, 8, 16], coreCounts = [2, 4, 8, 16]) {
  return coreCounts.map((cores) => ({ cores, cells: workerCounts.map((w) => capacity(costs, w, cores)) }));
}
