// The campaign list's addresses: a page, a state and a search live in the query string, so a
// reload, the back button and a shared link show the same list.
import type { CampaignListQuery } from "./campaign-list-query";

/** `/campaigns?status=active&q=welcome&page=2`, leaving out what is the default (page 1, every state, no search). */
export function campaignListHref(query: Partial<CampaignListQuery>): string {
  const params = new URLSearchParams();
  if (query.status) params.set("status", query.status);
  if (query.q) params.set("q", query.q);
  if (query.page && query.page > 1) params.set("page", String(query.page));
  const search = params.toString();
  return search ? `/campaigns?${search}` : "/campaigns";
}
