"use client";
// Live delivery data: polled every second while the page is open (react-query).
import { useQuery } from "@tanstack/react-query";
import { errorMessageOf } from "@/lib/api/error-message";
import { deliveryKeys } from "@/lib/delivery/query-keys";
import type { DeliveryCounts } from "@/lib/delivery/store/log-counts";
import type { DeliveryDetail, DeliveryPage, DeliveryStats } from "@/lib/delivery/store/log-queries";

import type { LogFilter } from "@/lib/delivery/log-filter-url";

export type { LogFilter };

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { cache: "no-store" });
  if (!res.ok) throw new Error(await errorMessageOf(res, `The log could not be loaded (HTTP ${res.status}).`));
  return res.json();
}

function filterParams(filter: Partial<LogFilter>): URLSearchParams {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(filter)) if (v !== undefined && v !== "") params.set(k, String(v));
  return params;
}

/** The CSV export of what the log shows (every page of it). */
export function exportUrl({ page: _page, after: _after, ...filter }: LogFilter): string {
  return `/api/deliveries/export?${filterParams(filter)}`;
}

export function useDeliveryLog(filter: LogFilter) {
  const params = filterParams(filter);
  return useQuery({
    queryKey: deliveryKeys.list(filter),
    queryFn: () => getJson<{ counts: DeliveryCounts; stats: DeliveryStats; list: DeliveryPage }>(`/api/deliveries?${params}`),
    refetchInterval: 1000,
    placeholderData: (previous) => previous,
  });
}

export function useDeliveryDetail(id: string | null) {
  return useQuery({
    queryKey: deliveryKeys.detail(id ?? ""),
    queryFn: () => getJson<DeliveryDetail>(`/api/deliveries/${id}`),
    enabled: !!id,
    refetchInterval: 2000,
  });
}
