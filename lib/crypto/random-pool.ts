// Random bytes for ids (webhook ids, row ids, event ids), shared by every id maker in the process.
import { randomBytes } from "node:crypto";

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
