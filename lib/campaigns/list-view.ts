// The campaign list's search, state filter and sort: a pure function of the rows and the controls.
export const CAMPAIGN_SORTS = { updated: "Last updated", name: "Name", lastSend: "Last send" } as const;
export type CampaignSort = keyof typeof CAMPAIGN_SORTS;

export type ListControls = { query: string; status: string; sort: CampaignSort };
type Listed = { name: string; statusKey: string; editedIso: string; lastSendIso: string | null };

/** Rows whose name contains the query (any case) and whose state is the chosen one, in the chosen order. */
export function visibleCampaigns<T extends Listed>(rows: T[], { query, status, sort }: ListControls): T[] {
  const needle = query.trim().toLocaleLowerCase();
  const kept = rows.filter((r) => (!needle || r.name.toLocaleLowerCase().includes(needle)) && (!status || r.statusKey === status));
  const byName = (a: T, b: T) => a.name.localeCompare(b.name, undefined, { sensitivity: "base", numeric: true });
  const compare: Record<CampaignSort, (a: T, b: T) => number> = {
    name: byName,
    updated: (a, b) => b.editedIso.localeCompare(a.editedIso) || byName(a, b),
    // newest send first; never sent last
    lastSend: (a, b) => (b.lastSendIso ?? "").localeCompare(a.lastSendIso ?? "") || byName(a, b),
  };
  return [...kept].sort(compare[sort]);
}
