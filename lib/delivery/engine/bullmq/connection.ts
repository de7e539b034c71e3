// The BullMQ queue of deliveries on Redis: its name, key prefix and connections. Every client,
// queue and worker made here has an error listener: without one, ioredis prints "Unhandled error
// event" on every reconnect attempt while Redis is away (and BullMQ drops its own listener from a
// connection it was given when it closes, so we close our connections ourselves).
import { Redis } from "ioredis";
import { env } from "../../../env";
import { log } from "../../../log";

export const QUEUE_NAME = "deliveries";
/** a Redis that stays away is reported once per this interval, not once per reconnect */
const ERROR_LOG_EVERY_MS = 30_000;

/** Job data: which deliveries to send (the rows in the database say what and whether). */
export type DeliveryJob = { ids?: string[]; webhookIds?: string[] };

export function queuePrefix() {
  return env().HOOKLINE_QUEUE_PREFIX;
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
    log.warnEvery(ERROR_LOG_EVERY_MS, `Redis unreachable (${what}): ${consequence}`, { host: redisHost(), error: err.message });
  });
}

/** Workers block on Redis and must retry forever; producers fail fast (the sweeper catches up). */
export function redisConnection(role: "worker" | "producer"): Redis {
  const url = env().REDIS_URL;
  if (!url) throw new Error("REDIS_URL is not set");
  const client = new Redis(url, role === "worker" ? { maxRetriesPerRequest: null } : { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000 });
  logRedisErrors(client, `${role} connection`, "reconnecting by itself");
  return client;
}

/** Closes a connection handed to BullMQ (it does not close connections it was given). */
export async function closeRedis(client: Redis | null | undefined) {
  if (!client || client.status === "end") return;
  try {
    if (client.status === "ready") await Promise.race([client.quit(), new Promise((r) => setTimeout(r, 1000))]);
  } catch {
    // Redis went away meanwhile: disconnect below
  }
  client.disconnect();
}
