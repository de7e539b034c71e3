import { notFound } from "next/navigation";
import { CampaignEditor } from "@/components/CampaignEditor";
import { getCampaignDraft } from "@/lib/campaigns/campaigns";
import { listSampleUsers } from "@/lib/campaigns/sample-context";
import { loadDeliverySettings } from "@/lib/delivery/forms/settings";
import { DeliveryLog } from "@/components/delivery/DeliveryLog";
import { CampaignOutcomes } from "@/components/outcomes/CampaignOutcomes";
import { CampaignLiveStatus } from "@/components/outcomes/CampaignLiveStatus";
import { campaignOutcomes } from "@/lib/delivery/store/campaign-outcomes";
import { CampaignResults } from "@/components/outcomes/CampaignResults";
import { eventNames } from "@/lib/audience/event-catalogue";
import { loadCampaignGoal } from "@/lib/campaigns/campaign-goal";
import { campaignResults } from "@/lib/campaigns/conversion-results";
import { storedTemplateErrorsMessage, templateSyntaxErrors } from "@/lib/campaigns/template-check";
import { definePage, pageMember } from "@/app/member";

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }) {
  const member = await pageMember("viewer");
  const campaign = await getCampaignDraft((await params).id, member.role);
  return { title: campaign ? `${campaign.name} · Hookline` : "Not found · Hookline" };
}

export default definePage("viewer", async function CampaignPage({ params }: { params: Promise<{ id: string }> }, member) {
  const { id } = await params;
  // a viewer's draft shows every credential part masked; an editor's, what they edit
  const [campaign, users, delivery, outcomes] = await Promise.all([getCampaignDraft(id, member.role), listSampleUsers(), loadDeliverySettings(id), campaignOutcomes(id)]);
  const [goal, results, events] = await Promise.all([loadCampaignGoal(id), campaignResults(id), eventNames()]);
  if (!campaign || !delivery || !outcomes || !goal || !results) notFound();
  const { status, updatedAt: _updatedAt, ...draft } = campaign;
  // what a save would refuse as stored (a campaign saved before the template limits): shown before anything sends
  const storedErrors = templateSyntaxErrors(campaign);
  return (
    <CampaignLiveStatus campaignId={id} initial={outcomes}>
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
    </CampaignLiveStatus>
  );
});
