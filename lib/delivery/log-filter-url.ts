// The delivery log's filter in the page's address (?state=failed&action=…&user=…&page=2, or
// &after=<cursor> for a page reached by Older), so a filtered log survives a reload and can be shared. Pure: the log's hook reads and
// writes the address with these (components/delivery/use-log-filter.ts).
import { DELIVERY_STATES } from "./core/states";
import { decodeLogCursor } from "./log-cursor";

/**
 * What the log shows: one campaign's deliveries (or every campaign's), narrowed by state, action and
 * user id; the page after the cursor `after` (nextCursor of the page before), else numbered `page`.
 */
export type LogFilter = { campaignId?: string; state?: string; actionId?: string; user?: string; page: number; after?: string };

const STATES = new Set<string>(DELIVERY_STATES);
/** the query names, beside whatever else the page's address holds */
const NAMES = { state: "state", actionId: "action", user: "user", page: "page", after: "after" } as const;

/** The filter an address asks for; what is not a state, a page number or a cursor is left out rather than refused. */
export function filterFromSearch(search: URLSearchParams, campaignId?: string): LogFilter {
  const state = search.get(NAMES.state) ?? "";
  const page = Number(search.get(NAMES.page));
  const after = search.get(NAMES.after) ?? "";
  return {
    campaignId,
    state: STATES.has(state) ? state : undefined,
    actionId: search.get(NAMES.actionId) || undefined,
    user: search.get(NAMES.user) || undefined,
    page: Number.isInteger(page) && page > 1 ? page : 1,
    after: decodeLogCursor(after) ? after : undefined,
  };
}

/** The address's query with the filter in it (other names kept; empty values and page 1 left out). */
export function searchWithFilter(search: URLSearchParams, filter: LogFilter): string {
  const next = new URLSearchParams(search);
  const values: Record<keyof typeof NAMES, string | undefined> = {
    state: filter.state,
    actionId: filter.actionId,
    user: filter.user,
    page: filter.page > 1 && !filter.after ? String(filter.page) : undefined,
    after: filter.after,
  };
  for (const [key, name] of Object.entries(NAMES) as [keyof typeof NAMES, string][]) {
    const value = values[key];
    if (value) next.set(name, value);
    else next.delete(name);
  }
  const text = next.toString();
  return text ? `?${text}` : "";
}

/** What an empty log says: that nothing matches only when a filter narrows it; else that nothing was sent yet. */
export function emptyLogText(filter: LogFilter): string {
  if (filter.state || filter.actionId || filter.user) return "No deliveries match these filters.";
  return `No deliveries yet: each webhook ${filter.campaignId ? "this campaign sends" : "your campaigns send"} shows here, with its result.`;
}
