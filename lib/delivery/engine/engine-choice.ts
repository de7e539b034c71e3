// Which delivery engine a process runs, from the configuration: the one rule that start.ts (which
// starts it), server-start.ts (which says so), the health check (which pings its Redis) and the shared
// rate limits (lib/api/rate-limit.ts: in Redis exactly when the deliveries are) read.
import { servesManyWorkers } from "../../db/dialect";
import { env, type Settings } from "../../env";

/**
 * Whether deliveries go through Redis (BullMQ): with REDIS_URL, on a database several workers may
 * claim from at once. On SQLite REDIS_URL is not used: the embedded engine delivers.
 */
export function deliversThroughRedis(e: Settings = env()): boolean {
  return !!e.REDIS_URL && servesManyWorkers(e.database);
}

/**
 * Whether this process runs the delivery worker itself: unless told, yes except when deliveries go
 * through Redis. Read apart from deliversThroughRedis, this rule once left a web process on SQLite
 * with REDIS_URL delivering nothing, its health ok.
 */
export function runsEmbeddedWorker(e: Settings = env()): boolean {
  return e.HOOKLINE_EMBEDDED_WORKER ?? !deliversThroughRedis(e);
}

/** The Redis URL this install uses (deliversThroughRedis), or null: the rate limits are shared through it too. */
export function redisUrlInUse(e: Settings = env()): string | null {
  return deliversThroughRedis(e) ? e.REDIS_URL! : null;
}
