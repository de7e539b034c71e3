import { CampaignEditor } from "@/components/CampaignEditor";
import { listSampleUsers } from "@/lib/campaigns/sample-context";

export const dynamic = "force-dynamic";
export const metadata = { title: "New campaign · Hookline" };

export default async function NewCampaignPage() {
  return <CampaignEditor initial={{ name: "", description: "", actions: [] }} users={await listSampleUsers()} />;
}
