import Link from "next/link";
import { CampaignList } from "@/components/CampaignList";
import { CampaignListFilters } from "@/components/CampaignListFilters";
import { CampaignPager } from "@/components/CampaignPager";
import { EmptyCampaigns } from "@/components/EmptyCampaigns";
import { ButtonLink } from "@/components/ui/Button";
import { listCampaignPage } from "@/lib/campaigns/campaign-list";
import { parseCampaignListQuery } from "@/lib/campaigns/campaign-list-query";
import { statusLabel } from "@/lib/campaigns/list-labels";
import { campaignListHref } from "@/lib/campaigns/list-view";
import { memberAllows } from "@/lib/auth/members";
import { definePage } from "@/app/member";

export const dynamic = "force-dynamic";

/** One page of campaigns (?page=, ?status=, ?q=): only its campaigns and their figures are read. */
export default definePage("viewer", async function CampaignsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }, member) {
  const { query, problems } = parseCampaignListQuery(await searchParams);
  const list = await listCampaignPage(query);
  // a viewer only looks: no way into a form it cannot save
  const canCreate = memberAllows(member, "editor");
  const filtered = !!(query.q || query.status);
  const campaigns = list.campaigns.map((c) => ({
    id: c.id,
    name: c.name,
    description: c.description,
    status: statusLabel(c.status),
    statusKey: c.status,
    actionCount: c.actionCount,
    destinations: c.destinations,
    editedIso: c.updatedAt.toISOString(),
    audience: c.overview.audience,
    delivered: c.overview.delivered,
    failed: c.overview.failed,
    retrying: c.overview.retrying,
    lastSendIso: c.overview.lastSentAt?.toISOString() ?? null,
    nextSend: c.nextSend && { iso: c.nextSend.at.toISOString(), local: c.nextSend.local, exact: c.nextSend.exact, begun: c.nextSend.begun },
  }));
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Campaigns</h1>
          <p className="mt-1 text-sm text-slate-600">Personalised webhooks to your CRM, email service or warehouse, previewed as you type.</p>
        </div>
        {canCreate && (
          <ButtonLink href="/campaigns/new" variant="primary">
            New campaign
          </ButtonLink>
        )}
      </div>
      {problems.length > 0 && (
        <p role="alert" className="rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-900">
          {problems.join(". ")}: showing the list without it.
        </p>
      )}
      {list.total === 0 && !filtered ? (
        <EmptyCampaigns canCreate={canCreate} />
      ) : (
        <div>
          <CampaignListFilters q={query.q ?? ""} status={query.status ?? ""} />
          {campaigns.length > 0 ? (
            <CampaignList campaigns={campaigns} canEdit={canCreate} />
          ) : list.total === 0 ? (
            <p className="rounded-xl border border-slate-200 bg-white px-5 py-6 text-sm text-slate-500">No campaign matches the search.</p>
          ) : (
            <p className="rounded-xl border border-slate-200 bg-white px-5 py-6 text-sm text-slate-500">
              There is no page {query.page.toLocaleString("en")}: the list has {list.pageCount.toLocaleString("en")}.{" "}
              <Link className="text-indigo-700 hover:underline" href={campaignListHref({ ...query, page: list.pageCount })}>
                Go to the last page
              </Link>
            </p>
          )}
          <CampaignPager query={query} page={list.page} pageCount={list.pageCount} total={list.total} shown={campaigns.length} perPage={list.perPage} />
        </div>
      )}
    </div>
  );
});
