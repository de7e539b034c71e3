import { notFound } from "next/navigation";
import { cache } from "react";
import { CampaignEditor } from "@/components/CampaignEditor";
import { CampaignVersionScope } from "@/components/CampaignVersionScope";
import { campaignDraftOf, loadCampaignRow } from "@/lib/campaigns/campaigns";
import { listSampleUsers } from "@/lib/campaigns/sample-context";
import { deliverySettingsOf } from "@/lib/delivery/forms/settings";
import { DeliveryLog } from "@/components/delivery/DeliveryLog";
import { CampaignOutcomes } from "@/components/outcomes/CampaignOutcomes";
import { CampaignLiveStatus } from "@/components/outcomes/CampaignLiveStatus";
import { campaignOutcomesOf } from "@/lib/delivery/store/campaign-outcomes";
import { CampaignResults } from "@/components/outcomes/CampaignResults";
import { eventNames } from "@/lib/audience/event-catalogue";
import { campaignGoalOf } from "@/lib/campaigns/campaign-goal";
import { campaignResults } from "@/lib/campaigns/conversion-results";
import { storedTemplateErrorsMessage, templateSyntaxErrors } from "@/lib/campaigns/template-check";
import { definePage, pageMember } from "@/app/member";

export const dynamic = "force-dynamic";

// The campaign's row, read once per request: the title and every section of the page are built from it.
const campaignRow = cache(loadCampaignRow);

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }) {
  await pageMember("viewer");
  const campaign = await campaignRow((await params).id);
  return { title: campaign ? `${campaign.name} · Hookline` : "Not found · Hookline" };
}

export default definePage("viewer", async function CampaignPage({ params }: { params: Promise<{ id: string }> }, member) {
  const { id } = await params;
  const row = await campaignRow(id);
  if (!row) notFound();
  // a viewer's draft shows every credential part masked; an editor's, what they edit
  const campaign = campaignDraftOf(row, member.role);
  const goal = campaignGoalOf(row);
  const [users, delivery, outcomes, results, events] = await Promise.all([listSampleUsers(), deliverySettingsOf(row), campaignOutcomesOf(row), campaignResults(id), eventNames()]);
  if (!results) notFound();
  const { status, updatedAt: _updatedAt, ...draft } = campaign;
  // what a save would refuse as stored (a campaign saved before the template limits): shown before anything sends
  const storedErrors = templateSyntaxErrors(campaign);
  return (
    <CampaignLiveStatus campaignId={id} initial={outcomes}>
      {/* the editor's version, shared with the Goal form: a goal saved hands it the next */}
      <CampaignVersionScope>
        <div className="space-y-8">
          <CampaignEditor
            key={campaign.id}
            initial={draft}
            status={status}
            users={users}
            delivery={delivery}
            stored={{ errors: storedErrors, message: storedTemplateErrorsMessage(storedErrors, status) }}
          />
          <CampaignOutcomes campaignId={id} initial={outcomes} />
          <CampaignResults campaignId={id} initial={results} goal={goal} eventNames={events} status={status} />
          <DeliveryLog campaignId={id} actions={(draft.actions ?? []).flatMap((a) => (a.id ? [{ id: a.id, name: a.name ?? "Webhook" }] : []))} />
        </div>
      </CampaignVersionScope>
    </CampaignLiveStatus>
  );
});
