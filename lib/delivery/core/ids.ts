// Standard Webhooks message ids: "msg_" + 22 url-safe random characters, one per delivery,
// the same on every attempt so receivers can deduplicate.
import { randomBytes } from "node:crypto";

export function newWebhookId(): string {
  return `msg_${randomSlice(16).toString("base64url")}`;
}

// Ids are made by the hundred per batch: one read of the system's randomness per 4 KB instead of
// one per id (crypto.randomUUID caches the same way). A slice is never handed out twice.
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let offset = 0;

/** `size` fresh random bytes for an id. */
export function randomSlice(size: number): Buffer {
  if (offset + size > pool.length) {
    pool = randomBytes(Math.max(POOL_BYTES, size));
    offset = 0;
  }
  const slice = pool.subarray(offset, offset + size);
  offset += size;
  return slice;
}

/** Names this process in Delivery.lockedBy: host, pid and a random tag (pids are reused). */
export function newWorkerId(kind: string): string {
  return `${kind}:${process.pid}:${randomBytes(4).toString("hex")}`;
}
