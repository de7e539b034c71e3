import { actorOf } from "@/lib/api/authenticate";
import { campaignList, saveCampaignByApi } from "@/lib/api/campaigns";
import { campaignBodySchema } from "@/lib/api/schemas/campaigns";
import { withApi } from "@/lib/api/with-api";

export const dynamic = "force-dynamic";

export const GET = withApi({ role: "viewer" }, async () => campaignList());

/** Creates a draft campaign with its webhook actions. */
export const POST = withApi({ body: campaignBodySchema, role: "editor" }, async ({ body, principal }) =>
  Response.json(await saveCampaignByApi(body, actorOf(principal), principal), { status: 201 }),
);
