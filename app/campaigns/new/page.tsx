import { CampaignEditor } from "@/components/CampaignEditor";
import { NEW_CAMPAIGN_DELIVERY } from "@/components/delivery/delivery-form-state";
import { listSampleUsers } from "@/lib/campaigns/sample-context";
import { definePage } from "@/app/member";
import { ButtonLink } from "@/components/ui/Button";
import { memberAllows } from "@/lib/auth/members";

export const dynamic = "force-dynamic";
export const metadata = { title: "New campaign · Hookline" };

// a viewer could not save it: a page that says so rather than a form that refuses at the end (or a
// silent redirect to the list, which left a typed or bookmarked URL unexplained)
export default definePage("viewer", async function NewCampaignPage(_props: unknown, member) {
  if (!memberAllows(member, "editor")) {
    return (
      <div className="space-y-3">
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">New campaign</h1>
        <p role="note" className="text-sm text-slate-600">Viewers cannot create campaigns</p>
        <ButtonLink href="/campaigns">Back to campaigns</ButtonLink>
      </div>
    );
  }
  return <CampaignEditor initial={{ name: "", description: "", actions: [] }} delivery={NEW_CAMPAIGN_DELIVERY} users={await listSampleUsers()} />;
});
