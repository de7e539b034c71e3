// Random bytes for ids (webhook ids, row ids, event ids), shared by every id maker in the process.
import { randomBytes } from "node:crypto";

// Ids are made by the hundred per batch: one read of the system's randomness per 4 KB instead of
// one per id (crypto.randomUUID caches the same way). A slice is never handed out twice.
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let offset = 0;

/** `size` fresh random bytes for an id. */
function randomSlice(size: number): Buffer {
  if (offset + size > pool.length) {
    pool = randomBytes(Math.max(POOL_BYTES, size));
    offset = 0;
  }
  const slice = pool.subarray(offset, offset + size);
  offset += size;
  return slice;
}

/**
 * `count` ids that sort by the time they were made: prefix, the time in base 36 (8 characters until
 * 2059), then `bytes` random bytes in base64url (a multiple of 3, so each id's characters are its own
 * bytes' encoding). An index on such a key grows at its right edge: a batch of new rows dirties a page
 * or two of it, where random keys dirtied one page per row, each written to SQLite's log at commit
 * (3 to 8 us a row for each such index, measured on the Event and Delivery tables). Svix's message ids
 * (KSUIDs) are time-ordered for the same reason.
 */
export function orderedIds(prefix: string, count: number, bytes: number): string[] {
  const head = prefix + Date.now().toString(36);
  const chars = (bytes / 3) * 4;
  const random = randomSlice(bytes * count).toString("base64url");
  const ids = new Array<string>(count);
  for (let i = 0; i < count; i++) ids[i] = head + random.slice(chars * i, chars * i + chars);
  return ids;
}

/** One id as orderedIds makes them. */
export function orderedId(prefix: string, bytes: number): string {
  return prefix + Date.now().toString(36) + randomSlice(bytes).toString("base64url");
}
