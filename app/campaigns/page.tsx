import { CampaignList } from "@/components/CampaignList";
import { EmptyCampaigns } from "@/components/EmptyCampaigns";
import { ButtonLink } from "@/components/ui/Button";
import { listCampaigns } from "@/lib/campaigns/campaigns";
import { statusLabel, timeAgo } from "@/lib/campaigns/list-labels";

export const dynamic = "force-dynamic";

export default async function CampaignsPage() {
  const now = new Date();
  const campaigns = (await listCampaigns()).map((c) => ({
    id: c.id,
    name: c.name,
    description: c.description,
    status: statusLabel(c.status),
    actionCount: c.actionCount,
    destinations: c.destinations,
    edited: timeAgo(c.updatedAt, now),
    editedIso: c.updatedAt.toISOString(),
  }));
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Campaigns</h1>
          <p className="mt-1 text-sm text-slate-600">Personalised webhooks to your CRM, email service or warehouse, previewed as you type.</p>
        </div>
        <ButtonLink href="/campaigns/new" variant="primary">
          New campaign
        </ButtonLink>
      </div>
      {campaigns.length ? <CampaignList campaigns={campaigns} /> : <EmptyCampaigns />}
    </div>
  );
}
