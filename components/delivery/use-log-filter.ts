"use client";
// The delivery log's filter, kept in the page's address so that a reload or a shared link shows the
// same filtered log (lib/delivery/log-filter-url.ts names the parameters), and the log's paging:
// Older reads the page after the cursor the server gave (as fast at any depth), Newer goes back to
// the page before, Newest to the first.
import { useSearchParams } from "next/navigation";
import { useState } from "react";
import { filterFromSearch, searchWithFilter, type LogFilter } from "@/lib/delivery/log-filter-url";

/** A page shown before this one, and its number when known (a page opened by a cursor's address has none). */
type Place = { filter: LogFilter; number: number | null };

export function useLogFilter(campaignId?: string) {
  const search = useSearchParams();
  const [filter, setFilter] = useState<LogFilter>(() => filterFromSearch(search, campaignId));
  // the pages Older left since the log opened, for Newer; a reload forgets them (Newer is then Newest)
  const [newer, setNewer] = useState<Place[]>([]);
  const [cursorPageNumber, setCursorPageNumber] = useState<number | null>(null);
  const number = filter.after ? cursorPageNumber : filter.page;

  const show = (next: LogFilter, nextNumber: number | null) => {
    setFilter(next);
    setCursorPageNumber(nextNumber);
    // history.replaceState, not router.replace: Next.js keeps useSearchParams in step with it, and the
    // page (a dynamic server render) is not fetched again for every letter typed into "User".
    const url = `${window.location.pathname}${searchWithFilter(new URLSearchParams(window.location.search), next)}${window.location.hash}`;
    window.history.replaceState(window.history.state, "", url);
  };
  /** A new filter (or a numbered page) starts from its first page, or the page given. */
  const change = (patch: Partial<Omit<LogFilter, "after">>) => {
    setNewer([]);
    show({ ...filter, ...patch, page: patch.page ?? 1, after: undefined }, null);
  };
  const paging = {
    number,
    hasNewer: !!filter.after || filter.page > 1,
    older: (nextCursor: string) => {
      setNewer([...newer, { filter, number }]);
      show({ ...filter, page: 1, after: nextCursor }, number === null ? null : number + 1);
    },
    newer: () => {
      const place = newer[newer.length - 1];
      setNewer(newer.slice(0, -1));
      if (place) show(place.filter, place.number);
      // a reload forgot the way here: from a cursor's page to the newest, from a numbered page to the one before
      else show({ ...filter, page: filter.after ? 1 : Math.max(1, filter.page - 1), after: undefined }, null);
    },
    newest: () => {
      setNewer([]);
      show({ ...filter, page: 1, after: undefined }, null);
    },
  };
  return [filter, change, paging] as const;
}
