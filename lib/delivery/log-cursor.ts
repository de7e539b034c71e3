// Where a page of the delivery log ends, as the opaque cursor its Older button and the API's
// nextCursor carry: the last row's updatedAt (to the millisecond) and id, in the log's order
// (most recently changed first, then id). Pure and browser-safe: the page's address is read with it
// (log-filter-url.ts) as well as the routes' queries and the log's query (store/log-queries.ts).

export type LogPosition = { updatedAt: Date; id: string };

export function encodeLogCursor(p: LogPosition): string {
  const bytes = new TextEncoder().encode(`${p.updatedAt.toISOString()} ${p.id}`);
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The position a cursor names, or null when it is not one the log gave out. */
export function decodeLogCursor(cursor: string): LogPosition | null {
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(cursor)) return null;
  let text: string;
  try {
    const binary = atob(cursor.replace(/-/g, "+").replace(/_/g, "/"));
    text = new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
  } catch {
    return null;
  }
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) ([^\s\u0000]{1,200})$/.exec(text);
  const updatedAt = m ? new Date(m[1]!) : null;
  return m && updatedAt && !Number.isNaN(updatedAt.getTime()) ? { updatedAt, id: m[2]! } : null;
}

export const LOG_CURSOR_MESSAGE = "Not a cursor from this log: pass nextCursor back as it came";

export class LogCursorError extends Error {
  constructor() {
    super(LOG_CURSOR_MESSAGE);
  }
}
