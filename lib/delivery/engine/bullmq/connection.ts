// Redis for the scale-out engine: the BullMQ queue of work signals and the wake-up channel (both
// under the install's key prefix, HOOKLINE_QUEUE_PREFIX) and the connections. Every client made here has an error listener: without one, ioredis prints
// "Unhandled error event" on every reconnect attempt while Redis is away.
import { Redis } from "ioredis";
import { env } from "../../../env";
import { describeSafely, log } from "../../../log";

/** a Redis that stays away is reported once per this interval, not once per reconnect */
const ERROR_LOG_EVERY_MS = 30_000;

/** The BullMQ queue of the engine's signals: the tick's scheduled jobs and delayed wake-ups. */
export const SIGNALS_QUEUE = "engine";
export const TICK_JOB = "engine-tick";
export const WAKE_JOB = "wake";

export function queuePrefix() {
  return env().HOOKLINE_QUEUE_PREFIX;
}

/** The channel on which "deliveries were written, due at <ms>" is published to every worker. */
export function dueChannel() {
  return `${queuePrefix()}:deliveries:due`;
}

/** host:port of REDIS_URL, for the log (never the URL: it may hold a password) */
export function redisHost(url = env().REDIS_URL): string {
  try {
    return new URL(url ?? "").host || "(unknown)";
  } catch {
    return "(unparseable REDIS_URL)";
  }
}

type ErrorSource = { on(event: "error", listener: (err: Error) => void): unknown };

/** Logs `source`'s errors (rate-limited, host only) so that none goes unhandled. */
export function logRedisErrors(source: ErrorSource, what: string, consequence: string) {
  source.on("error", (err: Error) => {
    log.warnEvery(ERROR_LOG_EVERY_MS, `Redis unreachable (${what}): ${consequence}`, { host: redisHost(), error: describeSafely(err) });
  });
}

/** A worker's connections (subscription, BullMQ worker) retry forever; publishers fail fast (workers also look once a second). */
export function redisConnection(role: "worker" | "producer"): Redis {
  const url = env().REDIS_URL;
  if (!url) throw new Error("REDIS_URL is not set");
  const client = new Redis(url, role === "worker" ? { maxRetriesPerRequest: null } : { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000 });
  const what = `${role} connection`;
  logRedisErrors(client, what, "reconnecting by itself");
  // the end of an outage, at the outage's level: whoever was shown it is shown that it is over
  let lost = false;
  client.on("error", () => (lost = true));
  client.on("ready", () => {
    if (!lost) return;
    lost = false;
    log.warnEvery(ERROR_LOG_EVERY_MS, `Redis reachable again (${what})`, { host: redisHost() });
  });
  return client;
}

/** Closes a connection, politely when Redis answers. */
export async function closeRedis(client: Redis | null | undefined) {
  if (!client || client.status === "end") return;
  try {
    if (client.status === "ready") await Promise.race([client.quit(), new Promise((r) => setTimeout(r, 1000))]);
  } catch {
    // Redis went away meanwhile: disconnect below
  }
  client.disconnect();
}
