import { db } from "@/lib/db";

export const dynamic = "force-dynamic";

export default async function CampaignsPage() {
  const campaigns = await db().campaign.findMany({ orderBy: { updatedAt: "desc" } });
  return (
    <div>
      <h1 className="text-2xl font-semibold">Campaigns</h1>
      <ul>{campaigns.map((c) => <li key={c.id}>{c.name}</li>)}</ul>
    </div>
  );
}
