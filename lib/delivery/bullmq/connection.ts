// The BullMQ queue of deliveries on Redis: its name, key prefix and connections.
import { Redis } from "ioredis";
import { env } from "../../env";

export const QUEUE_NAME = "deliveries";

/** Job data: which deliveries to send (the rows in the database say what and whether). */
export type DeliveryJob = { ids?: string[]; webhookIds?: string[] };

export function queuePrefix() {
  return env().HOOKLINE_QUEUE_PREFIX;
}

/** Workers block on Redis and must retry forever; producers fail fast (the sweeper catches up). */
export function redisConnection(role: "worker" | "producer"): Redis {
  const url = env().REDIS_URL;
  if (!url) throw new Error("REDIS_URL is not set");
  return new Redis(url, role === "worker" ? { maxRetriesPerRequest: null } : { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000 });
}
