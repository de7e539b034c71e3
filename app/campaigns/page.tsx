import { CampaignList } from "@/components/CampaignList";
import { EmptyCampaigns } from "@/components/EmptyCampaigns";
import { ButtonLink } from "@/components/ui/Button";
import { campaignOverviews } from "@/lib/campaigns/campaign-overview";
import { listCampaigns } from "@/lib/campaigns/campaigns";
import { statusLabel } from "@/lib/campaigns/list-labels";
import { roleAllows } from "@/lib/auth/roles";
import { roleForUi } from "@/app/member";

export const dynamic = "force-dynamic";

export default async function CampaignsPage() {
  const [list, overviews, role] = await Promise.all([listCampaigns(), campaignOverviews(), roleForUi()]);
  // a viewer only looks: no way into a form it cannot save
  const canCreate = roleAllows(role, "editor");
  const campaigns = list.map((c) => {
    const o = overviews.get(c.id) ?? { audience: 0, delivered: 0, failed: 0, lastSentAt: null };
    return {
      id: c.id,
      name: c.name,
      description: c.description,
      status: statusLabel(c.status),
      statusKey: c.status,
      actionCount: c.actionCount,
      destinations: c.destinations,
      editedIso: c.updatedAt.toISOString(),
      audience: o.audience,
      delivered: o.delivered,
      failed: o.failed,
      lastSendIso: o.lastSentAt?.toISOString() ?? null,
    };
  });
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
      {campaigns.length ? <CampaignList campaigns={campaigns} /> : <EmptyCampaigns canCreate={canCreate} />}
    </div>
  );
}
