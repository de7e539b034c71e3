import { CampaignEditor } from "@/components/CampaignEditor";
import { NEW_CAMPAIGN_DELIVERY } from "@/components/delivery/delivery-form-state";
import { listSampleUsers } from "@/lib/campaigns/sample-context";
import { definePage } from "@/app/member";

export const dynamic = "force-dynamic";
export const metadata = { title: "New campaign · Hookline" };

// a viewer could not save it: back to the list (pageMember) rather than a form that refuses at the end
export default definePage("editor", async function NewCampaignPage() {
  return <CampaignEditor initial={{ name: "", description: "", actions: [] }} delivery={NEW_CAMPAIGN_DELIVERY} users={await listSampleUsers()} />;
});
