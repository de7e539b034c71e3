"use client";
// The delivery log's filter, kept in the page's address so that a reload or a shared link shows the
// same filtered log (lib/delivery/log-filter-url.ts names the parameters).
import { useSearchParams } from "next/navigation";
import { useState } from "react";
import { filterFromSearch, searchWithFilter, type LogFilter } from "@/lib/delivery/log-filter-url";

export function useLogFilter(campaignId?: string) {
  const search = useSearchParams();
  const [filter, setFilter] = useState<LogFilter>(() => filterFromSearch(search, campaignId));
  const change = (patch: Partial<LogFilter>) => {
    const next = { ...filter, ...patch, page: patch.page ?? 1 };
    setFilter(next);
    // history.replaceState, not router.replace: Next.js keeps useSearchParams in step with it, and the
    // page (a dynamic server render) is not fetched again for every letter typed into "User".
    const url = `${window.location.pathname}${searchWithFilter(new URLSearchParams(window.location.search), next)}${window.location.hash}`;
    window.history.replaceState(window.history.state, "", url);
  };
  return [filter, change] as const;
}
