import { CampaignEditor } from "@/components/CampaignEditor";
import { NEW_CAMPAIGN_DELIVERY } from "@/components/delivery/delivery-form-state";
import { listSampleUsers } from "@/lib/campaigns/sample-context";

export const dynamic = "force-dynamic";
export const metadata = { title: "New campaign · Hookline" };

export default async function NewCampaignPage() {
  return <CampaignEditor initial={{ name: "", description: "", actions: [] }} delivery={NEW_CAMPAIGN_DELIVERY} users={await listSampleUsers()} />;
}
