// Standard Webhooks message ids: "msg_", the time, then 16 url-safe random characters (96 bits), one
// per delivery, the same on every attempt so receivers can deduplicate. Time-ordered (as Svix's are)
// so that Delivery's unique index on them grows at its edge (lib/crypto/random-pool.ts).
import { randomBytes } from "node:crypto";
import { orderedId, orderedIds } from "../../crypto/random-pool";

export function newWebhookId(): string {
  return orderedId("msg_", 12);
}

/** `count` webhook ids as newWebhookId makes them, for a fan-out's batch: one read of randomness. */
export function newWebhookIds(count: number): string[] {
  return orderedIds("msg_", count, 12);
}

/** Names this process in Delivery.lockedBy: host, pid and a random tag (pids are reused). */
export function newWorkerId(kind: string): string {
  return `${kind}:${process.pid}:${randomBytes(4).toString("hex")}`;
}
