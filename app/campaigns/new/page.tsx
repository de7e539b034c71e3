import { CampaignEditor } from "@/components/CampaignEditor";
import { NEW_CAMPAIGN_DELIVERY } from "@/components/delivery/delivery-form-state";
import { listSampleUsers } from "@/lib/campaigns/sample-context";
import { redirect } from "next/navigation";
import { roleAllows } from "@/lib/auth/roles";
import { roleForUi } from "@/app/member";

export const dynamic = "force-dynamic";
export const metadata = { title: "New campaign · Hookline" };

export default async function NewCampaignPage() {
  // a viewer could not save it: back to the list rather than a form that refuses at the end
  if (!roleAllows(await roleForUi(), "editor")) redirect("/campaigns");
  return <CampaignEditor initial={{ name: "", description: "", actions: [] }} delivery={NEW_CAMPAIGN_DELIVERY} users={await listSampleUsers()} />;
}
