// Standard Webhooks message ids: "msg_" + 22 url-safe random characters, one per delivery,
// the same on every attempt so receivers can deduplicate.
import { randomBytes } from "node:crypto";
import { randomSlice } from "../../crypto/random-pool";

export function newWebhookId(): string {
  return `msg_${randomSlice(16).toString("base64url")}`;
}

/** `count` webhook ids as newWebhookId makes them, for a fan-out's batch: one read of randomness. */
export function newWebhookIds(count: number): string[] {
  const bytes = randomBytes(16 * count);
  const ids = new Array<string>(count);
  for (let i = 0; i < count; i++) ids[i] = `msg_${bytes.toString("base64url", 16 * i, 16 * i + 16)}`;
  return ids;
}

/** Names this process in Delivery.lockedBy: host, pid and a random tag (pids are reused). */
export function newWorkerId(kind: string): string {
  return `${kind}:${process.pid}:${randomBytes(4).toString("hex")}`;
}
